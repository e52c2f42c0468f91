"""Off-site filtering that ``dont_filter`` does not bypass.

Scrapy's OffsiteMiddleware lets every ``dont_filter=True`` request through, whatever its
host. The site spiders mark their discovery requests ``dont_filter`` (spiders/base.py), and
a redirect inherits the flag; so an off-site ``<loc>`` in a sitemap index, a junk URL in a
broken sitemap, or a listing page redirecting to another domain would be fetched. Here
only ``meta["allow_offsite"]`` lets a request leave the spider's ``allowed_domains``.
"""
from __future__ import annotations

from scrapy.downloadermiddlewares.offsite import (
    OffsiteMiddleware as ScrapyOffsiteMiddleware,
)


class OffsiteMiddleware(ScrapyOffsiteMiddleware):
    def process_request(self, request, spider=None):
        if request.dont_filter and not request.meta.get("allow_offsite"):
            if self.should_follow(request, self.crawler.spider):
                return None
            request = request.replace(dont_filter=False)  # a copy: the parent then filters it
        return super().process_request(request)
