"""Turns any failure into what the user sees on stderr and the exit code, as the Node CLI does
(packages/cli/src/report.ts): one line, plus a list where it helps; a stack only with FARAMESH_DEBUG=1.
Messages may quote what a server, an agent or a user wrote, so each goes through `safe_text`."""

from __future__ import annotations

import errno
import json
import re
import traceback
import urllib.parse
from typing import Any, List

from ..errors import AmbiguousPrefixError, FarameshConnectionError, FarameshError
from .cli_error import EXIT_ERROR, CliError, UsageError
from .printer import Printer
from .safe_text import safe_text
from .text import format_datetime, short_id

SERVE_HINT = "start it with `faramesh serve` or set --host/--port or FARAMESH_BASE_URL"


def report_error(err: BaseException, out: Printer) -> int:
    red = out.ce.red
    if isinstance(err, UsageError) and err.one_line:
        out.warn(f"{red('usage error')}: {safe_text(err.message)}; see --help")
        return err.exit_code
    if isinstance(err, CliError):
        # The CLI's own messages may list problems on further lines, and may quote an option's value.
        out.warn(f"{red('error')}: {safe_text(err.message, multiline=True)}")
        return err.exit_code
    if isinstance(err, FarameshConnectionError):
        out.warn(f"{red('error')}: cannot reach Faramesh at {_origin(err.url)} ({_cause(err.message)}); {SERVE_HINT}")
        return EXIT_ERROR
    if isinstance(err, AmbiguousPrefixError):
        out.warn(f"{red(f'error {safe_text(err.code)}')}: {safe_text(err.message)}")
        for c in err.candidates:
            what = safe_text(f"{c.get('id', '')}  {str(c.get('status', '')).ljust(16)}  {c.get('tool', '')} {c.get('operation', '')}")
            out.warn(f"  {what}  {format_datetime(str(c.get('created_at', '')))}")
        if err.candidates:
            out.warn(f"use more characters of the id, e.g. {short_id(str(err.candidates[0].get('id', '')))}…")
        return EXIT_ERROR
    if isinstance(err, FarameshError):
        out.warn(f"{red(f'error {safe_text(err.code)}')}: {safe_text(err.message)}")
        for line in _detail_lines(err.details):
            out.warn(f"  {safe_text(line)}")
        return EXIT_ERROR
    out.warn(f"{red('error')}: {safe_text(err, multiline=True) or type(err).__name__}")
    if out.io.env.get("FARAMESH_DEBUG"):
        out.warn("".join(traceback.format_exception(type(err), err, err.__traceback__)).rstrip())
    return EXIT_ERROR


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def _cause(message: str) -> str:
    """`ECONNREFUSED` from `[Errno 111] Connection refused`; else the reason as given."""
    found = re.search(r"\[Errno (-?\d+)\]", message)
    if found and abs(int(found.group(1))) in errno.errorcode:
        return errno.errorcode[abs(int(found.group(1)))]
    reason = message.split(": ", 1)[-1].strip()
    return safe_text(reason) or "unreachable"


def _detail_lines(details: Any) -> List[str]:
    """Validation problems (`[{path, message}]`) and policy diagnostics, one per line."""
    items: Any = details
    if isinstance(details, dict) and isinstance(details.get("diagnostics"), list):
        items = details["diagnostics"]
    if not isinstance(items, list):
        return []
    lines: List[str] = []
    for item in items:
        if isinstance(item, str):
            lines.append(item)
        elif isinstance(item, dict) and isinstance(item.get("line"), int):
            code = f" ({item['code']})" if item.get("code") else ""
            lines.append(f"{item.get('file', '')}:{item['line']}:{item.get('column', 1)}: {item.get('message', '')}{code}")
        elif isinstance(item, dict) and "path" in item:
            lines.append(f"{item['path'] or '(body)'}: {item.get('message', '')}")
        else:
            lines.append(json.dumps(item, ensure_ascii=False))
    return lines
