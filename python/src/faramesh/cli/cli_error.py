"""Exit codes and the errors a user caused or can fix (printed as one line, no stack)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """Printed as `error: <message>`; the process exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CliError):
    """Wrong usage (unknown command or option, bad value, missing argument): exit 2."""

    def __init__(self, message: str, *, one_line: bool = False) -> None:
        super().__init__(message, EXIT_USAGE)
        self.one_line = one_line
        """True for parser errors, printed as `usage error: …; see --help` like the Node CLI's."""
