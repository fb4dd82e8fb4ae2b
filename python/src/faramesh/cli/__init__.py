"""The `faramesh` command line's remote commands in Python: `python -m faramesh.cli <command>` or `faramesh-py`."""

from .program import main, run

__all__ = ["main", "run"]
