"""URL canonicalization (w3lib) shared by every site; sites add their own noise rules."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

#: query parameters that never identify an article
TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "fbclid", "gclid", "zarsrc", "gidzl", "ref", "source", "_ga",
)


def canonicalize(url: str, drop_params: tuple[str, ...] = (), keep_only: tuple[str, ...] | None = None) -> str:
    """Lower-cased host, sorted query, no fragment, no tracking parameters, no ``;jsessionid``."""
    if not url.startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    path = parts.path.split(";", 1)[0] or "/"
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    url = urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))
    if keep_only is not None:
        url = url_query_cleaner(url, keep_only)
    else:
        url = url_query_cleaner(url, TRACKING_PARAMS + tuple(drop_params), remove=True)
    return canonicalize_url(url)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
