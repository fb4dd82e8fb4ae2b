"""The seed-compatible SDK namespace: `from faramesh.sdk.client import ExecutionGovernorClient`."""

from .client import ActionPage, ExecutionGovernorClient

__all__ = ["ActionPage", "ExecutionGovernorClient"]
