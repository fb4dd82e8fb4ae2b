"""Microsoft AutoGen (`autogen-agentchat` 0.7) tools governed by Faramesh (pip install "faramesh[autogen]").
AutoGen's `ReplayChatCompletionClient` (pip install autogen-ext) stands in for the model, so it runs
without an LLM key; with a real one, pass e.g. `OpenAIChatCompletionClient(model="gpt-4o")`.

The model asks for three calls: `fetch` (the default policy allows http.get: it runs), `refund` (no rule
allows stripe.refund: the model reads why, nothing runs) and `run_shell` (shell needs approval: the
call waits for a human, then runs). Approve it while the script waits:

    python examples/python/autogen/governed_workbench.py
    faramesh approve <id>          # in another terminal, or in the dashboard
"""

import asyncio
import json

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import ToolCallExecutionEvent
from autogen_core import FunctionCall
from autogen_core.models import CreateResult, RequestUsage
from autogen_ext.models.replay import ReplayChatCompletionClient

from faramesh import ExecutionGovernorClient
from faramesh.integrations.autogen import govern_tools


def fetch(url: str) -> str:
    """Fetch a URL."""
    print("fetch ran for", url)
    return f"(pretend we fetched {url})"


def refund(amount: int) -> str:
    """Refund money to the customer."""
    print("refund ran: this never prints under the default policy")
    return "refunded"


def run_shell(cmd: str) -> str:
    """Run a shell command."""
    print("run_shell ran:", cmd)
    return f"(pretend we ran {cmd})"


CALLS = [("fetch", {"url": "https://example.com"}), ("refund", {"amount": 5000}), ("run_shell", {"cmd": "echo hello"})]


async def main() -> None:
    workbench = govern_tools(
        [fetch, refund, run_shell],
        ExecutionGovernorClient(),
        "example-autogen",
        names={"fetch": ("http", "get"), "refund": ("stripe", "refund"), "run_shell": ("shell", "run")},
    )
    calls = [FunctionCall(id=f"call-{i}", name=n, arguments=json.dumps(a)) for i, (n, a) in enumerate(CALLS)]
    model = ReplayChatCompletionClient(
        [CreateResult(finish_reason="function_calls", content=calls, usage=RequestUsage(prompt_tokens=0, completion_tokens=0), cached=False), "All done."]
    )
    agent = AssistantAgent("ops", model_client=model, workbench=workbench, reflect_on_tool_use=True)
    print("run_shell needs approval: faramesh list --status pending_approval, then faramesh approve <id>")
    result = await agent.run(task="Fetch example.com, refund order 7, then say hello from the shell.")
    for message in result.messages:
        if isinstance(message, ToolCallExecutionEvent):
            for r in message.content:
                print(f"  the model reads for {r.name}: {r.content}")
    print("agent finished:", result.messages[-1].to_text())


asyncio.run(main())
