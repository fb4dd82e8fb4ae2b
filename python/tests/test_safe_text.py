"""The CLI's one helper for text agents and other users wrote (faramesh/cli/safe_text.py), and the error
report that uses it, in process: the same cases as packages/cli/src/output/safe-text.test.ts."""

from __future__ import annotations

import io
import re

from faramesh.cli.cli_error import CliError
from faramesh.cli.colour import Colours, paint_decision, paint_risk, paint_status
from faramesh.cli.printer import Io, Printer
from faramesh.cli.report import report_error
from faramesh.cli.safe_text import safe_text
from faramesh.cli.text import inline_json
from faramesh.errors import AmbiguousPrefixError, FarameshError

# Every character a terminal could act on or hide: ESC (CSI, OSC), CR, DEL, a C1 CSI, bidi override and isolate, zero width.
HOSTILE = "ok\x1b[2K\x1b]0;pwned\x07\rFAKE\x7f\x9b31m\u202eevil\u2066x\u2069\u200b"
# A line feed only ends a line the CLI itself wrote.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def test_writes_escapes_controls_and_bidi_characters_as_visible_markers_never_raw() -> None:
    shown = safe_text(HOSTILE)
    assert not RAW.search(shown)
    assert shown == "ok⟨U+001B⟩[2K⟨U+001B⟩]0;pwned⟨U+0007⟩⟨U+000D⟩FAKE⟨U+007F⟩⟨U+009B⟩31m⟨U+202E⟩evil⟨U+2066⟩x⟨U+2069⟩⟨U+200B⟩"


def test_marks_a_line_feed_so_one_value_cannot_fake_a_row_of_its_own() -> None:
    assert safe_text("fine\nStatus: approved") == "fine⟨U+000A⟩Status: approved"


def test_keeps_line_feeds_in_a_multiline_field_and_still_marks_a_carriage_return_there() -> None:
    assert safe_text("line 1\r\nline 2", multiline=True) == "line 1⟨U+000D⟩\nline 2"


def test_marks_tag_characters_and_lone_surrogates() -> None:
    assert safe_text("a\U000E0072b\ud800") == "a⟨U+E0072⟩b⟨U+D800⟩"


def test_leaves_ordinary_text_accents_right_to_left_scripts_and_emoji_alone() -> None:
    assert safe_text("café שלום مرحبا 😀 ls -la") == "café שלום مرحبا 😀 ls -la"


def test_json_is_marked_where_json_leaves_characters_raw() -> None:
    # JSON escapes C0 controls itself (kept as text); DEL, C1 and bidi characters it leaves raw.
    assert safe_text(inline_json({"cmd": "a\x1bb\x7f\u202e"})) == '{"cmd": "a\\u001bb⟨U+007F⟩⟨U+202E⟩"}'


def test_a_status_risk_or_decision_this_build_does_not_know_is_shown_but_never_raw() -> None:
    c = Colours(False)
    assert (paint_status(c, "new\x1b[2J"), paint_risk(c, "odd\u202e"), paint_decision(c, "x\u200b")) == (
        "new⟨U+001B⟩[2J",
        "odd⟨U+202E⟩",
        "x⟨U+200B⟩",
    )
    assert Colours(True).red("denied") == paint_status(Colours(True), "denied")


def reported(err: BaseException) -> str:
    stderr = io.StringIO()
    report_error(err, Printer(Io(stdout=io.StringIO(), stderr=stderr)))
    return stderr.getvalue()


def test_error_reports_mark_what_the_server_or_an_agent_wrote() -> None:
    server = reported(
        FarameshError(f"refused: {HOSTILE}", code="bad\u202ecode", details=[{"path": "/params/cmd", "message": HOSTILE}])
    )
    assert server == (
        f"error bad⟨U+202E⟩code: refused: {safe_text(HOSTILE)}\n"
        f"  /params/cmd: {safe_text(HOSTILE)}\n"
    )
    ambiguous = reported(
        AmbiguousPrefixError(
            "more than one action id starts with abcd",
            code="ambiguous_prefix",
            details={"candidates": [{"id": "abcd1234", "status": "denied", "tool": "sh\u202eell", "operation": "r\x1bun", "created_at": "x\x1b"}]},
        )
    )
    assert not RAW.search(ambiguous)
    assert "  abcd1234  denied            sh⟨U+202E⟩ell r⟨U+001B⟩un  x⟨U+001B⟩\n" in ambiguous


def test_the_clis_own_errors_keep_their_lines_but_mark_the_rest() -> None:
    assert reported(CliError(f"invalid value '{HOSTILE}'\n  second problem")) == (
        f"error: invalid value '{safe_text(HOSTILE)}'\n  second problem\n"
    )
    assert reported(RuntimeError("boom\x1b[2J")) == "error: boom⟨U+001B⟩[2J\n"
