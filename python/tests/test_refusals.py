"""Every Python integration, in its framework's default configuration, driven by a scripted model that
calls a governed tool once: when Faramesh denies the call, when its approval expires, and when
Faramesh is unreachable (fail-closed), the model reads a sentence saying so, the run goes on, and the
tool never runs. (Before, LangGraph's prebuilt ToolNode raised ActionDeniedError out of `invoke` and
AG2 handed the model a Python traceback.)
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable, Dict, List, Tuple

import pytest

from faramesh import ExecutionGovernorClient

from .proxy import CuttableProxy
from .server import AGENT_TOKEN, RunningServer

# A driver runs one framework: its model calls the governed tool `shell` once with {"cmd": "ls"}, then
# answers "done". It returns the text the model was given for the tool call.
Driver = Callable[[ExecutionGovernorClient, str, List[str], Tuple[str, str]], str]


def langgraph_tool_node(client: ExecutionGovernorClient, who: str, calls: List[str], names: Tuple[str, str]) -> str:
    pytest.importorskip("langgraph")
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
    from langgraph.graph import START, MessagesState, StateGraph
    from langgraph.prebuilt import ToolNode, tools_condition

    from faramesh.integrations.langchain import govern_tools

    shell = _langchain_shell(calls)
    seen: List[ToolMessage] = []

    def model(state: MessagesState) -> Dict[str, Any]:
        last = state["messages"][-1]
        if isinstance(last, ToolMessage):
            seen.append(last)
            return {"messages": [AIMessage("done")]}
        call = {"name": "shell", "args": {"cmd": "ls"}, "id": "call-1", "type": "tool_call"}
        return {"messages": [AIMessage("", tool_calls=[call])]}

    graph = StateGraph(MessagesState)
    graph.add_node("model", model)
    graph.add_node("tools", ToolNode(govern_tools([shell], client, who, faramesh_tool=names[0], operation=names[1])))
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", tools_condition)
    graph.add_edge("tools", "model")
    result = graph.compile().invoke({"messages": [HumanMessage("run ls")]})  # the prebuilt defaults
    assert result["messages"][-1].content == "done"
    [message] = seen
    assert message.status == "error" and message.tool_call_id == "call-1"
    return str(message.content)


def _langchain_shell(calls: List[str]) -> Any:
    pytest.importorskip("langchain_core")
    from langchain_core.tools import tool

    @tool
    def shell(cmd: str) -> str:
        """Run a shell command."""
        calls.append(cmd)
        return "ran"

    return shell


def _langchain_tool(client: ExecutionGovernorClient, who: str, calls: List[str], names: Tuple[str, str]) -> Any:
    from faramesh.integrations.langchain import GovernedTool

    return GovernedTool(tool=_langchain_shell(calls), client=client, agent_id=who, faramesh_tool=names[0], operation=names[1])


TOOL_CALL = {"name": "shell", "args": {"cmd": "ls"}, "id": "call-1", "type": "tool_call"}


def langchain_tool_call(client: ExecutionGovernorClient, who: str, calls: List[str], names: Tuple[str, str]) -> str:
    message = _langchain_tool(client, who, calls, names).invoke(TOOL_CALL)
    assert message.status == "error" and message.tool_call_id == "call-1"
    return str(message.content)


def langchain_async_tool_call(client: ExecutionGovernorClient, who: str, calls: List[str], names: Tuple[str, str]) -> str:
    message = asyncio.run(_langchain_tool(client, who, calls, names).ainvoke(TOOL_CALL))
    assert message.status == "error"
    return str(message.content)


def crewai_agent(client: ExecutionGovernorClient, who: str, calls: List[str], names: Tuple[str, str]) -> str:
    pytest.importorskip("crewai")
    from crewai import Agent, Crew, Task
    from crewai.llms.base_llm import BaseLLM

    from faramesh.integrations.crewai import govern_crewai_tool

    from .test_crewai import shell_tool

    prompts: List[Any] = []

    class ScriptedModel(BaseLLM):
        def call(self, messages: Any, *args: Any, **kwargs: Any) -> str:
            prompts.append(messages)
            if len(prompts) == 1:
                return 'Thought: I will run it\nAction: shell\nAction Input: {"cmd": "ls"}'
            return "Thought: I now know the final answer\nFinal Answer: done"

        def supports_function_calling(self) -> bool:
            return False

    governed = govern_crewai_tool(shell_tool(calls), client, who, faramesh_tool=names[0], operation=names[1])
    agent = Agent(role="ops", goal="run commands", backstory="-", llm=ScriptedModel(model="scripted"), tools=[governed], max_iter=3)
    result = Crew(agents=[agent], tasks=[Task(description="run ls", expected_output="done", agent=agent)]).kickoff()
    assert str(result) == "done"
    return json.dumps(prompts[1], ensure_ascii=False)


def ag2_agent(client: ExecutionGovernorClient, who: str, calls: List[str], names: Tuple[str, str]) -> str:
    pytest.importorskip("ag2")
    from ag2 import Agent
    from ag2.events import ToolCallEvent, ToolErrorEvent
    from ag2.testing import TestConfig, TrackingConfig

    from faramesh.integrations.ag2 import governed_ag2_tool

    def shell(cmd: str) -> str:
        """Run a shell command."""
        calls.append(cmd)
        return "ran"

    tool = governed_ag2_tool(shell, client, agent_id=who, tool=names[0], operation=names[1])
    # raise_tool_errors=False models a real provider: a failed tool call is handed to the model.
    model = TrackingConfig(TestConfig(ToolCallEvent("shell", arguments=json.dumps({"cmd": "ls"})), "done", raise_tool_errors=False))
    reply = asyncio.run(Agent("ops", config=model, tools=[tool]).ask("run ls"))
    assert reply.body == "done"
    [result] = model.mock.call_args_list[-1].args[0].results
    assert not isinstance(result, ToolErrorEvent)
    return "".join(str(getattr(part, "content", part)) for part in result.result.parts)


def llamaindex_agent(client: ExecutionGovernorClient, who: str, calls: List[str], names: Tuple[str, str]) -> str:
    pytest.importorskip("llama_index.core")
    from llama_index.core.agent.workflow import FunctionAgent
    from llama_index.core.base.llms.types import ChatMessage, MessageRole, ToolCallBlock
    from llama_index.core.llms.mock import MockFunctionCallingLLM

    from faramesh.integrations.llamaindex import governed_function_tool

    def shell(cmd: str) -> str:
        """Run a shell command."""
        calls.append(cmd)
        return "ran"

    seen: List[ChatMessage] = []

    def model(messages: Any, **kwargs: Any) -> ChatMessage:
        results = [m for m in messages if m.role == MessageRole.TOOL]
        if results:
            seen.extend(results)
            return ChatMessage(role=MessageRole.ASSISTANT, content="done")
        return ChatMessage(role=MessageRole.ASSISTANT, blocks=[ToolCallBlock(tool_call_id="call-1", tool_name="shell", tool_kwargs={"cmd": "ls"})])

    tool = governed_function_tool(shell, client, agent_id=who, tool=names[0], operation=names[1])
    agent = FunctionAgent(tools=[tool], llm=MockFunctionCallingLLM(response_generator=model))

    async def run() -> Any:
        return await agent.run(user_msg="run ls")

    assert str(asyncio.run(run())) == "done"
    [message] = seen
    return str(message.content)


DRIVERS: Dict[str, Driver] = {
    "langgraph-toolnode": langgraph_tool_node,
    "langchain-tool-call": langchain_tool_call,
    "langchain-async-tool-call": langchain_async_tool_call,
    "crewai": crewai_agent,
    "ag2": ag2_agent,
    "llamaindex": llamaindex_agent,
}


@pytest.fixture(params=sorted(DRIVERS))
def drive(request: pytest.FixtureRequest) -> Driver:
    return DRIVERS[request.param]


def test_a_denied_call_is_a_refusal_the_model_reads(drive: Driver, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, calls = unique("refuse-deny"), []  # type: ignore[var-annotated]
    seen = drive(agent, who, calls, ("payments", "wire"))  # no rule allows it: the default deny
    assert calls == []
    assert "Faramesh" in seen and "denied payments.wire" in seen and "Default deny rule" in seen
    assert "Traceback" not in seen
    assert {a["status"] for a in agent.list_actions(agent_id=who)} == {"denied"}


def test_an_expired_approval_is_a_refusal_the_model_reads(drive: Driver, expiring_server: RunningServer, unique: Callable[[str], str]) -> None:
    client = ExecutionGovernorClient(expiring_server.url, AGENT_TOKEN, approval_timeout=20)
    who, calls = unique("refuse-expire"), []  # type: ignore[var-annotated]
    seen = drive(client, who, calls, ("shell", "run"))  # needs approval; nobody decides within the 1 s TTL
    assert calls == []
    assert "Faramesh" in seen and "expired" in seen and "Traceback" not in seen
    assert {a["status"] for a in client.list_actions(agent_id=who)} == {"expired"}


def test_an_unreachable_server_fails_closed_with_a_refusal_the_model_reads(
    drive: Driver, proxy: CuttableProxy, unique: Callable[[str], str]
) -> None:
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    calls: List[str] = []
    seen = drive(client, unique("refuse-down"), calls, ("http", "get"))  # allowed, were the server up
    assert calls == []
    assert "reach Faramesh" in seen or "Faramesh could not be reached" in seen
    assert "Traceback" not in seen
