"""Where the CLI finds the server and which token it sends, resolved as the Node CLI does
(packages/cli/src/config/connection.ts): flag > environment > `.env` in the working directory > default."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import List, Mapping, Optional, Sequence, Tuple

from ..config import DEFAULT_BASE_URL
from .cli_error import UsageError
from .dotenv import read_dotenv

HOST_VARS = ("FARAMESH_HOST", "FARACORE_HOST", "FARA_API_HOST")
PORT_VARS = ("FARAMESH_PORT", "FARACORE_PORT", "FARA_API_PORT")
TOKEN_VARS = ("FARAMESH_TOKEN", "FARACORE_TOKEN", "FARA_AUTH_TOKEN")


@dataclass(frozen=True)
class Connection:
    base_url: str
    token: Optional[str]
    token_source: Optional[str]
    """Where the token came from (`--token`, `FARAMESH_TOKEN`, …); None when there is none."""


def _reachable_host(host: str) -> str:
    """A bind-all host (0.0.0.0, ::) is reached on loopback; a bare IPv6 address gets its brackets."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host in ("::", "[::]"):
        return "[::1]"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def _parse_base(raw: str) -> "Tuple[urllib.parse.SplitResult, Optional[int]]":
    bad = UsageError(f"invalid FARAMESH_BASE_URL '{raw}': expected e.g. http://127.0.0.1:8000")
    url = urllib.parse.urlsplit(raw)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise bad
    try:
        return url, url.port
    except ValueError:
        raise bad from None


def _value(found: Optional[Tuple[str, str]]) -> Optional[str]:
    return found[0] if found else None


def resolve_connection(
    *, host: Optional[str], port: Optional[str], token: Optional[str], env: Mapping[str, str], cwd: str
) -> Connection:
    """`FARAMESH_BASE_URL` gives the whole URL; the host/port variables and flags override its parts.
    The token: `--token`, else `FARAMESH_TOKEN` (`FARACORE_TOKEN`, `FARA_AUTH_TOKEN`; the first entry
    of a comma-separated list), else the first `admin` entry of `FARAMESH_TOKENS`."""
    sources: List[Mapping[str, str]] = [env, read_dotenv(cwd)]

    def pick(names: Sequence[str]) -> Optional[Tuple[str, str]]:
        for source in sources:
            for name in names:
                value = (source.get(name) or "").strip()
                if value:
                    return value, name
        return None

    base = pick(["FARAMESH_BASE_URL"])
    url, url_port = _parse_base(base[0] if base else DEFAULT_BASE_URL)
    want_host = host if host is not None else _value(pick(HOST_VARS)) if base is None else None
    want_port = port if port is not None else _value(pick(PORT_VARS)) if base is None else None
    out_host = str(url.hostname)
    out_host = f"[{out_host}]" if ":" in out_host else out_host
    out_port = url_port
    if want_host is not None:
        out_host = _reachable_host(want_host)
    if want_port is not None:
        if not re.fullmatch(r"\d+", want_port) or int(want_port) > 65535:
            raise UsageError(f"invalid port '{want_port}': expected a number from 1 to 65535")
        out_port = int(want_port)
    netloc = out_host if out_port is None else f"{out_host}:{out_port}"
    base_url = urllib.parse.urlunsplit((url.scheme, netloc, url.path, "", "")).rstrip("/")

    if token is not None:
        return Connection(base_url, token, "--token")
    found = pick(TOKEN_VARS)
    if found:
        return Connection(base_url, found[0].split(",")[0].strip() or None, found[1])
    named = pick(["FARAMESH_TOKENS"])
    if named:
        for entry in named[0].split(","):
            parts = entry.strip().split(":")
            if len(parts) >= 3 and parts[1] == "admin":
                return Connection(base_url, ":".join(parts[2:]), "FARAMESH_TOKENS")
    return Connection(base_url, None, None)
