"""A governed LlamaIndex FunctionTool (pip install "faramesh[llamaindex]").

    python examples/python/llamaindex/governed_tool.py
"""

from faramesh import ActionDeniedError, ExecutionGovernorClient
from faramesh.integrations.llamaindex import governed_function_tool


def search(query: str) -> str:
    """Search the web."""
    return f"(results for {query})"


def drop_table(table: str) -> str:
    """Drop a database table."""
    return f"dropped {table}"


client = ExecutionGovernorClient()
search_tool = governed_function_tool(search, client, agent_id="example-llamaindex", tool="http", operation="get")
drop_tool = governed_function_tool(drop_table, client, agent_id="example-llamaindex", tool="db", operation="drop")

print(search_tool.call(query="faramesh").content)
try:
    drop_tool.call(table="users")
except ActionDeniedError as err:
    print("denied:", err)
