"""Test-only crash hooks (tests/test_crash_resume.py). Production code knows nothing of them.

:class:`CrashingArchivePipeline` is the project's ``ArchivePipeline`` whose archive kills its
own process with SIGKILL inside :meth:`crawler.storage.archive.Archive.add`, right after the SQLite
row is committed (``jsonl_written=0``) and before or during the JSON Lines append -- the
window :meth:`crawler.storage.archive.Archive.recover` exists for. Enable it in place of the real
pipeline::

    -s ITEM_PIPELINES='{..., "tests.crash_hooks.CrashingArchivePipeline": 400}'

and arm it with environment variables (unset: it behaves exactly like ArchivePipeline):

* ``VNFA_CRASH_AT_APPEND=N`` -- the Nth ``_append`` of this run (1-based) kills the process;
* ``VNFA_CRASH_MODE=before`` (default) -- killed before a byte of the line is written;
  ``partial`` -- killed after writing the first half of the line (no newline), as a torn
  write would leave it.

The ``recover()`` run by ``Archive.__init__`` is not counted: the hook is armed afterwards.
"""
from __future__ import annotations

import os
import signal

from pipelines.archive import ArchivePipeline

ENV_AT = "VNFA_CRASH_AT_APPEND"
ENV_MODE = "VNFA_CRASH_MODE"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(archive, at: int, mode: str = "before") -> None:
    """Make ``archive._append`` kill the process on its ``at``-th call."""
    original = archive._append
    calls = {"n": 0}

    def append(part, lines):
        calls["n"] += 1
        if calls["n"] == at:
            if mode == "partial":
                data = "".join(line + "\n" for line in lines).encode("utf-8")
                fd = os.open(archive.dir / part, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                os.write(fd, data[: max(1, len(data) // 2)])
                os.close(fd)
            _die()
        return original(part, lines)

    archive._append = append


class CrashingArchivePipeline(ArchivePipeline):
    def open_spider(self):
        super().open_spider()
        at = os.environ.get(ENV_AT)
        if at:
            arm(self.archive, int(at), os.environ.get(ENV_MODE, "before"))
