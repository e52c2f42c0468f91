"""Write crawler/extraction/topic_countries.py: country and territory names in every language the
tagger reads, from the Unicode CLDR (through Babel, a dev-time tool only: the crawler imports the
generated data, not Babel).

    pip install babel==2.18.0 && python scripts/gen_topic_countries.py

Vietnam itself is left out (every page names it), and so are the region codes that are not
countries (EU, UN, "world", "unknown region"...), and names that collide with ordinary words of
the same language (``SKIP``); the hand list in topic_terms.py adds demonyms and short forms.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "crawler" / "extraction" / "data" / "countries.json"

#: tagger language -> CLDR locale(s)
LOCALES = {"vi": ["vi"], "en": ["en"], "fr": ["fr"], "de": ["de"], "es": ["es"], "it": ["it"], "pt": ["pt"],
           "nl": ["nl"], "id": ["id"], "sv": ["sv"], "no": ["nb"], "hu": ["hu"], "ar": ["ar"], "ru": ["ru"],
           "zh": ["zh", "zh_Hant"], "ja": ["ja"], "ko": ["ko"], "th": ["th"], "lo": ["lo"], "km": ["km"],
           "he": ["he"], "el": ["el"], "ro": ["ro"], "uk": ["uk"], "hi": ["hi"]}
LEAVE_OUT = {"VN", "EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AQ", "BV", "HM", "UM", "CP", "DG", "IC", "EA", "TA"}
#: names that are also common words (or parts of Vietnamese place names) in that language
SKIP = {
    "en": {"chad", "jersey", "turkey", "guinea", "georgia", "jordan", "china", "niger", "chile", "guernsey"},
    "es": {"chile"},
    "ja": {"タイ"},  # also the first syllable of Thanh/Thai/Tay in Vietnamese names (タインホア, タイニン)
    # Vietnamese: given names, place names and word senses (Đức Thọ, pháp luật, ý kiến, Mỹ Tho...)
    "vi": {"anh", "ý", "nga", "mỹ", "đức", "pháp", "bỉ", "úc", "séc", "chad", "togo", "mali", "peru", "cuba", "áo"},  # áo: shirt
    "ko": {"저지", "가나"},  # "block", the kana-like "가나"
    "th": {"ชาด"},  # vermilion
}


def names() -> dict[str, list[str]]:
    out = {}
    for lang, locales in LOCALES.items():
        found = set()
        for loc in locales:
            for code, name in Locale.parse(loc).territories.items():
                if not re.fullmatch(r"[A-Z]{2}", code) or code in LEAVE_OUT:
                    continue
                name = name.replace("\u200b", "").strip()
                variants = {name, re.sub(r"\s*\(.*?\)", "", name).strip()}
                for v in variants:
                    if v and v.lower() not in SKIP.get(lang, set()):
                        found.add(v)
        out[lang] = sorted(found)
    return out


def main() -> None:
    data = names()
    import babel
    # one language per line; which Babel (CLDR) made them is in the commit that changes the file
    print(f"Babel {babel.__version__}")
    rows = (f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(data.items()))
    text = "{\n" + ",\n".join(rows) + "\n}\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {sum(len(v) for v in data.values())} names in {len(data)} languages")


if __name__ == "__main__":
    main()
