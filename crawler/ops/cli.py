"""Small helpers the commands share: one-line errors and read-only archive opening."""
from __future__ import annotations

import sys

from crawler.storage.archive import Archive, NoArchive

#: exit statuses of the project's commands
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def say_error(message: str) -> None:
    """One line on stderr, prefixed so a cron mail or a log grep finds it."""
    print(f"vnfa: error: {message}", file=sys.stderr, flush=True)


def open_readonly(command, directory: str) -> Archive | None:
    """The archive under ``directory`` read-only; None (a one-line message, ``command.exitcode = 2``)
    when the path holds no archive. Never creates one."""
    try:
        return Archive.open_readonly(directory)
    except NoArchive as exc:
        say_error(str(exc))
        command.exitcode = EXIT_USAGE
        return None
