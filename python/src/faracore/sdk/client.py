"""Alias of `faramesh.sdk.client` (the seed's `from faracore.sdk.client import ExecutionGovernorClient`)."""

from faramesh.sdk.client import ActionPage, ExecutionGovernorClient

__all__ = ["ActionPage", "ExecutionGovernorClient"]
