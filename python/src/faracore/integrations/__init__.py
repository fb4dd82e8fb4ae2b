"""Alias of `faramesh.integrations`."""
