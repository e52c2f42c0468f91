"""Opening one archive from several processes at the same moment (cron starts jobs on the same minute).

Each round releases ``PROCESSES`` fresh processes through a barrier onto a *new* archive
directory, so they race on creating the file, switching it to WAL and running the schema; a
last round races on an existing archive. Any exception in any opener fails the test.
"""
import multiprocessing as mp
import traceback

import pytest

from crawler.storage.archive import Archive

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

PROCESSES = 4
ROUNDS = 25


def _open(directory, barrier, errors):
    try:
        barrier.wait(timeout=30)
        archive = Archive(directory)
        archive.mark_seen(f"https://example.invalid/{mp.current_process().pid}", "baoquocte.vn")
        archive.close()
    except BaseException:  # the test reports every failure, whatever it is
        errors.put(traceback.format_exc())


def _race(directory) -> list[str]:
    ctx = mp.get_context("fork")
    barrier, errors = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_open, args=(directory, barrier, errors)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    return found


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_processes_open_one_archive_at_once(tmp_path, existing):
    for i in range(ROUNDS):
        directory = tmp_path / f"archive-{i}"
        if existing:
            Archive(directory).close()
        failures = _race(directory)
        assert failures == [], f"round {i}: {len(failures)} of {PROCESSES} opens failed; first:\n{failures[0]}"
        archive = Archive(directory)
        assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert archive.conn.execute("SELECT COUNT(*) FROM seen").fetchone()[0] == PROCESSES
        archive.close()
