"""Where commands write: human text and JSON on stdout; errors on stderr; status lines only on a terminal."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence, TextIO

from .colour import Colours, colour_enabled
from .table import render_table


@dataclass
class Io:
    """Everything a command touches outside itself."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: str = "."


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Printer:
    def __init__(self, io: Io) -> None:
        self.io = io
        self.colour = colour_enabled(io.stdout, io.env)
        self.c = Colours(self.colour)
        self.ce = Colours(colour_enabled(io.stderr, io.env))
        """Colour for stderr messages, decided on stderr's own terminal-ness."""
        self.tty = _isatty(io.stdout)
        self.err_tty = _isatty(io.stderr)

    def line(self, text: str = "") -> None:
        self.io.stdout.write(text + "\n")
        self.io.stdout.flush()

    def json(self, value: Any) -> None:
        self.line(json.dumps(value, indent=2, ensure_ascii=False))

    def json_line(self, value: Any) -> None:
        """Compact JSON, one value per line (NDJSON), for streams."""
        self.line(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def table(self, head: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.line(render_table(head, rows, boxed=self.tty, bold_head=self.colour))

    def warn(self, text: str) -> None:
        """A diagnostic line on stderr."""
        self.io.stderr.write(text + "\n")
        self.io.stderr.flush()

    def status(self, text: str) -> None:
        """Progress/status text on stderr, only on a terminal."""
        if self.err_tty:
            self.warn(text)

    def live(self, text: str) -> None:
        """A status line that rewrites itself on a terminal; a plain line on a pipe (so logs keep it)."""
        if self.err_tty:
            self.io.stderr.write(f"\r\x1b[2K{text}")
            self.io.stderr.flush()
        else:
            self.warn(text)

    def clear_live(self) -> None:
        if self.err_tty:
            self.io.stderr.write("\r\x1b[2K")
            self.io.stderr.flush()
