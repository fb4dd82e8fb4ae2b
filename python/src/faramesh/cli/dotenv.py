"""Reads `.env` in the working directory exactly as `faramesh serve` does (packages/server/src/config/dotenv.ts)."""

from __future__ import annotations

import os
import re
from typing import Dict, Optional

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(value: str) -> Optional[str]:
    if not value or value[0] not in "\"'":
        hash_at = re.search(r"\s#", value)
        return value if hash_at is None else value[: hash_at.start()].rstrip()
    quote = value[0]
    end = value.rfind(quote)
    if end == 0:
        return None
    inner = value[1:end]
    if quote == "'":
        return inner
    return re.sub(r"\\([nt\"\\])", lambda m: _ESCAPES[m.group(1)], inner)


def parse_dotenv(text: str) -> Dict[str, str]:
    """`KEY=value` lines, `#` comments, optional `export `, single or double quotes. Invalid lines are skipped."""
    values: Dict[str, str] = {}
    for raw in re.split(r"\r?\n", text):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        body = line[7:].lstrip() if line.startswith("export ") else line
        eq = body.find("=")
        if eq <= 0:
            continue
        key = body[:eq].strip()
        value = _unquote(body[eq + 1 :].strip())
        if _KEY.match(key) and value is not None:
            values[key] = value
    return values


def read_dotenv(cwd: str) -> Dict[str, str]:
    """The variables of `.env` in `cwd`; none when the file is missing or unreadable."""
    try:
        with open(os.path.join(cwd, ".env"), encoding="utf-8") as f:
            return parse_dotenv(f.read())
    except (OSError, UnicodeDecodeError):
        return {}
