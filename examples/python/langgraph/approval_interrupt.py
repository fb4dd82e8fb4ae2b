"""A LangGraph node whose shell command needs approval: the graph interrupts and the checkpointer holds
the pause (pip install "faramesh[langgraph]").

    python examples/python/langgraph/approval_interrupt.py          # pauses, prints the action id
    faramesh approve <id>                                          # or python3 -m faramesh.cli approve <id>, or the UI
    python examples/python/langgraph/approval_interrupt.py          # resumes the same action: the command runs once
    python examples/python/langgraph/approval_interrupt.py --wait   # or: wait for the decision and resume right away

The graph's state is checkpointed in `langgraph-example.sqlite` (in the working directory), so a rerun
finds the paused thread and resumes it; the resumed node submits with the same Idempotency-Key
(thread + step), so Faramesh hands back the same action instead of a new one. With an in-memory
checkpointer every run would start over and leave the previous action pending.
"""

import subprocess
import sys
from typing import TypedDict

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from faramesh import ExecutionGovernorClient, GovernanceError, NotFoundError
from faramesh.integrations.langgraph import governed_step, pending_action_ids

CHECKPOINT = "langgraph-example.sqlite"
client = ExecutionGovernorClient()


class State(TypedDict, total=False):
    cmd: str
    output: str


def run(cmd: str) -> str:
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout


def shell_node(state: State) -> State:
    out = governed_step(client, run, state["cmd"], tool="shell", operation="run", agent_id="example-langgraph", params={"cmd": state["cmd"]})
    return {"output": out}


graph = StateGraph(State)
graph.add_node("shell", shell_node)
graph.add_edge(START, "shell")
graph.add_edge("shell", END)

with SqliteSaver.from_conn_string(CHECKPOINT) as checkpointer:
    app = graph.compile(checkpointer=checkpointer)
    config = {"configurable": {"thread_id": "example-thread"}}

    ids = pending_action_ids(app.get_state(config).interrupts)  # a run paused earlier?
    if not ids:
        result = app.invoke({"cmd": "echo hello from an approved command"}, config)
        ids = pending_action_ids(result.get("__interrupt__"))
    if ids:
        try:
            if client.get_action(ids[0])["status"] == "pending_approval":
                print("paused, waiting for approval of", ids[0])
                if "--wait" not in sys.argv:
                    sys.exit(0)  # decide it, then run this script again
                client.wait_for_decision(ids[0], timeout=600)
            result = app.invoke(Command(resume=ids[0]), config)
        except NotFoundError:
            sys.exit(f"action {ids[0]} is unknown to this server; delete {CHECKPOINT} to start over")
        except GovernanceError as refused:
            sys.exit(f"not run: {refused.message}")
    print(result.get("output"))
