"""Text dumps that differ from the seeds the way other pages of the same sites do.

Each case edits a seed the way another page of that site plausibly reads (a time on the
source line, a bulleted paragraph, the Vietnamese UI, a date line under the title…) and
checks the parser still reads the fields right: rules, not special cases.
"""
from scrapy.utils.misc import load_object

from crawler import settings
from tests.support import SEEDS, run_item_pipelines

PARSERS = [load_object(p) for p in settings.TEXT_PARSERS]


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def parse(text: str):
    parser = next(p for p in PARSERS if p.recognize(text))
    return run_item_pipelines(parser(text, "file:///variant.txt").to_item())


def test_vietnamvn_source_line_with_time_and_separator():
    item = parse(seed("004").replace("Báo Quốc TếBáo Quốc Tế12/04/2025", "Báo Quốc Tế | 12/04/2025 10:30"))
    assert item["source_name"] == "Báo Quốc Tế"
    assert item["published_at"] == "2025-04-12T10:30:00+07:00"
    assert item["lead"].startswith("Les 11 et 12 avril")


def test_vietnamvn_english_labels_and_byline():
    text = seed("003").replace("\nbron\n", "\nThu Trang\nSource\n").replace("Reactie (0)", "Comment (0)")
    item = parse(text)
    assert item["site"] == "vietnam.vn" and item["language"] == "nl"
    assert item["authors"] == ["Thu Trang"]
    assert item["body"].endswith("in hun werk hadden geleverd.")


def test_vietnamvn_without_platform_header_is_still_recognized():
    text = seed("004").replace("Vietnam.vn - Nền tảng quảng bá Việt Nam\n", "")
    item = parse(text)
    assert item["site"] == "vietnam.vn"
    assert item["title"].startswith("Le ministère des Affaires étrangères")
    assert item["original_url"].endswith("-310837.html")


def test_cantho_bulleted_paragraph_and_other_articles_list():
    text = seed("002").replace(
        "At the Can Tho City point", "- Key point one of the meeting was discussed at length.\n\nAt the Can Tho City point"
    ).replace("Photos", "- Can Tho receives the Consul General of Japan\n- © Copyright by Can Tho Department of "
              "External Relations\n- Address: 128D, 3/2 Str., Xuan Khanh Wd., Ninh Kieu Dist., Can Tho City\nPhotos")
    item = parse(text)
    assert "Key point one of the meeting" in item["body"]
    assert "Consul General of Japan" not in item["body"] and "Copyright" not in item["body"]
    assert item["authors"] == ["Thanh Truc"]


def test_cantho_vietnamese_ui():
    text = seed("002").replace("Can Tho Foreign Affairs News", "Tin đối ngoại Cần Thơ").replace(
        "Useful information", "Thông tin hữu ích").replace("\nConference of the foreign service sector",
                                                           "\n« Quay lại\nConference of the foreign service sector")
    item = parse(text)
    assert item["title"] == "Conference of the foreign service sector"
    assert item["language"] == "en" and item["published_at"] == "2023-01-10"
    assert item["body"].startswith("On the morning of January 10, 2023")


def test_baohatinh_date_line_and_byline():
    text = seed("001").replace("\n\n(Baohatinh.vn)", "\n\nThứ Hai, 18/12/2023 - 10:30\n\n(Baohatinh.vn)").replace(
        "\n\nĐọc thêm", "\n\nThu Hà\n\nĐọc thêm")
    item = parse(text)
    assert item["published_at"] == "2023-12-18T10:30:00+07:00" and item["date_source"] == "page"
    assert item["authors"] == ["Thu Hà"]
    assert item["body"].endswith("Đại hội lần thứ XIII của Đảng”.")


def test_vietnamvn_republications_are_not_claimed_by_the_papers():
    """A platform page keeps its paper's markers -- the "(Baohatinh.vn) - " sapo, the Can Tho
    department's name in the story -- and is still vietnam.vn, with or without the header."""
    fr = seed("004").replace("Ont assisté à la conférence",
                             "La Can Tho Department of External Relations était présente. Ont assisté à la conférence")
    item = parse(fr)
    assert item["site"] == "vietnam.vn" and item["source_name"] == "Báo Quốc Tế"
    story = seed("001").split("\n\nĐọc thêm")[0]
    title, rest = story.split("\n", 1)
    vi = f"{title}\n\nBáo Hà TĩnhBáo Hà Tĩnh18/12/2023\n{rest}\n\nNguồn\n\nBình luận (0)\n"
    item = parse(vi)
    assert item["site"] == "vietnam.vn" and item["source_name"] == "Báo Hà Tĩnh"
    assert item["lead"].startswith("Hà Tĩnh hiện có khoảng 85.000") and "(Baohatinh.vn)" not in item["body"]
