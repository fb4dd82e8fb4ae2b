"""Alias of `faramesh.integrations.langchain`."""
