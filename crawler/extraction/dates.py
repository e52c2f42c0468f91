"""Date normalization for Vietnamese news pages.

Two paths, because the numeric forms dominate and dateparser is slow:

* a fast path (regular expressions + integer arithmetic) for ``dd/mm/yyyy[ HH:MM]``,
  ``HH:MM dd/mm/yyyy``, ``Ngày dd tháng mm năm yyyy``, ISO 8601 and ``dd/mm`` without a year;
* dateparser as the fallback, always with explicit languages and ``DATE_ORDER=DMY``
  (auto-detection is ~100x slower and reads ``05/07/2023`` as 7 May).

Output is ISO 8601: ``YYYY-MM-DDTHH:MM:SS+07:00`` when the string gives a time,
``YYYY-MM-DD`` when it gives only a day. Times with another offset (``Z``, ``GMT+0``)
are converted to Asia/Ho_Chi_Minh (UTC+7, no DST). A day-month without a year takes its
year from a full date in the surrounding text, else the most recent past occurrence
relative to the fetch date -- never a future date.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_TIME = r"(?P<hh>[01]?\d|2[0-3])\s*[:hg]\s*(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?"
_OFFSET = r"(?:\(?\s*(?:GMT|UTC)\s*(?P<gmt>[+-]\s*\d{1,2})(?::?(?P<gmtm>\d{2}))?\s*\)?)"
_ISO_RE = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<hh>\d{2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_DMY_RE = re.compile(r"(?<![\d/.])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)")
_VI_LONG_RE = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE
)
_DM_RE = re.compile(r"(?<![\d/.])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![/\d])")
#: Chinese / Japanese / Korean dates: "2025年8月20日", "8月20日上午", "10월 15일 오후" (year optional)
_CJK_RE = re.compile(r"(?:(?P<y>\d{4})\s*[年년]\s*)?(?<!\d)(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]")
_TIME_RE = re.compile(r"(?<![\d/])" + _TIME + r"(?!\d)")
_OFFSET_RE = re.compile(_OFFSET, re.IGNORECASE)


@dataclass(frozen=True)
class ParsedDate:
    value: str  # ISO 8601
    has_time: bool
    day: date


def _fmt(dt: datetime | date, has_time: bool) -> ParsedDate:
    if has_time:
        assert isinstance(dt, datetime)
        local = dt.astimezone(VN_TZ)
        return ParsedDate(local.replace(microsecond=0).isoformat(), True, local.date())
    d = dt.date() if isinstance(dt, datetime) else dt
    return ParsedDate(d.isoformat(), False, d)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _offset(raw: str) -> timezone:
    m = _OFFSET_RE.search(raw)
    if not m:
        return VN_TZ
    hours = int(m.group("gmt").replace(" ", ""))
    minutes = int(m.group("gmtm") or 0) * (1 if hours >= 0 else -1)
    return timezone(timedelta(hours=hours, minutes=minutes))


def _with_time(day: date, raw: str, exclude: tuple[int, int]) -> ParsedDate:
    """Attach the first HH:MM found in ``raw`` outside the date's own span."""
    for m in _TIME_RE.finditer(raw):
        if exclude[0] <= m.start() < exclude[1]:
            continue
        hh, mi, ss = int(m["hh"]), int(m["mi"]), int(m["ss"] or 0)
        if "GMT" not in raw and "UTC" not in raw and "gmt" not in raw:  # the common case: local time
            return ParsedDate(f"{day.isoformat()}T{hh:02d}:{mi:02d}:{ss:02d}+07:00", True, day)
        return _fmt(datetime(day.year, day.month, day.day, hh, mi, ss, tzinfo=_offset(raw)), True)
    return ParsedDate(day.isoformat(), False, day)


