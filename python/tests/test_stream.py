"""The SSE iterator delivers ledger events and resumes after a dropped connection without loss or repeats."""

from __future__ import annotations

import threading
from typing import Callable, List

from faramesh import ExecutionGovernorClient, StreamEvent
from faramesh.sse import parse_frames

from .proxy import CuttableProxy
from .server import AGENT_TOKEN


def test_parses_frames_comments_and_multiline_data() -> None:
    lines = [": connected\n", "id: 0\n", "retry: 2000\n", "\n", "id: 7\n", "event: action.created\n", "data: {\"a\":\n", "data: 1}\n", "\n"]
    frames = list(parse_frames(lines))
    assert [(f.id, f.event, f.data, f.retry) for f in frames] == [("0", None, "", 2000), ("7", "action.created", '{"a":\n1}', None)]


def test_streams_the_events_of_an_action(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("sse")
    action = agent.submit_action("http", "get", {}, agent_id=who)
    agent.report_result(action["id"], success=True)
    got: List[StreamEvent] = []
    with agent.stream(agent_id=who, last_event_id=0) as stream:
        for ev in stream:
            got.append(ev)
            if ev.event_type == "succeeded":
                break
    assert [e.name for e in got] == ["action.created", "action.decided", "action.started", "action.succeeded"]
    assert got[-1].action["status"] == "succeeded"
    assert [e.seq for e in got] == sorted(e.seq for e in got)


def test_names_unnamed_frames_from_their_type(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("unnamed")
    agent.submit_action("http", "get", {}, agent_id=who)
    got: List[StreamEvent] = []
    with agent.stream(agent_id=who, last_event_id=0, format="unnamed") as stream:
        for ev in stream:
            got.append(ev)
            if len(got) == 2:
                break
    assert [e.name for e in got] == ["action.created", "action.decided"]
    assert [e.event_type for e in got] == ["created", "decision_made"]


def test_resumes_with_last_event_id_after_a_disconnect(
    agent: ExecutionGovernorClient, proxy: CuttableProxy, unique: Callable[[str], str]
) -> None:
    who = unique("resume")
    through_proxy = ExecutionGovernorClient(proxy.url, AGENT_TOKEN)
    stream = through_proxy.stream(agent_id=who, last_event_id=0, read_timeout=10)
    first = agent.submit_action("http", "get", {"n": 1}, agent_id=who)
    seen: List[StreamEvent] = []
    done = threading.Event()

    def consume() -> None:
        for ev in stream:
            seen.append(ev)
            if len(seen) == 2:
                proxy.cut()  # the link drops...
                # ...and events happen while the client is away.
                agent.submit_action("http", "get", {"n": 2}, agent_id=who)
            if len(seen) == 4:
                stream.close()
        done.set()

    threading.Thread(target=consume, daemon=True).start()
    assert done.wait(20), f"stream stalled after {len(seen)} events"
    assert stream.reconnects >= 1
    assert [e.action["params"]["n"] for e in seen] == [1, 1, 2, 2]
    assert [e.name for e in seen] == ["action.created", "action.decided"] * 2
    assert len({e.seq for e in seen}) == 4
    assert seen[0].action["id"] == first["id"]
