"""Microsoft Agent Framework tools governed by Faramesh (pip install "faramesh[agent-framework]"), with the
framework's own tool approvals answered by Faramesh. A scripted chat client stands in for the model, so
it runs without an LLM key; with a real one, pass e.g. `OpenAIChatClient()` as `client=`.

The model asks for three calls: `fetch` (the default policy allows http.get: it runs), `refund` (no rule
allows stripe.refund: the model reads why, nothing runs) and `run_shell` (shell needs approval: the run
ends with the framework's approval request). Approve it while the script waits:

    python examples/python/agent_framework/approval_bridge.py
    faramesh approve <id>          # in another terminal, or in the dashboard
"""

import asyncio
import json

from agent_framework import Agent, BaseChatClient, ChatMiddlewareLayer, ChatResponse, Content, FunctionInvocationLayer, Message, tool

from faramesh import ExecutionGovernorClient
from faramesh.integrations.agent_framework import FarameshMiddleware

CALLS = [("fetch", {"url": "https://example.com"}), ("refund", {"amount": 5000}), ("run_shell", {"cmd": "echo hello"})]


class ScriptedChatClient(FunctionInvocationLayer, ChatMiddlewareLayer, BaseChatClient):
    """Asks for CALLS in one turn, then prints the results it is given and says it is done."""

    async def _inner_get_response(self, *, messages, stream, options, **kwargs):
        results = [c for m in messages for c in m.contents if c.type == "function_result"]
        if not results:
            contents = [Content.from_function_call(call_id=f"call-{i}", name=n, arguments=json.dumps(a)) for i, (n, a) in enumerate(CALLS)]
        else:
            for r in results:
                print(f"  the model reads for {r.call_id}: {r.result}")
            contents = [Content.from_text("All done.")]
        return ChatResponse(messages=[Message(role="assistant", contents=contents)])


@tool
def fetch(url: str) -> str:
    """Fetch a URL."""
    print("fetch ran for", url)
    return f"(pretend we fetched {url})"


@tool
def refund(amount: int) -> str:
    """Refund money to the customer."""
    print("refund ran: this never prints under the default policy")
    return "refunded"


@tool
def run_shell(cmd: str) -> str:
    """Run a shell command."""
    print("run_shell ran:", cmd)
    return f"(pretend we ran {cmd})"


async def main() -> None:
    governance = FarameshMiddleware(
        ExecutionGovernorClient(),
        agent_id="example-agent-framework",
        names={"fetch": ("http", "get"), "refund": ("stripe", "refund"), "run_shell": ("shell", "run")},
        approvals="framework",  # a held call becomes the framework's approval request
    )
    agent = Agent(client=ScriptedChatClient(), tools=[fetch, refund, run_shell], middleware=[governance])
    session = agent.create_session()
    response = await agent.run("Fetch example.com, refund order 7, then say hello from the shell.", session=session)
    while response.user_input_requests:
        for request in response.user_input_requests:
            action_id = request.additional_properties.get("faramesh_action_id")
            print(f"waiting for a human in Faramesh: faramesh approve {action_id}   (or deny)")
        answers = await governance.approval_responses(response.user_input_requests)
        for answer in answers:
            print(f"  Faramesh answered {answer.function_call.name}: approved={answer.approved}")
        response = await agent.run(Message(role="user", contents=answers), session=session)
    print("agent finished:", response.text)


asyncio.run(main())
