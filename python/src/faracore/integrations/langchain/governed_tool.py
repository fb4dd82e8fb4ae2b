"""Alias of `faramesh.integrations.langchain.governed_tool` (the seed's LangChain import)."""

from faramesh.integrations.langchain.governed_tool import GovernedTool, govern_tools

__all__ = ["GovernedTool", "govern_tools"]
