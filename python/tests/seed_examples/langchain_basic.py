# Verbatim from the FaraCore README (seeds/faracore-readme.md), section "LangChain Integration, Basic Usage".
# Do not edit: tests/test_seed_examples.py runs this file as written.
from langchain.tools import ShellTool
from faracore.sdk.client import ExecutionGovernorClient
from faracore.integrations.langchain.governed_tool import GovernedTool

# Create FaraCore client
client = ExecutionGovernorClient("http://127.0.0.1:8000")

# Wrap LangChain tool
shell_tool = ShellTool()
governed = GovernedTool(
    tool=shell_tool,
    client=client,
    agent_id="my-langchain-agent"
)

# Use in agent - tool calls are automatically governed
result = governed.run("ls -la")
