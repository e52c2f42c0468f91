"""The decoy set: translations with no link at all, and other stories of the same kind and week.

Written for this benchmark (not crawled). Each ``T*`` is a translation, in the style of
vietnam.vn's machine translations (names without diacritics, figures kept), of a real fixture
article of the decoy week; none names its original, none credits a paper, and its URL is a
``file://`` dump, so only content can link it. Each ``D*`` is a different story of the same
type, the same days and often the same officials (another ambassador's farewell call on
the same afternoon, the same Japanese ambassador in another province the next day): they
must never join a story. ``TRANSLATIONS`` maps each translation to the fixture it translates.
"""
from __future__ import annotations

from crawler.items import new_item


def _item(key: str, language: str, day: str, title: str, body: str, site: str = "vietnam.vn"):
    return new_item(url=f"file:///decoys/{key}.txt", canonical_url=f"file:///decoys/{key}.txt", site=site,
                    language=language, title=title, body=body, published_at=day)


DECOYS = {
    "T1_en_hungary": _item(
        "T1_en_hungary", "en", "2023-12-20",
        "Foreign Minister Bui Thanh Son receives Hungarian Ambassador on farewell visit",
        "On the afternoon of December 20, at the headquarters of the Ministry of Foreign Affairs, Minister of Foreign "
        "Affairs Bui Thanh Son received Hungarian Ambassador to Vietnam Tamas Varga on the occasion of the end of his "
        "term in Vietnam.\n\nMinister Bui Thanh Son congratulated Ambassador Tamas Varga on successfully completing his "
        "term and highly appreciated the Ambassador's positive contributions to the development of the Vietnam - Hungary "
        "Comprehensive Partnership.\n\nThe Minister proposed that the two sides continue to coordinate in effectively "
        "implementing the Vietnam - EU Free Trade Agreement (EVFTA), and urged Hungary to soon ratify the Vietnam - EU "
        "Investment Protection Agreement (EVIPA); maintain the Hungarian Government scholarship program for Vietnamese "
        "students.\n\nOn this occasion, the two sides agreed to continue supporting each other at multilateral forums, "
        "including the United Nations and the ASEAN - EU cooperation framework."),
    "T1b_fr_hungary": _item(
        "T1b_fr_hungary", "fr", "2023-12-21",
        "Le ministre des Affaires étrangères Bui Thanh Son reçoit l'ambassadeur de Hongrie venu faire ses adieux",
        "Dans l'après-midi du 20 décembre, au siège du ministère des Affaires étrangères, le ministre Bui Thanh Son a "
        "reçu l'ambassadeur de Hongrie au Vietnam, Tamas Varga, venu faire ses adieux à la fin de son mandat.\n\nLe "
        "ministre a proposé que les deux parties mettent en œuvre efficacement l'accord de libre-échange Vietnam-UE "
        "(EVFTA) et que la Hongrie ratifie bientôt l'accord de protection des investissements (EVIPA).\n\nLes deux "
        "parties se sont engagées à se soutenir mutuellement au sein des Nations Unies et du cadre de coopération "
        "ASEAN-UE."),
    "T2_fr_australia": _item(
        "T2_fr_australia", "fr", "2023-12-23",
        "Le vice-ministre Do Hung Viet reçoit l'ambassadeur d'Australie venu faire ses adieux",
        "Le 22 décembre, au siège du ministère des Affaires étrangères, le vice-ministre des Affaires étrangères Do Hung "
        "Viet a reçu l'ambassadeur d'Australie Andrew Goledzinowski, venu faire ses adieux à la fin de son mandat au "
        "Vietnam.\n\nLe vice-ministre Do Hung Viet a félicité l'ambassadeur Andrew Goledzinowski pour l'excellent "
        "accomplissement de son mandat et a hautement apprécié ses contributions à l'élévation des relations "
        "Vietnam-Australie au rang de partenariat stratégique global.\n\nIl a souhaité que les deux parties mettent en "
        "œuvre efficacement le plan d'action pour la période 2024-2027, dans l'économie, l'éducation, la science et "
        "la technologie et la réponse au changement climatique."),
    "T3_de_hatinh_australia": _item(
        "T3_de_hatinh_australia", "de", "2023-12-27",
        "Führung der Provinz Ha Tinh empfängt australischen Botschafter in Vietnam",
        "Am Nachmittag des 27. Dezember empfing die Führung des Volkskomitees der Provinz Ha Tinh den australischen "
        "Botschafter in Vietnam anlässlich seines Arbeitsbesuchs in der Region.\n\nDer stellvertretende Vorsitzende des "
        "Volkskomitees informierte die Delegation über die sozioökonomische Lage der Provinz im Jahr 2023; das "
        "GRDP-Wachstum wird auf über 6 % geschätzt.\n\nViele Beamte und Studenten aus Ha Tinh haben Stipendien der "
        "australischen Regierung erhalten. Der Botschafter versprach, die Zusammenarbeit im Rahmen der umfassenden "
        "strategischen Partnerschaft Vietnam-Australien zu fördern."),
    "T4_id_japan_vung_ang": _item(
        "T4_id_japan_vung_ang", "id", "2023-12-18",
        "Duta Besar Jepang menjajaki peluang investasi di Kawasan Ekonomi Vung Ang",
        "Duta Besar Jepang untuk Vietnam Yamada Takio dan delegasinya mengunjungi Kawasan Ekonomi Vung Ang untuk "
        "mempelajari lingkungan dan peluang investasi.\n\nPada pagi hari tanggal 18 Desember, Wakil Ketua Komite "
        "Rakyat Provinsi Nguyen Hong Linh menerima dan bekerja dengan Duta Besar Luar Biasa dan Berkuasa Penuh Jepang "
        "untuk Vietnam Yamada Takio.\n\nSaat ini, Ha Tinh memiliki 6 proyek FDI dari investor Jepang dengan total modal "
        "terdaftar hampir 1,2 miliar USD, termasuk Pembangkit Listrik Tenaga Termal Vung Ang 2."),
    # --- other stories, same kind, same days -------------------------------------------------
    "D1_en_finland": _item(
        "D1_en_finland", "en", "2023-12-20",
        "Foreign Minister Bui Thanh Son receives outgoing Finnish Ambassador",
        "On the afternoon of December 20, in Hanoi, Minister of Foreign Affairs Bui Thanh Son received Finnish "
        "Ambassador Keijo Norvanto, who came to bid farewell at the end of his term.\n\nMinister Bui Thanh Son "
        "appreciated the Ambassador's contributions to cooperation in education, innovation and climate change "
        "response, and proposed that Finland continue to support Vietnam in the green transition.\n\nAmbassador "
        "Keijo Norvanto affirmed that he would remain a bridge between the two countries."),
    "D2_fr_new_zealand": _item(
        "D2_fr_new_zealand", "fr", "2023-12-22",
        "Le vice-ministre Do Hung Viet reçoit l'ambassadrice de Nouvelle-Zélande",
        "Le 22 décembre, à Hanoi, le vice-ministre des Affaires étrangères Do Hung Viet a reçu l'ambassadrice de "
        "Nouvelle-Zélande Caroline Beresford, venue faire ses adieux à la fin de son mandat.\n\nLe vice-ministre a "
        "salué ses contributions au partenariat stratégique entre les deux pays et a proposé de porter le commerce "
        "bilatéral à 3 milliards de dollars.\n\nL'ambassadrice a affirmé que la Nouvelle-Zélande attachait une grande "
        "importance à ses relations avec le Vietnam et l'ASEAN."),
    "D3_de_hatinh_korea": _item(
        "D3_de_hatinh_korea", "de", "2023-12-26",
        "Provinz Ha Tinh empfängt koreanischen Generalkonsul",
        "Am 26. Dezember empfing der stellvertretende Vorsitzende des Volkskomitees der Provinz Ha Tinh, Nguyen Hong "
        "Linh, den koreanischen Generalkonsul und eine Delegation koreanischer Unternehmen.\n\nDie Provinz stellte "
        "Investitionsmöglichkeiten in der Wirtschaftszone Vung Ang vor, in der derzeit 12 koreanische Projekte "
        "registriert sind.\n\nDer Generalkonsul versprach, den Austausch zwischen koreanischen Unternehmen und Ha Tinh "
        "zu fördern."),
    "D4_en_japan_nghe_an": _item(
        "D4_en_japan_nghe_an", "en", "2023-12-19",
        "Japanese Ambassador Yamada Takio works with Nghe An province",
        "On December 19, Japanese Ambassador to Vietnam Yamada Takio and his delegation worked with the leaders of "
        "Nghe An province on investment cooperation.\n\nVice Chairman of the Provincial People's Committee Bui Thanh "
        "Tung introduced the province's industrial parks, which host 15 Japanese projects with total registered "
        "capital of 450 million USD.\n\nAmbassador Yamada Takio said the embassy would introduce Nghe An to Japanese "
        "businesses."),
    # another paper's story of the same conference, the same morning, with the same minister
    "D5_vi_baoquocte_same_conference": _item(
        "D5_vi_baoquocte_same_conference", "vi", "2023-12-18",
        "Phó Thủ tướng Trần Lưu Quang: Đối ngoại địa phương cần chủ động, sáng tạo hơn nữa",
        "Phát biểu chỉ đạo tại Hội nghị Ngoại vụ toàn quốc lần thứ 21 sáng 18/12, Phó Thủ tướng Trần Lưu Quang "
        "đề nghị các địa phương chủ động hơn trong thu hút đầu tư và mở rộng quan hệ với các đối tác nước ngoài.\n\n"
        "Cùng dự có Bộ trưởng Ngoại giao Bùi Thanh Sơn và đại diện 63 tỉnh, thành phố. Phó Thủ tướng ghi nhận "
        "Quảng Ninh, Đà Nẵng và Cần Thơ đã ký hơn 1.200 thỏa thuận hợp tác quốc tế trong nhiệm kỳ.\n\n"
        "Hội nghị diễn ra trong khuôn khổ Hội nghị Ngoại giao lần thứ 32.", site="baoquocte.vn"),
    # Ha Tinh's foreign-affairs director again, the same day, a different story that repeats
    # the province's 85,000 people abroad
    "D6_en_hatinh_overseas": _item(
        "D6_en_hatinh_overseas", "en", "2023-12-18",
        "Ha Tinh connects with its overseas Vietnamese community in Thailand",
        "On December 18, Director of the Ha Tinh Department of Foreign Affairs Thai Phuc Son had an online meeting "
        "with representatives of the Ha Tinh community in Udon Thani, Thailand.\n\nHa Tinh currently has about "
        "85,000 people living, studying and working abroad. Director Thai Phuc Son thanked the community for its "
        "support for the homeland and informed them of the province's new investment projects."),
}

#: decoy translation -> the fixture article (bench.stories_corpus name) it translates
TRANSLATIONS = {
    "T1_en_hungary": "baoquocte/bt-tiep-dai-su-hungary",
    "T1b_fr_hungary": "baoquocte/bt-tiep-dai-su-hungary",
    "T2_fr_australia": "baoquocte/full_tiep-dai-su-australia-255501",
    "T3_de_hatinh_australia": "baohatinh/changed-layout_dai-su-australia-post255478",
    "T4_id_japan_vung_ang": "baohatinh/jsonld-two-authors_post255230",
}


def decoy_items() -> dict:
    return {f"decoys/{key}": item for key, item in DECOYS.items()}


def decoy_groups() -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for key, original in TRANSLATIONS.items():
        groups.setdefault(original, [original]).append(f"decoys/{key}")
    return list(groups.values())
