"""A LangGraph node whose shell command needs approval: the graph interrupts and the checkpointer holds
the pause (pip install "faramesh[langgraph]").

    python examples/python/langgraph/approval_interrupt.py          # pauses, prints the action id
    faramesh approve <id>                                          # or click Approve in the UI
    python examples/python/langgraph/approval_interrupt.py --wait   # same, but waits and resumes itself
"""

import subprocess
import sys
from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from faramesh import ExecutionGovernorClient
from faramesh.integrations.langgraph import governed_step, pending_action_ids

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
app = graph.compile(checkpointer=InMemorySaver())  # use a persistent checkpointer in production

config = {"configurable": {"thread_id": "example-thread"}}
result = app.invoke({"cmd": "echo hello from an approved command"}, config)
ids = pending_action_ids(result.get("__interrupt__"))
if ids:
    print("paused, waiting for approval of", ids[0])
    if "--wait" not in sys.argv:
        sys.exit(0)
    client.wait_for_decision(ids[0], timeout=600)
    result = app.invoke(Command(resume=ids[0]), config)
print(result.get("output"))
