"""Language identification: py3langid vs lingua-language-detector on the project's own texts.

Samples: the real corpus (tests/fixtures/real, 62), the text fixtures (tests/fixtures/text) and
the seeds, each with the language its expected JSON gives; every sample is also cut to a short
text (the first 80 characters of its longest line) -- captions and titles are that short. A
handful of probe sentences covers what the fixtures lack (sv/da/no side by side, he, ko, zh).

Each library runs unrestricted and restricted to the languages the sites publish (as the
crawler would use it); ``crawler.extraction.text.detect_language`` (the project's detector, on
the same samples, without the URL hint: py3langid behind a script guard, since this benchmark
chose it) is measured the same way. Prints accuracy per sample set and
µs per call. Usage: ``python bench/bench_langid.py`` (needs ``py3langid`` and
``lingua-language-detector``).
"""
from __future__ import annotations

import json
import time

from common import ROOT, machine

FIXTURES = ROOT / "tests" / "fixtures"
#: the sites' languages (vietnam.vn's URL segments) plus Danish and Hebrew, which must not be confused
WANTED = ("vi", "en", "fr", "de", "es", "it", "pt", "nl", "id", "sv", "no", "da", "hu", "ar", "ru", "uk", "zh",
          "ja", "ko", "th", "lo", "km", "hi", "he")

#: probe sentences the fixtures lack (written for this benchmark, news style)
PROBES = [
    ("sv", "Delegationen från provinsen Ha Tinh besökte Laos i veckan och undertecknade ett nytt samarbetsavtal."),
    ("sv", "Utrikesministern tog emot ambassadören och diskuterade handel, utbildning och turism mellan länderna."),
    ("no", "Delegasjonen fra Ha Tinh-provinsen besøkte Laos denne uken og signerte en ny samarbeidsavtale."),
    ("no", "Utenriksministeren tok imot ambassadøren og diskuterte handel, utdanning og turisme mellom landene."),
    ("da", "Delegationen fra Ha Tinh-provinsen besøgte Laos i denne uge og underskrev en ny samarbejdsaftale."),
    ("da", "Udenrigsministeren modtog ambassadøren og drøftede handel, uddannelse og turisme mellem landene."),
    ("he", "המשלחת ממחוז הא טין ביקרה בלאוס השבוע וחתמה על הסכם שיתוף פעולה חדש בין שני הצדדים."),
    ("ko", "하띤성 대표단은 이번 주 라오스를 방문하여 새로운 협력 협정에 서명했다."),
    ("zh", "河静省代表团本周访问老挝，并签署了一项新的合作协议，双方同意加强贸易往来。"),
    ("hu", "A Ha Tinh tartomány küldöttsége ezen a héten Laoszba látogatott, és új együttműködési megállapodást írt alá."),
    ("es", "La delegación de la provincia de Ha Tinh visitó Laos esta semana y firmó un nuevo acuerdo de cooperación."),
    ("it", "La delegazione della provincia di Ha Tinh ha visitato il Laos questa settimana e ha firmato un nuovo accordo."),
]


def samples() -> list[tuple[str, str, str]]:
    """(set, language, text) of every fixture, full and short."""
    out = []
    sets = [("real", sorted((FIXTURES / "real").glob("*/*.expected.json"))),
            ("text", sorted((FIXTURES / "text").glob("*/*.expected.json"))),
            ("seeds", sorted((ROOT / "seeds").glob("*.expected.json")))]
    for name, specs in sets:
        for spec in specs:
            data = json.loads(spec.read_text(encoding="utf-8"))
            lang = (data.get("expected") or data).get("language")
            txt = spec.with_name(spec.name.replace(".expected.json", ".txt"))
            if not lang or not txt.exists():
                continue
            text = txt.read_text(encoding="utf-8")
            out.append((name, lang, text[:5000]))
            longest = max(text.split("\n"), key=len).strip()
            out.append((f"{name}-short", lang, longest[:80]))
    out += [("probes", lang, text) for lang, text in PROBES]
    return out


def py3langid_detectors():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    free = LanguageIdentifier.from_model_file(MODEL_FILE)
    restricted = LanguageIdentifier.from_model_file(MODEL_FILE)
    restricted.set_languages([c for c in WANTED if c in restricted.nb_classes])
    return {"py3langid": lambda t: free.classify(t)[0],
            "py3langid (sites' languages)": lambda t: restricted.classify(t)[0]}


def lingua_detectors():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    def code(lang):
        if lang is None:
            return None
        c = lang.iso_code_639_1.name.lower()
        return "no" if c in ("nb", "nn") else c

    wanted = []
    for c in WANTED:
        for iso in (["NB", "NN"] if c == "no" else [c.upper()]):
            try:
                wanted.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, iso)))
            except AttributeError:
                pass  # lingua has no Lao and no Khmer
    t0 = time.perf_counter()
    free = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    restricted = LanguageDetectorBuilder.from_languages(*wanted).with_preloaded_language_models().build()
    print(f"lingua: models loaded in {time.perf_counter() - t0:.1f} s")
    return {"lingua": lambda t: code(free.detect_language_of(t)),
            "lingua (sites' languages)": lambda t: code(restricted.detect_language_of(t))}


def project_detector():
    from crawler.extraction.text import detect_language

    return {"crawler detect_language": detect_language,
            "crawler (sites' languages)": lambda t: detect_language(t, WANTED)}


def main() -> None:
    data = samples()
    sets = list(dict.fromkeys(s for s, _, _ in data))
    print(f"{machine()}; {len(data)} samples: " + ", ".join(f"{s} {sum(1 for x in data if x[0] == s)}" for s in sets))
    detectors = {}
    for make in (project_detector, py3langid_detectors, lingua_detectors):
        t0 = time.perf_counter()
        detectors.update(make())
        print(f"{make.__name__}: {time.perf_counter() - t0:.2f} s to load")
    header = f"{'detector':<30}" + "".join(f"{s:>12}" for s in sets) + f"{'all':>8}{'µs/call':>10}"
    print(header)
    for name, detect in detectors.items():
        detect("warm up the model")
        right = {s: [0, 0] for s in sets}
        wrong = []
        t0 = time.perf_counter()
        for s, lang, text in data:
            got = detect(text)
            right[s][0] += got == lang
            right[s][1] += 1
            if got != lang:
                wrong.append(f"{s}:{lang}->{got}")
        elapsed = time.perf_counter() - t0
        total = sum(r[0] for r in right.values())
        print(f"{name:<30}" + "".join(f"{r[0]:>7}/{r[1]:<4}" for r in right.values())
              + f"{total / len(data):>8.3f}{elapsed / len(data) * 1e6:>10.0f}")
        print(f"{'':<4}wrong: {' '.join(wrong) if wrong else '-'}")


if __name__ == "__main__":
    main()
