"""A small client of scrapyd's JSON API (scrapyd 1.6): daemonstatus, schedule, listjobs.

The standard library's urllib is enough for three form-encoded calls, so the project takes no
HTTP dependency for them (scrapyd-client, which deploys, brings requests on the machine it runs on,
not into the crawl). Every failure -- a node that does not answer, an HTTP error, a body that is
not scrapyd's JSON, an ``"status": "error"`` answer -- is a :class:`NodeError` whose message names
the node, so the command can say which machine is wrong.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

#: seconds to wait for a node's answer
TIMEOUT = 15.0


class NodeError(Exception):
    """A scrapyd node could not be reached or refused a call; the message names the node."""


def node_url(url: str) -> str:
    """A node's base URL with one trailing slash (``http://host:6800/``); a bare ``host:port`` gets http://."""
    url = url.strip()
    if "://" not in url:
        url = f"http://{url}"
    return url.rstrip("/") + "/"


class ScrapydNode:
    def __init__(self, url: str, timeout: float = TIMEOUT):
        self.url = node_url(url)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"ScrapydNode({self.url!r})"

    def call(self, endpoint: str, params: list[tuple[str, str]] | None = None, post: bool = False) -> dict:
        """The JSON answer of ``endpoint`` (``schedule.json``...), or NodeError."""
        query = urllib.parse.urlencode(params or [])
        url = self.url + endpoint
        if post:
            request = urllib.request.Request(url, data=query.encode(), method="POST")
        else:
            request = urllib.request.Request(f"{url}?{query}" if query else url)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise NodeError(f"scrapyd node {self.url}: {endpoint} answered HTTP {exc.code} {exc.reason}") from None
        except OSError as exc:  # URLError, refused or reset connections, timeouts
            reason = getattr(exc, "reason", exc)
            raise NodeError(f"scrapyd node {self.url} cannot be reached ({reason})") from None
        try:
            data = json.loads(body)
        except ValueError:
            raise NodeError(f"scrapyd node {self.url}: {endpoint} did not answer JSON: {body[:120]!r}") from None
        if not isinstance(data, dict):
            raise NodeError(f"scrapyd node {self.url}: {endpoint} answered {data!r}")
        if data.get("status") == "error":
            raise NodeError(f"scrapyd node {self.url}: {endpoint}: {data.get('message')}")
        return data

    def daemonstatus(self) -> dict:
        """``{"pending", "running", "finished", "node_name"}`` of the node."""
        return self.call("daemonstatus.json")

    def load(self) -> int:
        """Jobs waiting or running on the node."""
        status = self.daemonstatus()
        return int(status.get("pending", 0)) + int(status.get("running", 0))

    def schedule(self, project: str, spider: str, job: str, settings: list[str], args: dict[str, str]) -> str:
        """Schedule one job with our own job id; ``settings`` are ``NAME=VALUE`` strings, ``args``
        the spider arguments. Returns the job id scrapyd acknowledged."""
        params = [("project", project), ("spider", spider), ("jobid", job)]
        params += [("setting", s) for s in settings]
        params += sorted(args.items())
        answer = self.call("schedule.json", params, post=True)
        return str(answer.get("jobid") or job)

    def listjobs(self, project: str) -> dict[str, dict]:
        """``{job id: job}`` of the project's jobs the node knows, each job with its ``state``
        (pending, running, finished) and, once started, ``log_url``."""
        answer = self.call("listjobs.json", [("project", project)])
        jobs = {}
        for state in ("pending", "running", "finished"):
            for job in answer.get(state) or []:
                jobs[str(job.get("id"))] = dict(job, state=state)
        return jobs
