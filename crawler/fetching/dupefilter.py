"""Request dupefilter that does not persist to JOBDIR.

Scrapy's RFPDupeFilter appends fingerprints to ``JOBDIR/requests.seen`` through a buffered
file; after a SIGKILL some of those lines describe requests whose items never reached the
archive, and a resumed job would skip them for good. Here in-run dedup stays in memory,
and what survives a run is the archive's seen-store, which is written only after the
archive commit (crawler.storage.seen).
"""
from scrapy.dupefilters import RFPDupeFilter


class MemoryDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler):
        return cls(path=None, debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)
