"""Acts of cooperation of the foreign-affairs tagger (crawler.extraction.topic): data only.

``ACTS`` of the categories described in topic_terms.py, with the same term syntax.
"""
from __future__ import annotations

#: cooperation, delegations, visits, talks, signing, friendship, greetings, investment, aid, students
ACTS: dict[str, tuple[str, ...]] = {
    "vi": (
        "hợp tác", "đoàn công tác", "đoàn đại biểu", "đoàn", "chúc tết", "chúc mừng", "thăm", "làm việc", "giao lưu",
        "hữu nghị", "kết nghĩa", "ký kết", "ký", "thỏa thuận", "quan hệ", "đầu tư", "nhà đầu tư", "sinh viên",
        "học sinh", "viện trợ", "tài trợ", "hỗ trợ", "trao tặng", "tặng quà", "tiếp", "đón", "gặp mặt", "gặp gỡ",
        "hội nghị", "hội thảo", "diễn đàn", "xúc tiến", "doanh nghiệp", "thương mại", "xuất khẩu", "nhập khẩu",
        "lao động", "công dân", "giải cứu", "tiếp nhận", "bàn giao", "trao trả", "đào tạo", "tết cổ truyền",
    ),
    "en": (
        "cooperat", "collaborat", "delegation", "visit", "talks", "met with", "meeting with", "received", "sign",
        "agreement", "friendship", "friendly", "greeting", "new year wishes", "relations", "relationship",
        "partner", "exchange", "invest", "students", "trainees", "workers", "aid$", "donat", "assistance",
        "support", "counterpart", "ties", "solidarity", "citizens", "rescue", "repatriat", "handed over",
    ),
    "fr": (
        "coopér", "collabor", "délégation", "visite", "entretien", "reçu", "signé", "signature", "accord", "amitié",
        "amical", "vœux", "voeux", "relations", "partenaire", "échange", "investiss", "étudiants", "travailleurs",
        "aide$", "don$", "dons$", "soutien", "solidarité", "citoyens", "homologue",
    ),
    "de": (
        "zusammenarbeit", "kooperation", "delegation", "besuch", "gespräch", "empfing", "empfang", "unterzeichn",
        "abkommen", "vereinbarung", "freundschaft", "neujahrsgrüß", "neujahrswünsch", "glückwünsch", "wünschte",
        "beziehung", "partner", "austausch", "investition", "investor", "studenten", "studierende", "arbeitnehmer",
        "arbeitskräfte", "hilfe", "spende", "unterstützung", "solidarität", "bürger", "übergab", "übergeben",
        "handel", "arbeitssitzung",
    ),
    "es": (
        "cooperación", "colaboración", "delegación", "visita", "conversaciones", "recibió", "firm", "acuerdo",
        "amistad", "felicitac", "relaciones", "socio", "intercambio", "inversi", "estudiantes", "trabajadores",
        "ayuda", "donación", "apoyo", "solidaridad", "ciudadanos", "homólogo",
    ),
    "it": (
        "cooperazione", "collaborazione", "delegazione", "visita", "colloqui", "ricevuto", "firmat", "accordo",
        "amicizia", "auguri", "relazioni", "partner", "scambi", "investiment", "studenti", "lavoratori", "aiuti",
        "donazion", "sostegno", "solidarietà", "cittadini",
    ),
    "pt": (
        "cooperação", "colaboração", "delegação", "visita", "conversações", "recebeu", "assina", "acordo",
        "amizade", "felicitaç", "relações", "parceir", "intercâmbio", "investiment", "estudantes", "trabalhadores",
        "ajuda", "doação", "apoio", "solidariedade", "cidadãos", "homólogo",
    ),
    "nl": (
        "samenwerking", "delegatie", "bezoek", "gesprekken", "ontving", "ondertekend", "overeenkomst", "akkoord",
        "vriendschap", "nieuwjaarswens", "wensten", "betrekkingen", "relatie", "partner", "uitwisseling",
        "investering", "studenten", "werknemers", "hulp", "donatie", "steun", "solidariteit", "burgers",
    ),
    "id": (
        "kerja sama", "kerjasama", "delegasi", "kunjungan", "berkunjung", "pembicaraan", "menerima",
        "menandatangani", "penandatanganan", "perjanjian", "kesepakatan", "persahabatan", "ucapan selamat",
        "hubungan", "mitra", "pertukaran", "investasi", "mahasiswa", "pelajar", "pekerja", "bantuan", "sumbangan",
        "dukungan", "solidaritas", "warga",
    ),
    "sv": (
        "samarbete", "delegation", "besök", "samtal", "tog emot", "undertecknade", "avtal", "överenskommelse",
        "vänskap", "nyårshälsning", "relationer", "förbindelser", "partner", "utbyte", "investering", "studenter",
        "arbetare", "bistånd", "hjälp", "donation", "stöd", "solidaritet", "medborgare",
    ),
    "no": (
        "samarbeid", "delegasjon", "besøk", "samtaler", "tok imot", "signert", "undertegnet", "avtale", "vennskap",
        "nyttårshils", "forbindelser", "forhold", "partner", "utveksling", "investering", "studenter", "arbeidere",
        "bistand", "hjelp", "donasjon", "støtte", "solidaritet", "borgere",
    ),
    "hu": (
        "együttműköd", "küldöttség", "delegáció", "látogat", "tárgyal", "fogadta", "aláír", "megállapodás",
        "barátság", "újévi", "kapcsolat", "partner", "csere", "beruházás", "befektet", "diákok", "hallgatók",
        "munkavállal", "segély", "segítség", "adomány", "támogat", "szolidaritás", "állampolgár",
    ),
    "ro": (
        "cooperare", "colaborare", "delegați", "vizită", "convorbiri", "a primit", "au primit", "semnat", "acord",
        "prietenie", "urări", "relații", "partener", "schimburi", "investiți", "studenți", "lucrători", "ajutor",
        "donați", "sprijin", "solidaritate", "cetățeni",
    ),
    "el": (
        "συνεργασ", "αντιπροσωπεία", "αντιπροσωπείας", "επίσκεψη", "συνομιλ", "υποδέχ", "υπέγραψ", "υπογραφ",
        "συμφωνία", "φιλία", "φιλίας", "ευχές", "σχέσεις", "σχέσεων", "εταίρ", "ανταλλαγ", "επενδ", "φοιτητ",
        "εργαζόμεν", "βοήθεια", "δωρε", "στήριξη", "αλληλεγγύη", "πολίτες",
    ),
    "ru": (
        "сотруднич", "делегац", "визит", "переговор", "принял", "приняла", "подписа", "соглашени", "дружб",
        "поздрав", "отношени", "партнер", "обмен", "инвестиц", "студент", "работник", "помощь", "помощи",
        "пожертвова", "поддержк", "солидарност", "граждан",
    ),
    "uk": (
        "співпрац", "співробітництв", "делегаці", "візит", "переговор", "прийняв", "підписа", "угод", "дружб",
        "привіта", "відносин", "партнер", "обмін", "інвестиц", "студент", "працівник", "допомог", "підтримк",
        "солідарн", "громадян",
    ),
    "ar": (
        "تعاون", "التعاون", "وفد", "الوفد", "زيارة", "زار", "محادثات", "استقبل", "وقع", "توقيع", "اتفاقية", "اتفاق",
        "صداقة", "الصداقة", "تهنئة", "تمنى", "علاقات", "العلاقات", "شريك", "شراكة", "تبادل", "استثمار", "الطلاب",
        "العمال", "مساعدات", "مساعدة", "تبرع", "دعم", "تضامن", "المواطنين",
    ),
    "he": (
        "שיתוף פעולה", "שיתוף הפעולה", "משלחת", "ביקור", "ביקר", "שיחות", "קיבל", "חתמו", "חתימה", "הסכם", "ידידות",
        "הידידות", "ברכות", "איחל", "יחסים", "היחסים", "שותפ", "חילופי", "השקע", "סטודנטים", "עובדים", "סיוע",
        "תרומ", "תמיכה", "סולידריות", "אזרחים",
    ),
    "hi": (
        "सहयोग", "प्रतिनिधिमंडल", "यात्रा", "दौरा", "वार्ता", "स्वागत", "हस्ताक्षर", "समझौत", "मैत्री", "मित्रता",
        "शुभकामना", "संबंध", "साझेदार", "आदान-प्रदान", "निवेश", "छात्र", "श्रमिक", "सहायता", "दान", "समर्थन",
        "एकजुटता", "नागरिक",
    ),
    "ja": (
        "協力", "代表団", "訪問", "会談", "会見", "接見", "迎え", "署名", "調印", "協定", "合意", "友好", "挨拶",
        "祝意", "新年", "関係", "パートナー", "交流", "投資", "学生", "労働者", "実習生", "支援", "援助", "寄付",
        "連帯", "国民", "市民",
    ),
    "ko": (
        "협력", "대표단", "방문", "회담", "접견", "맞이", "서명", "체결", "협정", "합의", "우호", "신년 인사",
        "새해 인사", "관계", "파트너", "교류", "투자", "학생", "근로자", "노동자", "지원", "원조", "기부", "연대",
        "시민", "국민",
    ),
    "zh": (
        "合作", "代表团", "代表團", "访问", "訪問", "会谈", "會談", "会见", "會見", "接见", "签署", "簽署", "签订",
        "協議", "协议", "协定", "友好", "友谊", "友誼", "拜年", "关系", "關係", "伙伴", "交流", "投资", "投資",
        "学生", "學生", "劳工", "援助", "捐赠", "团结", "公民",
    ),
    "th": (
        "ความร่วมมือ", "ร่วมมือ", "คณะผู้แทน", "เยือน", "เยี่ยม", "หารือ", "ต้อนรับ", "ลงนาม", "ข้อตกลง",
        "มิตรภาพ", "อวยพร", "ความสัมพันธ์", "หุ้นส่วน", "แลกเปลี่ยน", "การลงทุน", "นักศึกษา", "แรงงาน",
        "ความช่วยเหลือ", "บริจาค", "สนับสนุน", "ความสามัคคี", "พลเมือง",
    ),
    "lo": (
        "ການຮ່ວມມື", "ຮ່ວມມື", "ຄະນະຜູ້ແທນ", "ຢ້ຽມຢາມ", "ເຈລະຈາ", "ຕ້ອນຮັບ", "ລົງນາມ", "ຂໍ້ຕົກລົງ", "ສັນຍາ",
        "ມິດຕະພາບ", "ສາຍພົວພັນ", "ການພົວພັນ", "ຄູ່ຮ່ວມ", "ແລກປ່ຽນ", "ການລົງທຶນ", "ນັກສຶກສາ", "ແຮງງານ",
        "ການຊ່ວຍເຫຼືອ", "ຊ່ວຍເຫຼືອ", "ຄວາມສາມັກຄີ",
    ),
    "km": (
        "កិច្ចសហប្រតិបត្តិការ", "សហប្រតិបត្តិការ", "គណៈប្រតិភូ", "ទស្សនកិច្ច", "ពិភាក្សា", "ទទួល", "ចុះហត្ថលេខា",
        "កិច្ចព្រមព្រៀង", "មិត្តភាព", "ទំនាក់ទំនង", "ដៃគូ", "ផ្លាស់ប្តូរ", "វិនិយោគ", "និស្សិត", "ពលករ", "ជំនួយ",
        "សាមគ្គីភាព",
    ),
}
