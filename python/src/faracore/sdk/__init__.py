"""Alias of `faramesh.sdk`."""

from faramesh.sdk import ActionPage, ExecutionGovernorClient

__all__ = ["ActionPage", "ExecutionGovernorClient"]
