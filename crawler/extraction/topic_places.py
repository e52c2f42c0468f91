"""Foreign places of the foreign-affairs tagger (crawler.extraction.topic): data only.

``PLACES`` and ``FOREIGN`` of the categories described in topic_terms.py, with the same term syntax.
"""
from __future__ import annotations

#: foreign sub-national places: provinces, capitals and towns of Laos, Cambodia and Thailand, and the
#: Chinese border localities facing Vietnam's border gates. Vietnamese spellings under "vi".
PLACES: dict[str, tuple[str, ...]] = {
    "*": (
        # Laos (provinces: Vietnamese-style, English, French and local romanizations)
        "attapeu", "attapu", "attopeu", "bokeo", "bolikhamxay", "bolikhamxai", "bolikhamsai", "bolikhamsay",
        "borikhamxay", "borikhamxai", "borikhamsai", "bolykhamxay", "bolykhamxai", "bolikhamxay", "champasak",
        "champassak", "champasack", "champassack", "chămpasắc", "houaphanh", "houaphan", "huaphan", "huaphanh",
        "hua phan", "houa phan", "khammouane", "khammouan", "khamouane", "khammuane", "khammuan", "kham mouane",
        "luang namtha", "luang nam tha", "louang namtha", "luangnamtha", "luang prabang", "luang phabang",
        "louangphabang", "luangprabang", "oudomxay", "oudomxai", "oudomsay", "oudom xay", "udomxay", "udomxai",
        "udomsai", "phongsaly", "phongsali", "phongsaly", "salavan", "saravane", "saravan", "salavane",
        "savannakhet", "savanakhet", "savannakhét", "savannaketh", "sekong", "xekong", "xékong", "vientiane",
        "vientian", "viangchan", "xayaboury", "xayabouri", "xayabury", "xaignabouli", "xaignabouri",
        "sainyabuli", "sayaboury", "sayabouri", "xainyabuli", "xaisomboun", "xaysomboun", "xaysomboune",
        "saysomboun", "saisomboun", "xieng khouang", "xiengkhouang", "xieng khuang", "xiangkhouang",
        "xiangkhuang", "pakse$", "pakxe$", "thakhek", "tha khaek", "thakhaek", "paksan", "pakxan", "phonsavan",
        "phonsavanh", "sam neua", "xam neua", "xamneua", "vang vieng", "muang xay", "lak sao", "laksao",
        "nam phao", "namphao", "nakai$", "khamkeut", "viengthong", "na phao", "dansavanh", "densavan",
        # Cambodia
        "phnom penh", "siem reap", "battambang", "kampong cham", "kompong cham", "kampong thom", "kampong speu",
        "kampong chhnang", "kampot", "kandal", "koh kong", "kratie", "kratié", "mondulkiri", "mondul kiri",
        "mondolkiri", "mondol kiri", "ratanakiri", "rattanakiri", "ratanak kiri", "ratanakkiri", "stung treng",
        "stoeng treng", "svay rieng", "takeo$", "prey veng", "preah vihear", "pursat", "pailin", "sihanoukville",
        "preah sihanouk", "tbong khmum", "oddar meanchey", "banteay meanchey",
        # Thailand
        "bangkok", "nong khai", "nakhon phanom", "mukdahan", "udon thani", "udonthani", "khon kaen", "khonkaen",
        "ubon ratchathani", "sakon nakhon", "chiang mai", "chiang rai", "bueng kan", "buengkan", "nakhon ratchasima",
        "phuket", "pattaya", "ayutthaya",
        # China, facing the northern border gates
        "yunnan", "guangxi", "hekou", "pingxiang", "dongxing", "kunming", "nanning", "wenshan", "honghe",
        "chongzuo", "fangchenggang", "baise$",
    ),
    "vi": (
        "khăm muộn", "bôlykhămxay", "bô-ly-khăm-xay", "bô ly khăm xay", "bôlikhămxay", "bôli khămxay",
        "xiêng khoảng", "xiêng-khoảng", "hủa phăn", "hủa-phăn", "hủaphăn", "viêng chăn", "viêng-chăn",
        "luông pha băng", "luông-pha-băng", "luông phra băng", "chăm pa xắc", "chăm-pa-xắc", "chămpaxắc",
        "chăm pa sắc", "át tạ pư", "át-tạ-pư", "attapư", "a tô pư", "xê kông", "sê kông", "sa la văn", "sả-la-văn",
        "xa-la-van", "salavăn", "u đôm xay", "u-đôm-xay", "phông xa lỳ", "phông-sa-lỳ", "luông nậm thà",
        "luông-nậm-thà", "bò kẹo", "bò-kẹo", "xay nha bu ly", "xay-nha-bu-ly", "xaynhabuly", "xay sổm bun",
        "xay-sổm-bun", "xaysổmbun", "xa-vẳn-na-khệt", "xavănnakhệt", "savẳnnakhệt", "xa van na khet",
        "thà khẹt", "pắc xế", "pắc-xế", "pắc xan", "phôn xa vẳn", "sầm nưa", "lắc xao", "nậm phạo", "na phàu",
        "khăm cợt", "viêng thong", "cánh đồng chum",
        "phnôm pênh", "nông pênh", "xiêm riệp", "bát-đom-boong", "công-pông chàm", "kông pông chàm", "cam-pốt",
        "môn-đun-ki-ri", "mun-đun-ki-ri", "ra-ta-na-ki-ri", "rát-ta-na-ki-ri", "xtung treng", "xvây riêng",
        "prây veng", "ta-keo", "kra-chê", "kra chê", "công-pông thom", "xi-ha-núc-vin",
        "băng cốc", "nọng khai", "nong khai", "na-khon pha-nom", "nakhôn phanôm", "mục-đa-hản", "múc-đa-hán",
        "u-đon tha-ni", "u đon tha ni", "khon kèn", "khôn kèn", "u-bon ra-cha-tha-ni", "xa-côn na-khon",
        "sa-kon na-khon", "chiềng mai", "chiang mai",
        "vân nam", "quảng tây", "hà khẩu", "bằng tường", "đông hưng", "côn minh", "nam ninh", "văn sơn",
        "hồng hà (trung quốc)", "phòng thành", "sùng tả", "bách sắc",
    ),
    "ja": (
        "カムムアン", "カムアン", "ボリカムサイ", "ボリカムサイ", "サワンナケート", "サバナケット", "サヴァンナケート",
        "シエンクアン", "シェンクワン", "シエンクワン", "フアパン", "ホアパン", "ビエンチャン", "ヴィエンチャン",
        "ルアンパバーン", "ルアンプラバン", "チャンパサック", "チャムパーサック", "アタプー", "アッタプー", "セコン",
        "サラワン", "サラヴァン", "ウドムサイ", "ポンサリー", "ルアンナムター", "ボケオ", "サイニャブリー",
        "サイニャブリ", "サイソンブン", "パクセ", "ターケーク", "ナカイ", "プノンペン", "シェムリアップ",
        "バッタンバン", "コンポンチャム", "カンポット", "モンドルキリ", "ラタナキリ", "ストゥントレン",
        "スバイリエン", "タケオ", "コンケン", "ウボンラーチャターニー", "ウドーンターニー", "ナコーンパノム",
        "ムクダハン", "ノーンカーイ", "ノンカイ", "バンコク", "サコンナコン", "雲南", "広西", "河口", "憑祥", "東興",
        "昆明", "南寧",
    ),
    "ko": (
        "캄무안", "캄무완", "볼리캄사이", "볼리캄싸이", "사반나켓", "싸반나켓", "사완나켓", "씨엥쾅", "시엥쿠앙",
        "시앙쿠앙", "후아판", "비엔티안", "위앙짠", "루앙프라방", "참파삭", "짬빠싹", "아타프", "아타푸", "앗따프",
        "세콩", "살라반", "살라완", "우돔사이", "우돔싸이", "퐁살리", "루앙남타", "보케오", "보깨오", "사야부리",
        "싸이냐부리", "사이솜분", "싸이솜분", "팍세", "빡세", "타켁", "프놈펜", "씨엠립", "시엠립", "바탐방",
        "캄퐁참", "캄폿", "몬돌끼리", "몬둘키리", "라타나키리", "스텅트렝", "스바이리엥", "따께오", "콘캔",
        "우본랏차타니", "우돈타니", "나콘파놈", "묵다한", "농카이", "방콕", "사콘나콘", "윈난", "운남", "광시",
        "허커우", "핑샹", "둥싱", "쿤밍", "난닝",
    ),
    "zh": (
        "甘蒙", "波里坎赛", "波里坎賽", "沙湾拿吉", "沙灣拿吉", "川圹", "川壙", "华潘", "華潘", "万象", "萬象",
        "琅勃拉邦", "龙坡邦", "占巴塞", "阿速坡", "色贡", "沙拉湾", "乌多姆赛", "丰沙里", "琅南塔", "博胶", "波乔",
        "沙耶武里", "赛宋本", "巴色", "他曲", "金边", "金邊", "暹粒", "马德望", "磅湛", "贡布", "蒙多基里",
        "腊塔纳基里", "上丁", "柴桢", "茶胶", "孔敬", "乌汶", "乌隆", "那空拍侬", "莫达汉", "廊开", "曼谷",
        "云南", "雲南", "广西", "廣西", "河口", "凭祥", "憑祥", "东兴", "東興", "昆明", "南宁", "南寧",
    ),
    "th": (
        "คำม่วน", "บอลิคำไซ", "บอลิคำไซ", "สะหวันนะเขต", "สุวรรณเขต", "เชียงขวาง", "หัวพัน", "เวียงจันทน์",
        "เวียงจันท์", "หลวงพระบาง", "จำปาศักดิ์", "อัตตะปือ", "เซกอง", "สาละวัน", "อุดมไซ", "พงสาลี",
        "หลวงน้ำทา", "บ่อแก้ว", "ไชยะบุรี", "ไซยะบุรี", "ไซสมบูน", "ปากเซ", "ท่าแขก", "พนมเปญ", "เสียมราฐ",
        "พระตะบอง", "กำปงจาม", "กำปอต", "มณฑลคีรี", "รัตนคีรี", "สตึงแตรง", "สวายเรียง", "ตาแก้ว", "ขอนแก่น",
        "อุบลราชธานี", "อุดรธานี", "นครพนม", "มุกดาหาร", "หนองคาย", "บึงกาฬ", "สกลนคร", "กรุงเทพ", "ยูนนาน",
        "กวางสี",
    ),
    "lo": (
        "ຄຳມ່ວນ", "ບໍລິຄຳໄຊ", "ສະຫວັນນະເຂດ", "ຊຽງຂວາງ", "ຫົວພັນ", "ວຽງຈັນ", "ຫຼວງພະບາງ", "ຈຳປາສັກ", "ອັດຕະປື",
        "ເຊກອງ", "ສາລະວັນ", "ອຸດົມໄຊ", "ຜົ້ງສາລີ", "ຫຼວງນ້ຳທາ", "ບໍ່ແກ້ວ", "ໄຊຍະບູລີ", "ໄຊສົມບູນ", "ປາກເຊ",
        "ທ່າແຂກ", "ພະນົມເປັນ",
    ),
    "km": (
        "ខាំមួន", "បូលីខាំសៃ", "សាវ៉ាន់ណាខេត", "ស៊ាងខួង", "វៀងចន្ទ", "ហ្លួងប្រាបាង", "ចំប៉ាសាក់", "អាត្តាពឺ",
        "ភ្នំពេញ", "សៀមរាប", "បាត់ដំបង", "កំពង់ចាម", "កំពត", "មណ្ឌលគិរី", "រតនគិរី", "ស្ទឹងត្រែង", "ស្វាយរៀង",
        "តាកែវ", "ក្រចេះ", "ត្បូងឃ្មុំ", "ព្រៃវែង", "បាងកក",
    ),
    "ar": (
        "خاموان", "خام موان", "بوليخامساي", "بوليكامساي", "بوليخامكساي", "بوليكامكساي", "سافاناكيت", "سافاناخيت",
        "سافاناكت", "شيانغ خوانغ", "شيانغخوانغ", "زيانغ خوانغ", "هوا فان", "هوافان", "هوابان", "فيينتيان",
        "فينتيان", "لوانغ برابانغ", "لوانغ برابانج", "شامباساك", "تشامباساك", "أتابو", "اتابو", "أتابيو",
        "سيكونغ", "سالافان", "سالاوان", "أودومكساي", "أودومساي", "فونغسالي", "فونجسالي", "لوانغ نامثا",
        "لوانغ نامتا", "بو كيو", "بوكيو", "سايابوري", "ساينيابولي", "ساي سومبون", "سايسومبون", "باكسي", "باكسه",
        "بنوم بنه", "بنوم بن", "سيام ريب", "باتامبانغ", "كامبونغ تشام", "كامبوت", "موندولكيري", "راتاناكيري",
        "ستونغ ترينغ", "سفاي رينغ", "تاكيو", "خون كاين", "أوبون راتشاثاني", "أودون ثاني", "ناخون فانوم",
        "موكداهان", "نونغ خاي", "بانكوك", "يونان", "قوانغشي", "غوانغشي",
    ),
    "he": (
        "חאמואן", "קאמואן", "בוליקהמסאי", "בוליחמסאי", "בוליקמסאי", "סוואנאקט", "סוואנהקט", "סאוואנאקט",
        "שיאנג קואנג", "שיאנג חואנג", "הואפן", "הואה פאן", "הואפאן", "ויינטיאן", "וינטיאן", "לואנג פראבאנג",
        "לואנג פרבנג", "צ'מפסאק", "צ'אמפסאק", "אטאפו", "אטפו", "סקונג", "סלאוון", "סלאבן", "אודומשאי",
        "אודומסאי", "פונגסלי", "פונגסאלי", "לואנג נאמתה", "בוקאו", "בוקיאו", "סאיאבורי", "סייסומבון", "פאקסה",
        "פנום פן", "סיאם ריפ", "בטמבנג", "קמפונג צ'אם", "קמפוט", "מונדולקירי", "רטנאקירי", "קון קאן",
        "אובון רצ'טאני", "אודון תאני", "נקון פנום", "בנגקוק",
    ),
    "ru": (
        "кхаммуан", "боликхамсай", "боликхамксай", "саваннакхет", "сиангкхуанг", "сиенгкхуанг", "хуапхан",
        "хуа фан", "вьентьян", "луангпхабанг", "луанг прабанг", "тямпасак", "чампасак", "аттапы", "аттапеу",
        "секонг", "салаван", "удомсай", "удомксай", "пхонгсали", "луангнамтха", "бокэо", "бо кео", "сайнябули",
        "сайсомбун", "паксе", "пномпень", "сиемреап", "баттамбанг", "кампонгтям", "кампот", "мондолкири",
        "ратанакири", "кхонкэн", "убонратчатхани", "удонтхани", "накхонпханом", "бангкок", "юньнань", "гуанси",
    ),
    "uk": (
        "кхаммуан", "болікхамсай", "саваннакхет", "сіангкхуанг", "хуапхан", "в'єнтьян", "луангпхабанг",
        "тямпасак", "аттапи", "секонг", "салаван", "удомсай", "пхонгсалі", "пномпень", "бангкок",
    ),
    "el": (
        "καμμουάν", "κχαμμουάν", "μπολικχαμσάι", "μπολικαμσάι", "σαβαναχέτ", "σαβανακχέτ", "σιενγκ κουάνγκ",
        "χουαπχάν", "βιεντιάν", "λουάνγκ πραμπάνγκ", "τσαμπασάκ", "πνομ πενχ", "πνομ πεν", "μπανγκόκ",
    ),
    "hi": (
        "खम्मौने", "बोलिखमसाई", "बोलिखामक्साय", "सवानाखेत", "सवन्नाखेत", "जियांग खौआंग", "हुआफान", "वियनतियाने",
        "विएंतियान", "लुआंग प्रबांग", "चंपासक", "नोम पेन्ह", "बैंकॉक",
    ),
}


