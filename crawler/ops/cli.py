"""Small helpers the commands share: one-line errors and read-only archive opening."""
from __future__ import annotations

import sys

from crawler.storage.archive import Archive, NoArchive
from crawler.storage.backends import archive_location

#: exit statuses of the project's commands
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def say_error(message: str) -> None:
    """One line on stderr, prefixed so a cron mail or a log grep finds it."""
    print(f"vnfa: error: {message}", file=sys.stderr, flush=True)


def open_readonly(command, location: str | None = None) -> Archive | None:
    """The archive at ``location`` -- by default the command's settings': ``ARCHIVE_URL``
    (PostgreSQL), else ``ARCHIVE_DIR`` -- read-only; None (a one-line message, ``command.exitcode
    = 2``) when there is no archive there. Never creates one."""
    try:
        return Archive.open_readonly(location or archive_location(command.settings))
    except (NoArchive, ValueError) as exc:
        say_error(str(exc))
        command.exitcode = EXIT_USAGE
        return None