def fast_parse(raw: str, context: str | None = None, base: datetime | None = None) -> ParsedDate | None:
    """Numeric and ISO forms only; returns None when the string needs dateparser."""
    m = _ISO_RE.search(raw)
    if m:
        day = _valid(int(m["y"]), int(m["m"]), int(m["d"]))
        if day:
            if m["hh"] is None:
                return _fmt(day, False)
            tz = VN_TZ
            if m["tz"] == "Z":
                tz = timezone.utc
            elif m["tz"]:
                sign = 1 if m["tz"][0] == "+" else -1
                digits = m["tz"][1:].replace(":", "")
                tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
            dt = datetime(day.year, day.month, day.day, int(m["hh"]), int(m["mi"]), int(m["ss"] or 0), tzinfo=tz)
            return _fmt(dt, True)
    for regex in (_DMY_RE, _VI_LONG_RE):
        m = regex.search(raw)
        if m:
            day = _valid(int(m["y"]), int(m["m"]), int(m["d"]))
            if day:
                return _with_time(day, raw, m.span())
    m = _CJK_RE.search(raw)
    if m:
        d, mo = int(m["d"]), int(m["m"])
        year = int(m["y"]) if m["y"] else infer_year(d, mo, context, base)
        day = _valid(year, mo, d) if year else None
        if day:
            return _with_time(day, raw, m.span())
    m = _DM_RE.search(raw)
    if m:
        d, mo = int(m["d"]), int(m["m"])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            year = infer_year(d, mo, context, base)
            day = _valid(year, mo, d) if year else None
            if day:
                return _with_time(day, raw, m.span())
    return None


# --- month names, from dateparser's own locale data --------------------------------------

@functools.cache
def _month_table(language: str) -> tuple[re.Pattern, dict[str, int]] | None:
    """A regex matching a day + month name (+ year) in ``language`` and a name -> month map."""
    try:
        from dateparser.languages.loader import default_loader

        info = default_loader.get_locale(language).info
    except Exception:  # unknown language code
        return None
    names: dict[str, int] = {}
    months = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
    for number, key in enumerate(months, 1):
        for name in info.get(key, []):
            name = name.lower().strip(".")
            if len(name) >= 3 and not name.isdigit():
                names[name] = number
    if not names:
        return None
    alt = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    # a day range ("March 4 to 6, 2024", "4-6 March 2024") dates the phrase by its first day
    upto = r"(?:\s*(?:-|–|to|and|au|à|bis|al|hingga|sampai|tot)\s*\d{1,2}(?:er|e|st|nd|rd|th)?)?"
    pattern = re.compile(
        rf"(?:(?P<d1>\d{{1,2}})(?:er|e|st|nd|rd|th)?{upto}\.?\s+(?:de\s+)?(?P<m1>{alt})\.?(?:\s+(?:de\s+)?(?P<y1>\d{{4}}))?"
        rf"|(?P<m2>{alt})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?{upto}(?:,?\s+(?P<y2>\d{{4}}))?)(?![\w])",
        re.IGNORECASE,
    )
    return pattern, names


def find_date_phrase(text: str, language: str) -> re.Match | None:
    """The first day+month-name phrase of ``language`` in running text (e.g. ``January 10, 2023``)."""
    table = _month_table(language)
    if table is None:
        return None
    return table[0].search(text)