#: foreign countries, peoples and partner cities not in the CLDR names (topic_countries.py):
#: demonyms and adjectives, short and Vietnamese forms. Alone: unsure.
FOREIGN: dict[str, tuple[str, ...]] = {
    "vi": (
        "lào", "nước lào", "nước bạn lào", "campuchia", "cam-pu-chia", "thái lan", "trung quốc", "hàn quốc",
        "nhật bản", "hoa kỳ", "nước mỹ", "người mỹ", "phía mỹ", "liên bang nga", "nước nga", "phía nga",
        "cộng hòa pháp", "nước pháp", "phía pháp", "người pháp", "cộng hòa liên bang đức", "nước đức", "phía đức",
        "vương quốc anh", "nước anh", "italia", "nước ý", "ô-xtrây-li-a", "nước úc", "ấn độ", "xinh-ga-po",
        "cu-ba", "cuba", "mi-an-ma", "ma-lai-xi-a", "in-đô-nê-xi-a", "phi-líp-pin", "đài loan", "hồng kông",
        "triều tiên", "niu di-lân", "ca-na-đa", "bru-nây", "mông cổ", "xứ sở phù tang", "xứ sở kim chi",
        "xứ chùa tháp", "xứ sở chùa tháp", "xứ sở chùa vàng", "xứ sở triệu voi", "xứ triệu voi", "xứ vạn voi",
        "nước ngoài", "quốc tế", "đa quốc gia", "người nước ngoài", "khách nước ngoài", "đối tác nước ngoài", "thế giới",
        "tô-ky-ô", "tokyo", "osaka", "ô-xa-ca", "seoul", "xơ-un", "busan", "gyeonggi", "kyonggi", "bắc kinh",
        "thượng hải", "quảng đông", "paris", "berlin", "moscow", "mát-xcơ-va", "washington", "kumamoto",
        "fukuoka", "sapporo", "hokkaido", "chungcheong", "gangwon",
    ),
    "en": (
        "lao$", "laos", "laotian", "cambodia", "cambodian", "khmer", "thai$", "thailand", "chinese", "china$",
        "korea", "korean", "japan", "japanese", "american", "russian", "french", "german", "indian", "singaporean",
        "australian", "israeli", "cuban", "myanmar", "foreign", "abroad", "overseas", "international", "multinational",
        "tokyo", "osaka", "seoul", "busan", "gyeonggi", "beijing", "shanghai", "sapporo", "hokkaido",
    ),
    "fr": (
        "laotien", "laotienne", "cambodgien", "khmer", "thaïlandais", "chinois", "coréen", "japonais", "américain",
        "russe$", "allemand", "indien", "singapourien", "australien", "israélien", "cubain", "étranger", "étrangère",
        "international",
    ),
    "de": (
        "laotisch", "kambodschanisch", "thailändisch", "chinesisch", "koreanisch", "japanisch", "amerikanisch",
        "russisch", "französisch", "deutsch", "indisch", "singapurisch", "australisch", "israelisch", "kubanisch",
        "ausländisch", "ausland", "international", "tokio", "osaka", "seoul", "peking", "gyeonggi",
    ),
    "es": (
        "laosian", "camboyan", "tailandés", "tailandes", "chino$", "china$", "chinos$", "coreano", "japonés",
        "estadounidense", "ruso$", "francés", "alemán", "indio$", "singapurense", "australiano", "israelí", "cubano",
        "extranjer", "internacional",
    ),
    "it": (
        "laotian", "cambogian", "thailandese", "cinese", "cinesi", "corean", "giapponese", "statunitense", "russo",
        "francese", "tedesco", "indiano", "singaporiano", "australiano", "israeliano", "cubano", "stranier",
        "estero", "internazional",
    ),
    "pt": (
        "laosian", "laociano", "cambojan", "tailandês", "chinês", "chinesa", "coreano", "coreana", "japonês",
        "japonesa", "americano", "russo", "francês", "alemão", "indiano", "singapurense", "australiano", "israelense",
        "cubano", "estrangeir", "exterior", "internacional",
    ),
    "nl": (
        "laotiaans", "cambodjaans", "thais$", "thaise", "chinees", "chinese", "koreaans", "japans", "amerikaans",
        "russisch", "frans$", "franse", "duits", "indiaas", "singaporees", "australisch", "israëlisch", "cubaans",
        "buitenland", "internationa",
    ),
    "id": (
        "tiongkok", "cina$", "amerika", "asing$", "luar negeri", "internasional",
    ),
    "sv": (
        "laotisk", "kambodjansk", "thailändsk", "kinesisk", "koreansk", "japansk", "amerikansk", "rysk", "fransk",
        "tysk", "indisk", "australisk", "israelisk", "kubansk", "utländsk", "utomlands", "internationell",
    ),
    "no": (
        "laotisk", "kambodsjansk", "thailandsk", "kinesisk", "koreansk", "japansk", "amerikansk", "russisk",
        "fransk", "tysk", "indisk", "australsk", "israelsk", "kubansk", "utenlandsk", "utlandet", "internasjonal",
    ),
    "hu": (
        "laoszi", "kambodzsai", "thaiföldi", "kínai", "koreai", "japán", "amerikai", "orosz", "francia", "német",
        "indiai", "szingapúri", "ausztrál", "izraeli", "kubai", "külföld", "nemzetközi",
    ),
    "ro": (
        "laoțian", "cambodgian", "thailandez", "chinez", "coreean", "japonez", "american", "rus$", "rusesc",
        "francez", "german", "indian", "australian", "israelian", "cubanez", "străin", "internațional",
        "vecine din laos",
    ),
    "el": (
        "λαοτ", "καμποτζιαν", "ταϊλανδ", "κινεζ", "κορεάτ", "ιαπων", "αμερικαν", "ρωσ", "γαλλ", "γερμαν", "ινδ",
        "ισραηλιν", "κουβαν", "ξένο", "ξένη", "εξωτερικ", "διεθν",
    ),
    "ru": (
        "лаосск", "камбоджийск", "тайск", "китайск", "корейск", "японск", "американск", "французск", "немецк",
        "индийск", "сингапурск", "австралийск", "израильск", "кубинск", "иностран", "зарубеж", "международн",
    ),
    "uk": (
        "лаоськ", "камбоджійськ", "тайськ", "китайськ", "корейськ", "японськ", "американськ", "французьк",
        "німецьк", "індійськ", "ізраїльськ", "кубинськ", "іноземн", "закордон", "міжнародн",
    ),
    "ar": (
        "لاوس", "اللاوسي", "اللاوي", "الكمبودي", "التايلاندي", "الصيني", "الكوري", "الياباني", "الأمريكي",
        "الأميركي", "الروسي", "الفرنسي", "الألماني", "الهندي", "السنغافوري", "الأسترالي", "الإسرائيلي",
        "الكوبي", "أجنبي", "الأجنبي", "الأجنبية", "الخارج", "الدولي", "الدولية",
    ),
    "he": (
        "לאוס", "לאוטי", "קמבודי", "תאילנדי", "סיני", "קוריאני", "יפני", "אמריקאי", "רוסי", "צרפתי", "גרמני",
        "הודי", "סינגפורי", "אוסטרלי", "ישראלי", "קובני", "זר$", "זרים", "זרה", "חו\"ל", "בינלאומי",
    ),
    "hi": (
        "लाओ", "कंबोडियाई", "थाई", "चीनी", "कोरियाई", "जापानी", "अमेरिकी", "रूसी", "फ्रांसीसी", "जर्मन",
        "भारतीय", "सिंगापुरी", "ऑस्ट्रेलियाई", "इज़राइली", "क्यूबा", "विदेशी", "विदेश", "अंतरराष्ट्रीय",
        "अंतर्राष्ट्रीय",
    ),
    "ja": (
        "ラオス", "タイ王国", "タイの", "タイ国", "タイ・", "米国", "アメリカ", "韓国", "北朝鮮", "中国", "台湾",
        "外国", "海外", "国際", "東京", "大阪", "札幌", "北海道", "ソウル", "釜山", "京畿道", "北京", "上海",
    ),
    "ko": (
        "라오스", "라오 ", "캄보디아", "태국", "중국", "한국", "일본", "미국", "러시아", "프랑스", "독일", "인도 ",
        "싱가포르", "호주", "이스라엘", "쿠바", "대만", "외국", "해외", "국제", "서울", "부산", "경기도", "도쿄",
        "오사카", "삿포로", "홋카이도", "베이징", "상하이",
    ),
    "zh": (
        "老挝", "寮国", "寮國", "老撾", "柬埔寨", "泰国", "泰國", "韩国", "韓國", "日本", "美国", "美國", "俄罗斯",
        "外国", "外國", "海外", "国际", "國際", "东京", "首尔", "北京", "上海",
    ),
    "th": (
        "ลาว", "กัมพูชา", "ไทย", "จีน", "เกาหลี", "ญี่ปุ่น", "สหรัฐ", "อเมริกา", "รัสเซีย", "ฝรั่งเศส", "เยอรมนี",
        "อินเดีย", "สิงคโปร์", "อิสราเอล", "ต่างประเทศ", "ต่างชาติ", "ระหว่างประเทศ", "นานาชาติ",
    ),
    "lo": (
        "ລາວ", "ກຳປູເຈຍ", "ກໍາປູເຈຍ", "ໄທ", "ຈີນ", "ເກົາຫຼີ", "ຍີ່ປຸ່ນ", "ອາເມລິກາ", "ຣັດເຊຍ", "ລັດເຊຍ", "ຝຣັ່ງ",
        "ເຢຍລະມັນ", "ອິນເດຍ", "ສິງກະໂປ", "ຕ່າງປະເທດ", "ຕ່າງຊາດ", "ສາກົນ",
    ),
    "km": (
        "ឡាវ", "ថៃ", "ចិន", "កូរ៉េ", "ជប៉ុន", "អាមេរិក", "រុស្ស៊ី", "បារាំង", "អាល្លឺម៉ង់", "ឥណ្ឌា", "សិង្ហបុរី",
        "បរទេស", "អន្តរជាតិ",
    ),
}
