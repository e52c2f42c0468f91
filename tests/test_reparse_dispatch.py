"""``scrapy reparse``'s dispatcher (crawler.ops.reparse_worker.Dispatcher): which process parses
which chunk, and that the writer gets every chunk once, in capture order, whoever parsed it.

The pool here is a stand-in whose results become ready when the test says: that is what decides
whether the writing process parses a chunk itself (the oldest unwritten chunk is still in a
worker) or waits (it is already ``window`` chunks ahead)."""
from __future__ import annotations

from crawler.ops.reparse_worker import ChunkResult, Dispatcher


class LocalParser:
    """Parses a chunk by tagging each capture with who parsed it."""

    def __init__(self):
        self.chunks = []

    def parse_chunk(self, chunk):
        self.chunks.append(list(chunk))
        return ChunkResult([("here", c) for c in chunk], {}, [])


class Pending:
    def __init__(self, chunk, pool):
        self.chunk, self.pool = chunk, pool

    def ready(self):
        return self.pool.ready(self)

    def get(self):
        self.pool.got.append(list(self.chunk))
        return ChunkResult([("worker", c) for c in self.chunk], {}, [])


class Pool:
    def __init__(self, ready=lambda pending: True):
        self.ready = ready
        self.submitted: list[list] = []
        self.got: list[list] = []

    def apply_async(self, func, args):
        self.submitted.append(list(args[0]))
        return Pending(args[0], self)


def run(dispatcher, captures):
    dispatcher.feed(captures)
    out = []
    for result in dispatcher.results():
        out.extend(result.parsed)
    return out


def test_alone_it_parses_every_chunk_in_order():
    local = LocalParser()
    out = run(Dispatcher(local, None, 0, chunk_size=3), list(range(10)))
    assert out == [("here", n) for n in range(10)]
    assert local.chunks == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_with_workers_that_keep_up_it_only_writes():
    local, pool = LocalParser(), Pool(ready=lambda pending: True)
    out = run(Dispatcher(local, pool, 2, chunk_size=2), list(range(25)))
    assert out == [("worker", n) for n in range(25)]
    assert local.chunks == []
    assert [c for chunk in pool.submitted for c in chunk] == list(range(25))


def test_a_worker_behind_has_the_writer_parse_the_next_chunks_and_order_is_kept():
    local, pool = LocalParser(), Pool(ready=lambda pending: False)  # a result is there only when waited for
    dispatcher = Dispatcher(local, pool, 1, chunk_size=1)
    out = run(dispatcher, list(range(40)))
    assert [c for _, c in out] == list(range(40))
    here = {c for who, c in out if who == "here"}
    workers = {c for who, c in out if who == "worker"}
    assert here and workers and not here & workers
    assert here | workers == set(range(40))
    # every chunk given out once: to the pool or parsed here
    assert sorted(c for chunk in pool.submitted for c in chunk) == sorted(workers)


def test_parsing_ahead_is_bounded_by_the_window():
    """A worker that never finishes on its own: the writer parses ``window`` chunks ahead, then waits."""
    local, pool = LocalParser(), Pool(ready=lambda pending: False)
    dispatcher = Dispatcher(local, pool, 1, chunk_size=1)
    dispatcher.feed(list(range(100)))
    results = dispatcher.results()
    first = next(results)
    assert first.parsed == [("worker", 0)]  # waited for: the writer had parsed as far ahead as it may
    assert len(local.chunks) == dispatcher.window
    assert len(pool.submitted) == dispatcher.window  # and the pool is never more than that ahead
    assert sum(1 for _ in results) == 99
