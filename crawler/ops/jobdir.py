"""A ``JOBDIR`` of its own for every scrapyd job: ``<JOBDIR_PER_JOB>/<spider>/<job id>``.

A backfill keeps its resumable state (Scrapy's disk queues, the spider's state) under ``JOBDIR``.
Two jobs sharing one would read each other's queues, so a job scheduled through scrapyd
(``schedule.json``, ``scrapy schedule-backfill``) gets a folder named after its job id.

Why an add-on that reads the ``_job`` spider argument:

* scrapyd 1.6 passes the job id only as the spider argument ``-a _job=<id>`` (the ``SCRAPY_JOB``
  environment variable of older releases is gone), so settings-module code reading
  ``os.environ`` would never see it;
* ``JOBDIR`` must be known before the scheduler is built, which happens once the settings are
  frozen. Add-ons (``ADDONS``) run in ``Crawler._apply_settings``, after the spider is created
  with its arguments and before anything reads the settings -- the one place that has both the
  spider's name and its job id while the settings can still change;
* scrapyd's own ``jobs_dir`` option does the same from the node's configuration, but it is off by
  default and every node would have to remember it. Here it is the project's default, and it
  backs off when a ``JOBDIR`` is given (``-s JOBDIR=...``, or scrapyd's ``jobs_dir``).

A job id that is not a plain file name (letters, digits, ``.``, ``_``, ``-``) is never made into a
path: the job runs without a ``JOBDIR`` and a warning says why (a stats counter does not exist yet
at this point).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from scrapy.settings import SETTINGS_PRIORITIES

logger = logging.getLogger(__name__)

SAFE_JOB_ID = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9._-]{1,200}$")


def job_dir(root: str, spider: str, job: str) -> Path | None:
    """The ``JOBDIR`` of job ``job`` of ``spider`` under ``root``; None for an unsafe job id."""
    if not SAFE_JOB_ID.match(job):
        return None
    return Path(root) / spider / job


class JobDirPerJob:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def update_settings(self, settings) -> None:
        root = settings.get("JOBDIR_PER_JOB")
        spider = self.crawler.spider
        job = getattr(spider, "_job", None)
        if not root or not job or settings.get("JOBDIR"):
            return
        path = job_dir(root, spider.name, str(job))
        if path is None:
            logger.warning("job id %r is not a plain file name: job runs without a JOBDIR", job)
            return
        # above the priority of the (empty) JOBDIR in place, so a project-level None cannot mask it
        priority = max(settings.getpriority("JOBDIR") or 0, SETTINGS_PRIORITIES["addon"])
        settings.set("JOBDIR", str(path), priority=priority)
        logger.info("JOBDIR %s (job %s)", path, job)
