"""Wrap LangChain tools with GovernedTool (pip install "faramesh[langchain]").

    python examples/python/langchain/governed_tools.py
"""

from langchain_core.tools import tool

from faramesh import ActionDeniedError, ExecutionGovernorClient
from faramesh.integrations.langchain import govern_tools


@tool
def http_get(url: str) -> str:
    """Fetch a URL."""
    return f"(pretend we fetched {url})"


@tool
def delete_bucket(name: str) -> str:
    """Delete a storage bucket."""
    return f"deleted {name}"


client = ExecutionGovernorClient()
fetch, delete = govern_tools([http_get, delete_bucket], client, agent_id="example-langchain")
# Name the Faramesh tool/operation explicitly when the framework's tool name doesn't match your policy.
fetch.faramesh_tool, fetch.operation = "http", "get"

print(fetch.invoke({"url": "https://example.com"}))
try:
    delete.invoke({"name": "prod-backups"})
except ActionDeniedError as err:
    print("denied:", err)
