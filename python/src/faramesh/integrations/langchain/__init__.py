"""LangChain integration (extra `faramesh[langchain]`)."""

from .governed_tool import GovernedTool, govern_tools

__all__ = ["GovernedTool", "govern_tools"]
