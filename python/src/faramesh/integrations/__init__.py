"""Governed tool wrappers for agent frameworks. Each module imports its framework lazily (optional extras)."""
