"""Spider arguments (``-a``): read once, and a bad one said in one line (crawler.commands.crawl exits 2)."""
from __future__ import annotations

from datetime import date


class SpiderArgumentError(ValueError):
    """A bad ``-a`` name or value: ``scrapy crawl`` says it in one line and exits 2 (crawler.commands.crawl)."""


def parse_day_argument(value: str | None, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SpiderArgumentError(f"-a {name}={value!r}: expected a date YYYY-MM-DD") from None


def unknown_arguments(given: dict, known) -> list[str]:
    """The ``-a`` names a spider does not take (scrapyd's own ``_job``-style names and ``name`` pass)."""
    return sorted(k for k in set(given) - set(known) - {"name"} if not k.startswith("_"))


def check_argument_names(spider_name: str, given: dict, known) -> None:
    """Refuse, in one line listing the valid names, an ``-a`` name the spider does not take."""
    unknown = unknown_arguments(given, known)
    if unknown:
        raise SpiderArgumentError(f"-a {', '.join(unknown)}: unknown argument(s) of {spider_name}; "
                                  f"valid: {', '.join(known)}")


def int_argument(value, name: str, minimum: int = 0) -> int:
    """An integer ``-a`` value (a number from ``minimum`` on), or a one-line SpiderArgumentError."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SpiderArgumentError(f"-a {name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise SpiderArgumentError(f"-a {name}={value!r}: expected a whole number of at least {minimum}")
    return number