def _full_dates(text: str, languages: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """Every (year, month, day) written in full in ``text``, numeric or with month names."""
    found = [(int(m["y"]), int(m["m"]), int(m["d"])) for m in _DMY_RE.finditer(text)]
    found += [(int(m["y"]), int(m["m"]), int(m["d"])) for m in _VI_LONG_RE.finditer(text)]
    found += [(int(m["y"]), int(m["m"]), int(m["d"])) for m in _CJK_RE.finditer(text) if m["y"]]
    for lang in languages:
        table = _month_table(lang)
        if not table:
            continue
        pattern, names = table
        for m in pattern.finditer(text):
            y = m["y1"] or m["y2"]
            if y:
                found.append((int(y), names[(m["m1"] or m["m2"]).lower().strip(".")], int(m["d1"] or m["d2"])))
    return [f for f in found if _valid(*f)]


def infer_year(day: int, month: int, context: str | None, base: datetime | None,
               languages: tuple[str, ...] = ()) -> int | None:
    """Year for a day-month: from a full date in ``context``, else the latest past one."""
    if context:
        # a full date before 2000 in the text is history ("5/9/1962 - 5/9/2023"), not this year
        full = [f for f in _full_dates(context, languages) if f[0] >= 2000]
        same_month = [y for y, m, _ in full if m == month]
        if same_month:
            return same_month[0]
        if full:
            return full[0][0]
    ref = (base or datetime.now(timezone.utc)).astimezone(VN_TZ).date()
    year = ref.year
    if (_valid(year, month, day) or date(year, month, min(day, 28))) > ref:
        year -= 1
    return year


def text_gives_year(raw: str, context: str | None, language: str | None) -> int | None:
    """The year of the date phrase ``raw`` as the text itself gives it: written in the phrase, or
    taken from a full date of ``context`` (as :func:`infer_year` does) -- None when only the fetch
    time could tell it."""
    languages = tuple(dict.fromkeys(c for c in (language, "vi", "en") if c))
    own = _full_dates(raw, languages)
    if own:
        return own[0][0]
    full = [f for f in _full_dates(context or "", languages) if f[0] >= 2000]
    return full[0][0] if full else None


@functools.lru_cache(maxsize=32)
def _dateparser(languages: tuple[str, ...], require_year: bool):
    from dateparser.date import DateDataParser

    settings = {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if require_year:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    return DateDataParser(languages=list(languages), settings=settings)


def slow_parse(raw: str, languages: tuple[str, ...], context: str | None = None,
               base: datetime | None = None) -> ParsedDate | None:
    """dateparser with explicit languages; a missing year is inferred, never invented."""
    if not languages:
        return None
    candidates = []
    span = None  # the month-name phrase: a time outside it ("December 04, 2023 | 20:15") is the time of day
    for lang in languages:
        m = find_date_phrase(raw, lang)
        if m:
            span = span or m.span()
            # the phrase without a day range: "March 4 to 6, 2024" -> "4 March 2024"
            day, month, year = m["d1"] or m["d2"], m["m1"] or m["m2"], m["y1"] or m["y2"]
            candidates.append(f"{int(day)} {month} {year}" if year else f"{int(day)} {month}")
            candidates.append(m.group(0))
    candidates.append(raw)
    has_time = bool(_TIME_RE.search(raw))
    for text in dict.fromkeys(candidates):
        text = text.strip()
        if not text or len(text) > 200:
            continue
        data = _dateparser(languages, True).get_date_data(text)
        if data and data.date_obj:
            dt = data.date_obj
            if has_time and data.period == "time":
                return _fmt(dt.replace(tzinfo=_offset(raw)), True)
            if has_time and span:
                return _with_time(dt.date(), raw, span)
            return _fmt(dt.date(), False)
        data = _dateparser(languages, False).get_date_data(text)
        if data and data.date_obj and data.period in ("day", "time"):
            dt = data.date_obj
            year = infer_year(dt.day, dt.month, context, base, languages)
            day = _valid(year, dt.month, dt.day) if year else None
            if day:
                if has_time and data.period == "time":
                    return _fmt(datetime(day.year, day.month, day.day, dt.hour, dt.minute, dt.second,
                                         tzinfo=_offset(raw)), True)
                if has_time and span:
                    return _with_time(day, raw, span)
                return _fmt(day, False)
    return None


def parse_date(raw: str | None, language: str | None = None, context: str | None = None,
               base: datetime | None = None) -> ParsedDate | None:
    """Normalize one raw date string. ``context`` is the page text, ``base`` the fetch time."""
    if not raw or not raw.strip():
        return None
    raw = raw.replace("\xa0", " ").strip()
    parsed = fast_parse(raw, context, base)
    if parsed:
        return parsed
    languages = tuple(dict.fromkeys(code for code in (language, "vi", "en") if code))
    return slow_parse(raw, languages, context, base)


#: "Sáng nay (", "Chiều qua (": a dateline whose day follows in parentheses
_PAREN_DATELINE_RE = re.compile(r"(?:sáng|trưa|chiều|tối|đêm|hôm)\s+(?:nay|qua)\s*\(\s*$", re.IGNORECASE)


def find_text_date(text: str, language: str) -> str | None:
    """The first date-like phrase in running text, with its lead-in words (for ``published_at_raw``).

    Looks for numeric forms (``18/12/2023``, ``Sáng 18/12``) and month-name forms of
    ``language`` (``On the morning of January 10, 2023``); the phrase returned starts at
    the beginning of its clause so the raw value stays readable.
    """
    best: tuple[int, int] | None = None
    for regex in (_DMY_RE, _VI_LONG_RE, _DM_RE, _CJK_RE):
        m = regex.search(text)
        if m and (best is None or m.start() < best[0]):
            best = m.span()
    m = find_date_phrase(text, language) if language else None
    if m and (best is None or m.start() < best[0]):
        best = m.span()
    if best is None:
        return None
    lead = _PAREN_DATELINE_RE.search(text, max(0, best[0] - 20), best[0])
    if lead and text[best[1]:best[1] + 1] == ")":  # "Sáng nay (27/9)": the day in parentheses
        return text[lead.start():best[1] + 1].strip()
    start = max(text.rfind(sep, 0, best[0]) for sep in ("\n", ".", ",", ";", ":", "(")) + 1
    if best[0] - start > 60:
        start = best[0]
    return text[start:best[1]].strip()
