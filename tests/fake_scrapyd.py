"""A stand-in for a scrapyd node's JSON API on 127.0.0.1 (random port), for the schedule-backfill tests.

It answers daemonstatus.json, listspiders.json, schedule.json and listjobs.json as scrapyd 1.6
does (form-encoded POST, repeated ``setting`` fields, ``"status": "error"`` answers), keeps every
scheduled job with its arguments and settings, and lets a test move a job between pending,
running and finished (``set_state``) -- what a job's process did is the archive's business.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from tests.local_http import LocalServer


class FakeScrapyd:
    def __init__(self, project: str = "vnfa-crawler", spiders=("baoquocte", "cantho"), busy: int = 0):
        self.project, self.spiders = project, list(spiders)
        self.jobs: dict[str, dict] = {}  # job id -> {"spider", "state", "args", "settings"}
        self.busy = busy  # jobs of other projects keeping the node loaded
        self.requests: list[tuple[str, dict]] = []
        self.server = LocalServer(answer=self._http)

    def _http(self, method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        url = urlsplit(path)
        data = self.handle(url.path.lstrip("/"), parse_qs(body.decode() if method == "POST" else url.query))
        if data is None:
            return 404, {"Content-Type": "text/html"}, b"<html>not found</html>"
        return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()

    @property
    def url(self) -> str:
        return self.server.base + "/"

    def handle(self, endpoint: str, form: dict[str, list[str]]):
        self.requests.append((endpoint, form))
        one = {k: v[0] for k, v in form.items()}
        if endpoint == "daemonstatus.json":
            count = {s: sum(j["state"] == s for j in self.jobs.values()) for s in ("pending", "running", "finished")}
            return {"status": "ok", "node_name": "fake", **count, "running": count["running"] + self.busy}
        if endpoint in ("listspiders.json", "schedule.json", "listjobs.json") and one.get("project") != self.project:
            return {"status": "error", "message": f"project '{one.get('project')}' not found"}
        if endpoint == "listspiders.json":
            return {"status": "ok", "spiders": self.spiders}
        if endpoint == "schedule.json":
            if one.get("spider") not in self.spiders:
                return {"status": "error", "message": f"spider '{one.get('spider')}' not found"}
            args = {k: v for k, v in one.items() if k not in ("project", "spider", "jobid", "setting")}
            self.jobs[one["jobid"]] = {"spider": one["spider"], "state": "pending", "args": args,
                                       "settings": form.get("setting", [])}
            return {"status": "ok", "jobid": one["jobid"]}
        if endpoint == "listjobs.json":
            out = {"status": "ok", "pending": [], "running": [], "finished": []}
            for job, info in self.jobs.items():
                entry = {"id": job, "project": self.project, "spider": info["spider"]}
                if info["state"] == "finished":
                    entry["log_url"] = f"/logs/{self.project}/{info['spider']}/{job}.log"
                out[info["state"]].append(entry)
            return out
        return None

    def set_state(self, job: str, state: str) -> None:
        self.jobs[job]["state"] = state

    def forget(self, job: str) -> None:
        """As after a restart of scrapyd: finished jobs are kept in memory only."""
        del self.jobs[job]

    def start(self) -> FakeScrapyd:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
