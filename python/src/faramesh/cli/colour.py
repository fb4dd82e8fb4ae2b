"""Colour only for a terminal, as the Node CLI decides it; the same ANSI codes as picocolors."""

from __future__ import annotations

from typing import Mapping, TextIO

from .safe_text import safe_text


def colour_enabled(stream: TextIO, env: Mapping[str, str]) -> bool:
    """Off when the stream is piped, when NO_COLOR is set or TERM=dumb; FORCE_COLOR (not "0") forces it on."""
    force = env.get("FORCE_COLOR")
    if force is not None and force != "0":
        return True
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Colours:
    """`c.green("text")` wraps in ANSI codes when enabled, else returns the text unchanged."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, text: str, start: int, end: int) -> str:
        return f"\x1b[{start}m{text}\x1b[{end}m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap(text, 1, 22)

    def dim(self, text: str) -> str:
        return self._wrap(text, 2, 22)

    def red(self, text: str) -> str:
        return self._wrap(text, 31, 39)

    def green(self, text: str) -> str:
        return self._wrap(text, 32, 39)

    def yellow(self, text: str) -> str:
        return self._wrap(text, 33, 39)

    def cyan(self, text: str) -> str:
        return self._wrap(text, 36, 39)


def paint_status(c: Colours, status: str) -> str:
    """Green for go, red for stop, yellow for waiting on a human."""
    if status in ("allowed", "approved", "succeeded"):
        return c.green(status)
    if status in ("denied", "failed", "expired"):
        return c.red(status)
    if status == "pending_approval":
        return c.yellow(status)
    if status == "executing":
        return c.cyan(status)
    if status == "cancelled":
        return c.dim(status)
    # A status this build doesn't know (a newer server): shown, but never raw.
    return safe_text(status)


def paint_risk(c: Colours, risk: str) -> str:
    return {"high": c.red, "medium": c.yellow, "low": c.green}.get(risk, safe_text)(risk)


def paint_decision(c: Colours, decision: str) -> str:
    return {"allow": c.green, "deny": c.red, "require_approval": c.yellow}.get(decision, safe_text)(decision)
