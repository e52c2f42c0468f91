"""Operations: what makes a failed run look like a failure -- exit statuses, argument checks,
health monitors (spidermon), the runs table's readers (``scrapy health``, ``scrapy report``)."""
