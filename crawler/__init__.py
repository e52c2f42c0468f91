"""vnfa-crawler: Scrapy crawler for Vietnam's foreign-affairs news portals.

The data's way: spider (discover, fetch) -> site page parser (page -> ArticleItem)
-> pipelines (normalize/validate -> dates -> dedup -> archive).
"""
