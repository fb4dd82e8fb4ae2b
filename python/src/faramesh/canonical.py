"""Canonical JSON and the request hash, byte for byte as the Faramesh server computes them.

The server (TypeScript, ``@faramesh/canonical``) writes JSON with object keys sorted by UTF-16 code
unit, no whitespace, strings escaped as ``JSON.stringify`` escapes them and numbers formatted as
JavaScript formats doubles. An action's ``request_hash`` is the sha256 of the canonical JSON of its
agent_id, tool, operation, params and context. ``tests/vectors/canonical-json.json`` in the
repository pins both, for this module and the TypeScript ones.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any, Mapping, Optional

__all__ = ["canonical_json", "request_hash"]

# Lone surrogates (which Python strings can hold) have no UTF-8 form the server would store.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def canonical_json(value: Any) -> str:
    """The canonical JSON text of a JSON value (dict, list, str, int, float, bool, None).

    Raises TypeError for what has no faithful JSON form: NaN and infinities, lone surrogates,
    non-string keys and other types.
    """
    return _write(value)


def request_hash(
    agent_id: str,
    tool: str,
    operation: str,
    params: Optional[Mapping[str, Any]] = None,
    context: Optional[Mapping[str, Any]] = None,
) -> str:
    """The ``request_hash`` the server records for this request (omitted params/context count as ``{}``).

    Compare it with ``action["request_hash"]`` to check that the server recorded, and approvers were
    shown, exactly what you sent.
    """
    text = canonical_json(
        {"agent_id": agent_id, "tool": tool, "operation": operation, "params": params or {}, "context": context or {}}
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        return _number(float(value)) if abs(value) > 2**53 else str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_write(item) for item in value) + "]"
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"canonical_json: object key {key!r} is not a string")
        keys = sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(f"{_quote(k)}:{_write(value[k])}" for k in keys) + "}"
    raise TypeError(f"canonical_json: unsupported type {type(value).__name__}")


def _quote(text: str) -> str:
    if _LONE_SURROGATE.search(text):
        raise TypeError("canonical_json: string with a lone surrogate")
    # Escapes exactly what JSON.stringify escapes: quote, backslash and C0 controls (lowercase hex).
    return json.dumps(text, ensure_ascii=False)


def _number(x: float) -> str:
    """A double as JavaScript's Number.prototype.toString writes it (ECMA-262 Number::toString)."""
    if math.isnan(x) or math.isinf(x):
        raise TypeError("canonical_json: non-finite number")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr gives the shortest digits that round-trip, as JavaScript does; only the layout differs.
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # n: the position of the decimal point relative to the first significant digit.
    n = len(whole) + int(exp or 0) - (len(whole + frac) - len((whole + frac).lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    tail = ("." + digits[1:]) if k > 1 else ""
    return f"{sign}{digits[0]}{tail}e{'+' if e >= 0 else '-'}{abs(e)}"
