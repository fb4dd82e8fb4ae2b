"""`python -m faramesh.cli` / `faramesh-py`: the remote commands of the `faramesh` CLI for Python users
without Node — the same flags, output, environment and exit codes (packages/cli/README.md)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import List, NoReturn, Optional, Sequence

from .. import __version__
from .cli_error import EXIT_OK, EXIT_USAGE, UsageError
from .closest import closest
from .commands import approval, explain, list_actions, show, tail, wait
from .context import Context, GlobalFlags
from .printer import Io, Printer
from .report import report_error

PROG = "faramesh-py"
COMMANDS = (list_actions, show, explain, approval, tail, wait)


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one `usage error: …` line (exit 2), worded as the Node CLI words them."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(_node_wording(message, self), one_line=True)


def _node_wording(message: str, parser: argparse.ArgumentParser) -> str:
    choice = re.match(r"argument command: invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice:
        names = re.findall(r"'?([\w-]+)'?", choice.group(2))
        near = closest(choice.group(1), names)
        return f"unknown command '{choice.group(1)}'" + (f" (did you mean {near}?)" if near else "")
    unknown = re.match(r"unrecognized arguments: (\S+)", message)
    if unknown:
        arg = unknown.group(1)
        return f"unknown option '{arg}'" if arg.startswith("-") else f"too many arguments: '{arg}'"
    required = re.match(r"the following arguments are required: (.*)", message)
    if required:
        return f"missing required argument '{required.group(1).split(',')[0].strip()}'"
    missing = re.match(r"argument ([^:]+): expected one argument", message)
    if missing:
        return f"option '{missing.group(1).split('/')[-1]}' argument missing"
    return message


def build_parser() -> argparse.ArgumentParser:
    # The global options are accepted before or after the command, as in the Node CLI.
    shared = _Parser(add_help=False, allow_abbrev=False)
    shared.add_argument("--host", default=argparse.SUPPRESS, help="server host (env FARAMESH_HOST; default 127.0.0.1)")
    shared.add_argument("--port", default=argparse.SUPPRESS, help="server port (env FARAMESH_PORT; default 8000)")
    shared.add_argument("--token", default=argparse.SUPPRESS, help="API token (env FARAMESH_TOKEN)")
    shared.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable JSON output only")
    parser = _Parser(
        prog=PROG,
        description="Faramesh from Python: list, inspect, approve and follow actions on a Faramesh server",
        parents=[shared],
        allow_abbrev=False,
    )
    parser.add_argument("-V", "--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub, shared)
    return parser


def run(argv: Sequence[str], io: Io) -> int:
    """Runs the CLI with `argv` (without the program name) and answers the exit code."""
    out = Printer(io)
    parser = build_parser()
    try:
        if not argv:
            parser.print_help(io.stderr)
            return EXIT_USAGE
        opts = parser.parse_args(list(argv))
        flags = GlobalFlags(
            host=getattr(opts, "host", None),
            port=getattr(opts, "port", None),
            token=getattr(opts, "token", None),
            json=bool(getattr(opts, "json", False)),
        )
        code: int = opts.run(Context(io, flags), opts)
        return code
    except SystemExit as done:  # --help, --version
        return done.code if isinstance(done.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # noqa: BLE001 (every failure becomes one readable line)
        return report_error(err, out)


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of `python -m faramesh.cli` and the `faramesh-py` console script."""
    io = Io(stdout=sys.stdout, stderr=sys.stderr, env=dict(os.environ), cwd=os.getcwd())
    return run(sys.argv[1:] if argv is None else argv, io)


