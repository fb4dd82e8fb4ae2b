"""Client settings: explicit arguments win over the environment, which wins over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _first_env(env: Mapping[str, str], *names: str) -> Optional[str]:
    for name in names:
        value = env.get(name)
        if value:
            return value
    return None


def _truthy(value: Optional[str]) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class ClientConfig:
    """Everything the client needs to talk to one Faramesh server."""

    base_url: str = DEFAULT_BASE_URL
    token: Optional[str] = None
    timeout: float = 10.0
    """Seconds for one HTTP exchange (the long-poll adds its own wait on top)."""
    max_retries: int = 2
    """Retries of safe requests (GET, and submits carrying an Idempotency-Key) on connection errors and 503."""
    fail_open: bool = False
    """When True, an unreachable server lets submits through as `allowed` and queues them for the record."""
    approval_timeout: float = 300.0
    """Default seconds `wait_for_decision` and `governed` wait for a human."""

    @classmethod
    def resolve(
        cls,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        fail_open: Optional[bool] = None,
        approval_timeout: Optional[float] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> "ClientConfig":
        """Arguments first, then FARAMESH_* variables (FARACORE_*/FARA_AUTH_TOKEN as fallbacks), then defaults."""
        env = os.environ if env is None else env
        url = base_url or _first_env(env, "FARAMESH_BASE_URL", "FARACORE_BASE_URL") or DEFAULT_BASE_URL
        tok = token or _first_env(env, "FARAMESH_TOKEN", "FARACORE_TOKEN", "FARA_AUTH_TOKEN")
        if tok and "," in tok:
            # The server accepts a comma-separated list; a client presents the first one.
            tok = tok.split(",")[0].strip()
        env_timeout = _first_env(env, "FARAMESH_TIMEOUT")
        env_fail_open = _first_env(env, "FARAMESH_FAIL_OPEN")
        return cls(
            base_url=url.rstrip("/"),
            token=tok or None,
            timeout=timeout if timeout is not None else float(env_timeout) if env_timeout else 10.0,
            max_retries=2 if max_retries is None else max_retries,
            fail_open=fail_open if fail_open is not None else _truthy(env_fail_open),
            approval_timeout=300.0 if approval_timeout is None else approval_timeout,
        )
