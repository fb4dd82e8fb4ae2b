"""`python -m faramesh.cli` (and the `faramesh-py` script), spawned as a user runs it, against the real server.

Where the Node CLI prints something, the Python CLI must print the same: `test_matches_the_node_cli`
runs both on the same actions and compares their output byte for byte.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest

from faramesh.sdk.client import Action, ExecutionGovernorClient

from .server import ADMIN_TOKEN, AGENT_TOKEN, APPROVER_TOKEN, CLI, RunningServer

ANSI = re.compile(r"\x1b\[")
Run = Callable[..., "subprocess.CompletedProcess[str]"]


def clean_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FARAMESH_", "FARACORE_", "FARA_"))}
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    env.update({"TZ": "UTC", "PYTHONIOENCODING": "utf-8"})
    env.update(extra or {})
    return env


@pytest.fixture
def cli(server: RunningServer, tmp_path: Path) -> Run:
    """Runs `python -m faramesh.cli ARGS` with FARAMESH_BASE_URL/FARAMESH_TOKEN set (admin unless told)."""

    def run(*args: str, token: Optional[str] = ADMIN_TOKEN, env: Optional[Dict[str, str]] = None, timeout: float = 30) -> "subprocess.CompletedProcess[str]":
        base = {"FARAMESH_BASE_URL": server.url}
        if token is not None:
            base["FARAMESH_TOKEN"] = token
        return subprocess.run(
            [sys.executable, "-m", "faramesh.cli", *args],
            env=clean_env({**base, **(env or {})}),
            cwd=str(tmp_path),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


def shell_action(agent: ExecutionGovernorClient, agent_id: str, cmd: str) -> Action:
    return agent.submit_action("shell", "run", {"cmd": cmd}, agent_id=agent_id)


def test_the_seed_faq_command_runs_as_written() -> None:
    done = subprocess.run(["python3", "-m", "faramesh.cli", "--help"], capture_output=True, text=True, env={**clean_env(), "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"})
    assert done.returncode == 0, done.stderr
    for command in ("list", "get", "events", "explain", "approve", "deny", "tail", "wait"):
        assert command in done.stdout


def test_the_faramesh_py_script_is_installed(server: RunningServer) -> None:
    script = Path(sys.executable).parent / "faramesh-py"
    done = subprocess.run([str(script), "list", "--limit", "1", "--json"], capture_output=True, text=True, env=clean_env({"FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": ADMIN_TOKEN}))
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == {"items", "total", "limit", "offset", "next_cursor"}


def test_list_prints_a_plain_table_with_short_ids_when_piped(cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("cli-list")
    action = shell_action(agent, who, "ls -la")
    done = cli("list", "--agent", who)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").split("\n")
    assert re.match(r"^ID\s+Status\s+Risk\s+Tool\s+Operation\s+Summary\s+Created$", lines[0])
    assert f"{action['id'][:8]}  pending_approval  medium  shell  run        ls -la " in done.stdout
    assert action["id"] not in done.stdout and not ANSI.search(done.stdout)
    full = cli("ls", "--agent", who, "--full", "--status", "pending_approval", "--risk", "medium", "--tool", "shell")
    assert action["id"] in full.stdout
    assert cli("list", "--agent", who, "--status", "denied").stdout == "No actions found.\n"


def test_list_json_is_the_api_action_list_and_all_follows_every_page(cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("cli-all")
    ids = {shell_action(agent, who, f"echo {i}")["id"] for i in range(3)}
    page = json.loads(cli("list", "--agent", who, "--limit", "2", "--json").stdout)
    assert (page["total"], page["limit"], len(page["items"])) == (3, 2, 2) and page["next_cursor"]
    everything = json.loads(cli("--json", "list", "--agent", who, "--all", "--limit", "1").stdout)
    assert {a["id"] for a in everything["items"]} == ids and everything["next_cursor"] is None


def test_get_resolves_a_prefix_and_numbers_the_rule_from_one(cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = shell_action(agent, unique("cli-get"), "whoami")
    assert action["matched_rule"]["index"] == 1  # the second rule of policies/default.yaml
    done = cli("get", action["id"][:8])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Action {action['id']}\n\n")
    assert re.search(r"Status:\s+pending_approval", done.stdout)
    assert re.search(r"Matched Rule:\s+#2 Shell commands require approval\n", done.stdout)
    assert re.search(r"Approval Token:\s+\S+", done.stdout)  # admin token: the approval token is visible
    # Global options go before or after the command.
    assert json.loads(cli("get", action["id"][:6], "--json").stdout)["id"] == action["id"]
    assert json.loads(cli("--json", "get", action["id"]).stdout)["id"] == action["id"]


def test_events_and_explain(cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = shell_action(agent, unique("cli-explain"), "rm -rf /tmp/x")
    events = cli("events", action["id"][:8])
    assert events.stdout.startswith(f"Event Timeline - {action['id'][:8]}\n")
    assert re.search(r"created\s+\{\"agent_id\"", events.stdout) and "decision_made" in events.stdout
    assert [e["event_type"] for e in json.loads(cli("events", action["id"], "--json").stdout)] == ["created", "decision_made"]
    out = cli("explain", action["id"][:8]).stdout
    assert f"Action Explanation: {action['id'][:8]}" in out
    assert "Risk Level: high (risk rule: dangerous_shell)" in out
    assert "  ✗ #1 Allow HTTP GET requests [allow]\n" in out
    assert "  ✓ #2 Shell commands require approval [require_approval] ← decided\n" in out
    assert "  · #3 Default deny rule [deny] (not evaluated)\n" in out
    assert '      ✓ any_command: expected ["rm",' in out
    assert "Commands that would run: rm\n" in out
    assert set(json.loads(cli("explain", action["id"], "--json").stdout)) >= {"action", "explanation", "policy"}


def test_approve_allow_and_deny_decide_pending_actions(cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("cli-decide")
    a, b, c = (shell_action(agent, who, cmd) for cmd in ("one", "two", "three"))
    done = cli("approve", a["id"][:8], "--reason", "looks safe", token=APPROVER_TOKEN)
    assert (done.returncode, done.stdout) == (0, f"✓ Approved {a['id'][:8]} (shell run): approved\n")
    assert cli("allow", b["id"][:8], token=APPROVER_TOKEN).returncode == 0
    assert cli("deny", c["id"], "--reason", "no", token=APPROVER_TOKEN).stdout == f"✗ Denied {c['id'][:8]} (shell run): denied\n"
    decided = agent.get_action(a["id"])
    assert (decided["status"], decided["approval_decided_by"], decided["approval_reason"]) == ("approved", "alice", "looks safe")
    assert agent.get_action(c["id"])["status"] == "denied"
    again = cli("approve", a["id"], token=APPROVER_TOKEN)
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == f"error not_pending: action {a['id']} is approved, not pending_approval\n"


def test_an_agent_token_cannot_approve(cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = shell_action(agent, unique("cli-agent"), "id")
    done = cli("approve", action["id"], token=AGENT_TOKEN)
    assert done.returncode == 1
    assert done.stderr.startswith("error approval_token_unavailable: ") and done.stderr.count("\n") == 1
    assert agent.get_action(action["id"])["status"] == "pending_approval"


def test_wait_exits_0_when_approved_1_when_denied_or_timed_out(
    cli: Run, agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("cli-wait")
    a, b, c = (shell_action(agent, who, cmd) for cmd in ("deploy", "drop", "later"))
    timer = threading.Timer(0.5, lambda: approver.approve(a["id"]))
    timer.start()
    done = cli("wait", a["id"][:8], "--timeout", "20")
    timer.join()
    assert (done.returncode, done.stdout) == (0, f"{a['id'][:8]} approved\n")
    approver.deny(b["id"])
    assert cli("wait", b["id"]).returncode == 1
    assert json.loads(cli("wait", b["id"], "--json").stdout)["status"] == "denied"
    late = cli("wait", c["id"], "--timeout", "1")
    assert (late.returncode, late.stderr) == (1, f"error timeout: no decision on {c['id']} within 1000 ms\n")


def test_tail_follows_the_stream_and_prints_ndjson(cli: Run, agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("cli-tail")
    action = shell_action(agent, who, "uptime")
    approver.approve(action["id"])
    done = cli("tail", "--agent", who, "--since-id", "0", "-n", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(rf"\[\d\d:\d\d:\d\d\] pending_approval  {action['id'][:8]} \| shell      \| run", lines[0])
    assert re.fullmatch(rf"\[\d\d:\d\d:\d\d\] approved          {action['id'][:8]} \| shell      \| run", lines[1])
    frames = [json.loads(line) for line in cli("tail", "--action", action["id"][:8], "--since-id", "0", "-n", "3", "--json").stdout.splitlines()]
    assert [f["event"] for f in frames] == ["action.created", "action.decided", "action.approved"]
    assert all(f["data"]["action"]["id"] == action["id"] and f["id"].isdigit() for f in frames)


def test_usage_errors_are_one_line_and_exit_2(cli: Run) -> None:
    cases = {
        ("aprove", "x"): "usage error: unknown command 'aprove' (did you mean approve?); see --help\n",
        ("list", "--bogus"): "usage error: unknown option '--bogus'; see --help\n",
        ("get",): "usage error: missing required argument 'id'; see --help\n",
        ("list", "--limit", "0"): "error: invalid value '0' for --limit: expected an integer from 1 to 500\n",
        ("list", "--status", "pendin"): "error: invalid value 'pendin' for --status (did you mean pending_approval?)\n",
        ("list", "--since", "yesterday"): "error: invalid value 'yesterday' for --since: expected a date-time like 2026-01-12T10:00:00Z\n",
    }
    for args, stderr in cases.items():
        done = cli(*args)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", stderr), args


def test_server_errors_and_an_unreachable_server_are_one_line_and_exit_1(cli: Run, server: RunningServer) -> None:
    missing = cli("get", "ffffffff")
    assert (missing.returncode, missing.stderr) == (1, "error action_not_found: no action id starts with ffffffff\n")
    bad_token = cli("list", token="not-a-real-token")
    assert bad_token.returncode == 1 and bad_token.stderr.startswith("error unauthorized: ") and bad_token.stderr.count("\n") == 1
    down = cli("list", env={"FARAMESH_BASE_URL": "http://127.0.0.1:9"})
    assert down.returncode == 1
    assert down.stderr == (
        "error: cannot reach Faramesh at http://127.0.0.1:9 (ECONNREFUSED); "
        "start it with `faramesh serve` or set --host/--port or FARAMESH_BASE_URL\n"
    )


def test_the_token_comes_from_the_flag_the_seed_variables_or_dotenv(cli: Run, server: RunningServer, tmp_path: Path) -> None:
    resolve = [sys.executable, "-c", "from faramesh.cli.connection import resolve_connection as r; import os; c = r(host=None, port=None, token=None, env=os.environ, cwd='.'); print(c.base_url, c.token_source)"]
    for name in ("FARAMESH_TOKEN", "FARACORE_TOKEN", "FARA_AUTH_TOKEN"):
        done = cli("list", "--limit", "1", token=None, env={name: f"{APPROVER_TOKEN},other"})
        assert done.returncode == 0, (name, done.stderr)
    assert cli("list", token=None, env={"FARAMESH_TOKENS": f"a:agent:{AGENT_TOKEN},root:admin:{ADMIN_TOKEN}"}).returncode == 0
    assert cli("list", token=None).returncode == 1  # no token at all: the server says unauthorized
    assert cli("--token", APPROVER_TOKEN, "list", token=None).returncode == 0
    # `.env` in the working directory, below the real environment.
    (tmp_path / ".env").write_text(f"FARAMESH_TOKEN='{ADMIN_TOKEN}'  \nexport FARAMESH_HOST=0.0.0.0\n")
    assert cli("list", token=None).returncode == 0
    port = server.url.rsplit(":", 1)[1]
    resolved = subprocess.run(resolve, cwd=str(tmp_path), env=clean_env({"FARAMESH_PORT": port}), capture_output=True, text=True)
    assert resolved.stdout.split() == [f"http://127.0.0.1:{port}", "FARAMESH_TOKEN"]
    flags = cli("--host", "127.0.0.1", "--port", port, "list", "--limit", "1", env={"FARAMESH_BASE_URL": "http://127.0.0.1:9"})
    assert flags.returncode == 0, flags.stderr


def test_colour_only_on_a_terminal_and_never_with_no_color(server: RunningServer, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("cli-tty")
    shell_action(agent, who, "ls")
    env = {"FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": ADMIN_TOKEN, "TERM": "xterm"}

    def on_tty(extra: Dict[str, str]) -> str:
        leader, follower = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "faramesh.cli", "list", "--agent", who], stdout=follower, stderr=follower, env=clean_env({**env, **extra}))
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=30)
        os.close(leader)
        return b"".join(chunks).decode()

    coloured = on_tty({})
    assert "┌" in coloured and "│" in coloured and "\x1b[33mpending_approval\x1b[39m" in coloured
    plain = on_tty({"NO_COLOR": "1"})
    assert "┌" in plain and not ANSI.search(plain)
    forced = subprocess.run([sys.executable, "-m", "faramesh.cli", "list", "--agent", who], env=clean_env({**env, "FORCE_COLOR": "1"}), capture_output=True, text=True)
    assert "┌" not in forced.stdout and "\x1b[33mpending_approval" in forced.stdout


# What an agent or another user can write into free text: clear the screen, erase the line, go back to
# its start and print a fake approval in green, then flip what follows right to left, hide a zero width,
# and end on DEL and a C1 control sequence.
HOSTILE = "boom\x1b[2J\x1b[2K\rStatus: \x1b[32mapproved\x1b[0m\u202eexe.txt\u2066\u200b\x7f\x9b2J"
# As the CLI shows it: every such character a visible marker.
HOSTILE_SHOWN = "boom⟨U+001B⟩[2J⟨U+001B⟩[2K⟨U+000D⟩Status: ⟨U+001B⟩[32mapproved⟨U+001B⟩[0m⟨U+202E⟩exe.txt⟨U+2066⟩⟨U+200B⟩⟨U+007F⟩⟨U+009B⟩2J"
# Inside JSON (params, context): JSON escapes the C0 controls itself, the rest are markers.
HOSTILE_IN_JSON = "boom\\u001b[2J\\u001b[2K\\rStatus: \\u001b[32mapproved\\u001b[0m⟨U+202E⟩exe.txt⟨U+2066⟩⟨U+200B⟩⟨U+007F⟩⟨U+009B⟩2J"
# Anything a terminal acts on or hides; a line feed only ends a line the CLI itself wrote.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def hostile_name(word: str) -> str:
    """Names refuse control characters, not bidi or zero-width ones."""
    return f"{word}\u202e\u2066\u200bx"


def hostile_actions(agent: ExecutionGovernorClient, who: str) -> Dict[str, Action]:
    """A pending shell action carrying HOSTILE in its params and context, and one whose tool and
    operation names hide bidi and zero-width characters (the default policy denies it)."""
    pending = agent.submit_action("shell", "run", {"cmd": f"echo {HOSTILE}"}, {"why": HOSTILE}, agent_id=who)
    named = agent.submit_action(hostile_name("shell"), hostile_name("run"), {"note": HOSTILE}, agent_id=who)
    return {"pending": pending, "named": named}


def test_agent_and_approver_text_is_shown_as_markers_never_raw(
    cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = hostile_name(unique("cli-esc"))
    actions = hostile_actions(agent, who)
    approved, named = actions["pending"], actions["named"]
    denied = agent.submit_action("shell", "run", {"cmd": HOSTILE}, agent_id=who)
    outputs: Dict[str, str] = {}

    def shown(*args: str, token: str = ADMIN_TOKEN) -> None:
        done = cli(*args, token=token)
        assert done.returncode == 0, (args, done.stderr)
        outputs[" ".join(args)] = done.stdout + done.stderr

    # An approver's reason may span lines; a further line must not pose as a row of its own.
    shown("approve", approved["id"], "--reason", f"{HOSTILE}\nStatus:          approved", token=APPROVER_TOKEN)
    shown("deny", denied["id"], "--reason", HOSTILE, token=APPROVER_TOKEN)
    agent.start(approved["id"])
    agent.report_result(approved["id"], False, HOSTILE)
    for action in (approved, named, denied):
        for command in ("get", "explain", "events"):
            shown(command, action["id"])
        shown("events", action["id"], "--full")
    shown("list", "--agent", who)
    shown("list", "--agent", who, "--full")
    shown("tail", "--agent", who, "--since-id", "0", "-n", "6", "--all-events")

    for command, text in outputs.items():
        assert not RAW.search(text), (command, text)
    get = outputs[f"get {approved['id']}"]
    assert re.search(r"\nAgent:\s+cli-esc-\S+⟨U\+202E⟩⟨U\+2066⟩⟨U\+200B⟩x\n", get)
    assert f'Params:           {{"cmd": "echo {HOSTILE_IN_JSON}"}}\n' in get
    assert f'Context:          {{"why": "{HOSTILE_IN_JSON}"}}\n' in get
    assert f"Decision Reason:  {HOSTILE_SHOWN}\n                  Status:          approved\n" in get
    assert f"Error:            {HOSTILE_SHOWN}\n" in get
    assert re.search(rf"\nDecision Reason: +{re.escape(HOSTILE_SHOWN)}\n", outputs[f"get {denied['id']}"])
    named_get = outputs[f"get {named['id']}"]
    assert re.search(r"\nTool:\s+shell⟨U\+202E⟩⟨U\+2066⟩⟨U\+200B⟩x\n", named_get)
    assert re.search(r"\nOperation:\s+run⟨U\+202E⟩⟨U\+2066⟩⟨U\+200B⟩x\n", named_get)
    assert "Tool: shell⟨U+202E⟩⟨U+2066⟩⟨U+200B⟩x\n" in outputs[f"explain {named['id']}"]
    assert f'Params: {{"cmd": "{HOSTILE_IN_JSON}"}}\n' in outputs[f"explain {denied['id']}"]
    assert HOSTILE_IN_JSON in outputs[f"events {denied['id']} --full"]
    assert "shell⟨U+202E⟩⟨U+2066⟩⟨U+200B⟩x" in outputs[f"list --agent {who}"]
    assert "| shell⟨U+202E⟩⟨U+2066⟩⟨U+200B⟩x | run⟨U+202E⟩⟨U+2066⟩⟨U+200B⟩x" in outputs[f"tail --agent {who} --since-id 0 -n 6 --all-events"]


def test_json_output_keeps_agent_and_approver_text_exact(cli: Run, agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = hostile_name(unique("cli-esc-json"))
    actions = hostile_actions(agent, who)
    pending, named = actions["pending"], actions["named"]
    denied = json.loads(cli("deny", pending["id"], "--reason", HOSTILE, "--json", token=APPROVER_TOKEN).stdout)
    assert denied["approval_reason"] == HOSTILE
    got = json.loads(cli("--json", "get", pending["id"]).stdout)
    assert (got["agent_id"], got["params"], got["context"], got["approval_reason"]) == (who, {"cmd": f"echo {HOSTILE}"}, {"why": HOSTILE}, HOSTILE)
    listed = json.loads(cli("list", "--agent", who, "--json").stdout)["items"]
    assert {(a["tool"], a["operation"]) for a in listed} == {("shell", "run"), (hostile_name("shell"), hostile_name("run"))}
    explained = json.loads(cli("explain", named["id"], "--json").stdout)
    assert explained["action"]["params"] == {"note": HOSTILE}
    events = json.loads(cli("events", pending["id"], "--json").stdout)
    assert any(e["meta"].get("reason") == HOSTILE for e in events)


def run_both(args: List[str], env: Dict[str, str], cwd: Path) -> None:
    """Runs the Python and the Node CLI with `args`: same exit code, stdout and stderr, byte for byte."""
    py = subprocess.run([sys.executable, "-m", "faramesh.cli", *args], env=env, cwd=str(cwd), capture_output=True, text=True, timeout=30)
    node = subprocess.run(["node", str(CLI), *args], env=env, cwd=str(cwd), capture_output=True, text=True, timeout=30)
    assert (py.returncode, py.stdout, py.stderr) == (node.returncode, node.stdout, node.stderr), args


def test_matches_the_node_cli(server: RunningServer, agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str], tmp_path: Path) -> None:
    who = unique("cli-parity")
    risky = shell_action(agent, who, "rm -rf /tmp/parity")
    allowed = agent.submit_action("http", "get", {"url": "https://example.com/" + "x" * 80}, agent_id=who)
    approver.approve(risky["id"], reason="checked")
    env = clean_env({"FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": ADMIN_TOKEN})
    for args in (
        ["list", "--agent", who],
        ["list", "--agent", who, "--full"],
        ["get", risky["id"][:8]],
        ["get", allowed["id"]],
        ["events", risky["id"][:8]],
        ["explain", risky["id"][:8]],
        ["explain", allowed["id"][:8]],
        ["tail", "--agent", who, "--since-id", "0", "-n", "3", "--all-events"],
        ["get", "ffffffff"],
        ["approve", risky["id"]],
        ["aprove", "x"],
    ):
        run_both(args, env, tmp_path)


def test_matches_the_node_cli_on_hidden_characters(
    server: RunningServer, agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str], tmp_path: Path
) -> None:
    who = hostile_name(unique("cli-parity-esc"))
    actions = hostile_actions(agent, who)
    pending, named = actions["pending"], actions["named"]
    approver.approve(pending["id"], reason=f"{HOSTILE}\nsecond line")
    agent.start(pending["id"])
    agent.report_result(pending["id"], False, HOSTILE)
    env = clean_env({"FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": ADMIN_TOKEN})
    for args in (
        ["list", "--agent", who],
        ["list", "--agent", who, "--full"],
        ["get", pending["id"]],
        ["get", named["id"]],
        ["events", pending["id"]],
        ["events", pending["id"], "--full"],
        ["explain", pending["id"]],
        ["explain", named["id"]],
        ["tail", "--agent", who, "--since-id", "0", "-n", "5", "--all-events"],
    ):
        run_both(args, env, tmp_path)
