"""Text that agents or other users wrote, made harmless for a terminal, as the Node CLI shows it
(packages/cli/src/output/safe-text.ts; the character set of packages/contract/src/invisible-chars.ts).

Raw, an ESC sequence in a tool name, a reason or a param could erase lines or fake output on the
approver's terminal, and a bidi override or a zero-width character could make them read something
other than what the agent asked. Every such character is written as its visible `⟨U+001B⟩` marker
instead. `--json` output never comes here: it stays exactly what the server sent.
"""

from __future__ import annotations

# Named invisible characters beyond the ranges tested in `is_invisible` (invisible-chars.ts's NAMES).
_NAMED = frozenset(
    [0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0xA0, 0xAD, 0x34F, 0x61C, 0x115F, 0x1160, 0x180E]
    + list(range(0x200B, 0x2010))
    + [0x2028, 0x2029]
    + list(range(0x202A, 0x2030))
    + [0x205F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069]
    + [0x3000, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9, 0xFFFA, 0xFFFB]
)


def is_invisible(cp: int) -> bool:
    """Whether `cp` must be shown as a visible marker instead of being rendered: C0 and C1 controls
    (ESC, CR, DEL), lone surrogates, zero-width and bidi formatting, tag characters, odd spaces."""
    return (
        cp <= 0x1F
        or 0x7F <= cp <= 0x9F
        or 0xD800 <= cp <= 0xDFFF
        or 0x2000 <= cp <= 0x200F
        or 0x2028 <= cp <= 0x202F
        or 0x205F <= cp <= 0x206F
        or 0xFE00 <= cp <= 0xFE0D
        or 0xE0000 <= cp <= 0xE007F
        or 0xE0100 <= cp <= 0xE01EF
        or cp in _NAMED
    )


def marker(cp: int) -> str:
    return f"⟨U+{cp:04X}⟩"


def safe_text(text: object, multiline: bool = False) -> str:
    """`text` with every invisible character written as its marker, so it prints as what it says.

    A line feed stays one only in a `multiline` field (a reason, a result error); everywhere else it
    is a marker too, so one value can't fake a row of its own. JSON (`inline_json`) goes through here
    as well: JSON escapes C0 controls itself, but leaves DEL, C1, bidi and zero-width characters raw.
    """
    # Python strings iterate by code point, as the Node CLI's helper does (a surrogate pair is one unit).
    return "".join(
        ch if (multiline and ch == "\n") or not is_invisible(ord(ch)) else marker(ord(ch)) for ch in str(text)
    )
