"""The date forms the sites use, through the fast path or dateparser with explicit languages."""
from datetime import datetime, timezone

import pytest

from crawler.extraction.dates import fast_parse, find_text_date, parse_date

FETCHED = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)

CASES = [
    ("Thứ Hai, 18/12/2023 - 10:30", "vi", None, "2023-12-18T10:30:00+07:00"),
    ("18/12/2023 10:30 (GMT+7)", "vi", None, "2023-12-18T10:30:00+07:00"),
    ("23/12/2023 09:15 |", "vi", None, "2023-12-23T09:15:00+07:00"),
    ("10:00 | 08/11/2020", "vi", None, "2020-11-08T10:00:00+07:00"),
    ("Ngày 18 tháng 09 năm 2023", "vi", None, "2023-09-18"),
    ("On the morning of January 10, 2023", "en", None, "2023-01-10"),
    ("Le 12 avril 2025", "fr", None, "2025-04-12"),
    ("23 december 2023", "nl", None, "2023-12-23"),
    ("18 Desember 2023", "id", None, "2023-12-18"),
    ("2023-12-18T03:30:00Z", "vi", None, "2023-12-18T10:30:00+07:00"),
    ("2023-12-18T10:30:00+07:00", "vi", None, "2023-12-18T10:30:00+07:00"),
    ("2023-12-18", "vi", None, "2023-12-18"),
    ("05/07/2023", "vi", None, "2023-07-05"),  # day first, never 7 May
    ("18/12/2023 10:30 (GMT+0)", "vi", None, "2023-12-18T17:30:00+07:00"),
    ("Sáng 18/12", "vi", "Hội nghị diễn ra từ ngày 18-23/12/2023", "2023-12-18"),
    ("Pada pagi hari tanggal 18 Desember", "id", "berlangsung pada 18-23 Desember 2023", "2023-12-18"),
    ("Sáng 18/12", "vi", None, "2025-12-18"),  # latest past 18/12 before the fetch date
    ("Sáng 20/11", "vi", None, "2026-11-20"),
    ("Chiều 25/11", "vi", None, "2025-11-25"),  # 25/11/2026 is in the future of the fetch
    ("Sáng 5/9", "vi", "kỷ niệm 61 năm thiết lập quan hệ ngoại giao (5/9/1962 - 5/9/2023)", "2023-09-05"),
    ("From March 4 to 6, 2024", "en", None, "2024-03-04"),  # a day range: its first day
    ("4-6 March 2024", "en", None, "2024-03-04"),
    ("du 11 au 12 avril 2025", "fr", None, "2025-04-11"),
    ("December 04, 2023 | 20:15", "en", None, "2023-12-04T20:15:00+07:00"),  # a time outside the phrase
    ("le 11 avril 2025 à 10h30", "fr", None, "2025-04-11T10:30:00+07:00"),
    ("2025年8月20日", "zh", None, "2025-08-20"),  # CJK day-month, with a year or without
    ("10월 15일 오후", "ko", None, "2026-10-15"),  # latest past 15/10 before the fetch
    ("2月5日午後", "ja", "2026年2月5日、東京で", "2026-02-05"),
]


@pytest.mark.parametrize("text,expected", [
    ("Sáng nay (27/9), tại Hà Nội, đoàn công tác đã làm việc", "Sáng nay (27/9)"),
    ("Sáng 18/12 tại Hà Nội, đã diễn ra hội nghị", "Sáng 18/12"),
    ("On the morning of January 10, 2023, Mr. Pham Minh Chinh attended", "On the morning of January 10, 2023"),
])
def test_find_text_date_keeps_the_lead_in(text, expected):
    assert find_text_date(text, "vi" if "Sáng" in text else "en") == expected


@pytest.mark.parametrize("raw,lang,context,expected", CASES)
def test_parse_date(raw, lang, context, expected):
    assert parse_date(raw, lang, context, FETCHED).value == expected


@pytest.mark.parametrize("raw", ["Thứ Hai, 18/12/2023 - 10:30", "23/12/2023 09:15 |", "Ngày 18 tháng 09 năm 2023",
                                 "2023-12-18T03:30:00Z", "Sáng 18/12"])
def test_numeric_forms_take_the_fast_path(raw):
    assert fast_parse(raw, None, FETCHED) is not None


@pytest.mark.parametrize("raw", ["", "   ", "no date here", "99/99/9999", "32/13/2023 25:61"])
def test_unreadable_dates_are_none(raw):
    assert parse_date(raw, "vi", None, FETCHED) is None


def test_day_without_time_gets_no_invented_time():
    assert "T" not in parse_date("On the morning of January 10, 2023", "en", None, FETCHED).value


def test_never_a_future_date():
    for day in range(1, 29):
        parsed = parse_date(f"Sáng {day}/12", "vi", None, FETCHED)
        assert parsed.day <= FETCHED.date()


@pytest.mark.parametrize("text,lang,expected", [
    ("On the morning of January 10, 2023, Mr. Pham Minh Chinh attended", "en", "On the morning of January 10, 2023"),
    ("Sáng 18/12 tại Hà Nội, trong khuôn khổ", "vi", "Sáng 18/12"),
    ("Op de ochtend van 23 december werd na 5 dagen", "nl", "Op de ochtend van 23 december"),
])
def test_find_text_date(text, lang, expected):
    assert find_text_date(text, lang) == expected
