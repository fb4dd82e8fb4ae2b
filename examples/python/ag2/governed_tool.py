"""A governed AG2 tool (pip install "faramesh[ag2]"), driven here by AG2's scripted test model so it runs
without an LLM key. With a real model, pass the same tool to `Agent(..., tools=[...])`.

    python examples/python/ag2/governed_tool.py
"""

import asyncio

from ag2 import Agent
from ag2.events import ToolCallEvent
from ag2.testing import TestConfig

from faramesh import ExecutionGovernorClient
from faramesh.integrations.ag2 import governed_ag2_tool


def fetch(url: str) -> str:
    """Fetch a URL."""
    print("fetch ran for", url)
    return f"(pretend we fetched {url})"


client = ExecutionGovernorClient()
tool = governed_ag2_tool(fetch, client, agent_id="example-ag2", tool="http", operation="get")
model = TestConfig(ToolCallEvent("fetch", arguments='{"url": "https://example.com"}'), "All done.")
reply = asyncio.run(Agent("ops", config=model, tools=[tool]).ask("Fetch example.com"))
print("agent finished")
