"""Scrapy's scheduler, made safe to resume after a process was killed (SIGKILL, OOM, power loss).

With ``JOBDIR``, Scrapy keeps pending requests in disk queues under ``JOBDIR/requests.queue``
but writes their bookkeeping -- ``active.json`` (which priority queues exist), the LIFO
queue's size header, the FIFO queues' ``info.json`` -- only on a clean close. After a kill
the files disagree with that bookkeeping: a stale ``active.json`` left by an earlier Ctrl-C
makes the next run pop garbage (``OSError: [Errno 22] Invalid argument`` from
``LifoDiskQueue.pop`` on every scheduler call, and a crawl that never ends), and a start
queue without ``info.json`` is read from its first, stale record.

:class:`ResumableScheduler` trusts the disk queues only when the previous run closed them:

* on open, when ``requests.queue`` holds no ``active.json`` (the previous run was killed or
  this is a new job), whatever is left in it is discarded -- logged and counted
  (``scheduler/discarded_interrupted_queue``);
* once the queues are open, ``active.json`` is removed; Scrapy writes it again on a clean
  close, so its presence always means "closed cleanly".

Nothing is lost by discarding: in this project the archive is the checkpoint. A resumed job
re-reads its discovery pages (``dont_filter``) and the seen-store skips every article
already archived (crawler.storage.seen, spiders.base), so every request the discarded queue
held is made again if it is still needed. After a clean stop (Ctrl-C once) the queue is
resumed as Scrapy does it.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy.core.scheduler import Scheduler

logger = logging.getLogger(__name__)

STATE_FILE = "active.json"


class ResumableScheduler(Scheduler):
    def open(self, spider):
        if self.dqdir:
            self._discard_unclosed_queues(Path(self.dqdir))
        result = super().open(spider)
        if self.dqdir:
            Path(self.dqdir, STATE_FILE).unlink(missing_ok=True)  # written again by a clean close
        return result

    def _discard_unclosed_queues(self, dqdir: Path) -> None:
        if (dqdir / STATE_FILE).exists():
            return
        leftovers = list(dqdir.iterdir()) if dqdir.is_dir() else []
        if not leftovers:
            return
        logger.warning("%s: discarding the request queues of a run that did not close cleanly; "
                       "discovery is re-read and the archive skips what was already archived", dqdir)
        for path in leftovers:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        if self.stats is not None:
            self.stats.inc_value("scheduler/discarded_interrupted_queue")
