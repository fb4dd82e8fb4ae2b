"""The seed-compatible SDK namespace: `from faramesh.sdk.client import ExecutionGovernorClient`."""

from .client import ActionPage, ExecutionGovernorClient, Page

__all__ = ["ActionPage", "ExecutionGovernorClient", "Page"]
