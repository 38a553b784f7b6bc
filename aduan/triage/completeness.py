"""Which of what / where / when / who-is-involved a report already answers (DESIGN §2,
completeness), so that the filing form can show a live checklist while the reporter types.

`assess(...)` is called by the portal's checklist view (htmx, on every pause in typing) and when a
report is filed. It reads the form's structured fields first (a chosen kecamatan answers "where",
a date answers "when") and otherwise the text:
1. where: place names from the Kemendagri gazetteer (the `Region` table: every regency and
   kecamatan, and the loaded desa/kelurahan), or address cues ("Jl. Garuda", "RT 03", "depan SD").
   A one-word name counts only after a place cue ("di", "desa", "arah" ...): many names are also
   ordinary words ("Baru", "Utara");
2. when: Indonesian date and time expressions ("kemarin", "tadi pagi", "tgl 5 Maret", "3 hari
   yang lalu", "Senin", "pukul 07.00"), resolved to a date where they name one;
3. who: cues for the parties involved (officials, bodies, companies, "oknum", "Pak X");
4. what: enough words to tell what happened.
It only advises: a report may be sent incomplete, and the dispatcher decides.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.directory.models import Region

WHAT_MIN_WORDS = 12

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
}
DAYS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum'at": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
}
PARTS_OF_DAY = r"(pagi|siang|sore|malam|subuh|petang)"
# Relative expressions: (pattern, days before today or None when no single day is named).
RELATIVE = [
    (r"\bkemarin\s+lusa\b", 2),
    (rf"\bkemarin(\s+{PARTS_OF_DAY})?\b", 1),
    (r"\bsemalam\b", 1),
    (r"\btadi(\s+" + PARTS_OF_DAY + r")?\b", 0),
    (r"\bhari\s+ini\b", 0),
    (r"\b(pagi|siang|sore|malam)\s+ini\b", 0),
    (r"\bbarusan\b", 0),
    (r"\b(minggu|pekan|bulan|tahun)\s+(lalu|kemarin|yang\s+lalu)\b", None),
    (r"\bsejak\s+\w+", None),
    (r"\bsetiap\s+(hari|malam|pagi|minggu|bulan)\b", None),
    (r"\b(pukul|jam)\s+\d{1,2}([.:]\d{2})?\b", None),
]
AGO = re.compile(
    r"\b(\d{1,3}|se|satu|dua|tiga|empat|lima|enam|tujuh)\s*(hari|hr|minggu|pekan|bulan|bln|tahun|th|thn)\s*"
    r"(yang\s+lalu|yg\s+lalu|yll|lalu|terakhir)\b"
)
WORD_NUMBERS = {
    "se": 1,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
}
DATE_NUMERIC = re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2,4})\b")
DATE_WORDS = re.compile(
    r"\b(?:tgl\.?|tanggal)?\s*(\d{1,2})\s+("
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?(?:\s+(\d{4}))?\b"
)
DATE_TGL = re.compile(r"\b(?:tgl\.?|tanggal)\s*(\d{1,2})\b")
DAY_NAME = re.compile(r"\b(?:hari\s+)?(" + "|".join(DAYS) + r")(\s+(lalu|kemarin|kemaren))?\b")

# One-word place names that are also everyday words: never a place on their own.
COMMON_WORDS = {
    "raya",
    "baru",
    "utara",
    "selatan",
    "timur",
    "barat",
    "tengah",
    "kota",
    "pasar",
    "sungai",
    "air",
    "gunung",
    "bukit",
    "jaya",
    "makmur",
    "indah",
    "sari",
    "mulya",
    "mulia",
    "maju",
    "suruh",
    "karang",
    "tanjung",
    "pulau",
    "batu",
    "danau",
    "laut",
    "pantai",
    "kampung",
    "sumber",
    "lama",
    "besar",
    "kecil",
    "atas",
    "bawah",
    "dalam",
    "luar",
    "simpang",
    "lembah",
    "muara",
    "teluk",
    "padang",
    "rawa",
    "bandar",
    "pusat",
    "sejahtera",
    "merdeka",
    "damai",
    "harapan",
    "bahagia",
    "sentosa",
    "mekar",
    "tani",
    "kali",
    "kemang",
    "siang",
    "malam",
    "pagi",
    "sore",
    "rumah",
    "jalan",
    "umum",
    "bersama",
    "lestari",
}
PLACE_CUES = {
    "di",
    "ke",
    "dari",
    "desa",
    "ds",
    "dusun",
    "dsn",
    "kampung",
    "kp",
    "kelurahan",
    "kel",
    "kecamatan",
    "kec",
    "kabupaten",
    "kab",
    "kota",
    "daerah",
    "wilayah",
    "arah",
    "sekitar",
    "dekat",
    "jalan",
    "jl",
    "jln",
    "lingkungan",
    "perumahan",
    "pasar",
    "menuju",
    "rel",
    "simpang",
}
ADDRESS = re.compile(
    r"\b(jl|jln|gg|dusun|dsn|perum|perumahan|komplek|kompleks|lingkungan)\.?\s+[a-z0-9]"
    r"|\brt\.?\s*\d|\brw\.?\s*\d|\b(depan|belakang|samping|seberang|dekat)\s+(sd|smp|sma|smk|"
    r"masjid|musholla|mushola|pasar|kantor|puskesmas|rumah|sekolah|jembatan|terminal|lapangan)\b"
)
# "jalan rusak" is a road that is damaged; "Jalan Garuda" is an address: the capital tells them
# apart.
NAMED_STREET = re.compile(r"\b(Jalan|JALAN|Gang|GANG|Lorong)\.?\s+[A-Z0-9]")
PARTY = re.compile(
    r"\b(petugas|pegawai|oknum|pejabat|aparat|aparatur|kades|kepala\s+(desa|dusun|sekolah|dinas|puskesmas|kantor|"
    r"bidang|seksi)|lurah|camat|sekdes|perangkat\s+desa|bupati|wakil\s+bupati|dprd|dinas|badan|kantor|puskesmas|"
    r"rsud|rumah\s+sakit|sekolah|guru|dokter|bidan|perawat|polisi|polsek|polres|satpol(\s+pp)?|tni|koramil|"
    r"kontraktor|pemborong|perusahaan|pabrik|pt|cv|koperasi|bank|pdam|pln|bpjs|telkom|sopir|supir|ojek|pedagang|"
    r"pengusaha|tetangga|warga|pemilik|pengelola|operator|panitia|ketua|pengurus|rt|rw|bumdes|upt|uptd"
    r")\b"
)
# "Pak Lurah", "Bu Siti": a person named with an honorific (capitalised, in the text as typed),
# except the addressee of the channel itself ("Bapak Gubernur", "Pak Bupati").
HONORIFIC = re.compile(
    r"\b(?:Pak|Bu|Bapak|Ibu|Sdr|Saudara|Saudari)\.?\s+(?!Gub|Bupati\b|Wali\s*kota|Presiden)[A-Z][a-z]{2,}"
)
# The salutation that opens many complaints names whom it is sent to, not who is involved.
SALUTATION = re.compile(
    r"^\s*(yth|yang\s+terhormat|kepada|dengan\s+hormat|assalamu.alaikum|selamat\s+\w+)\b[^.,!?\n]*[.,!?\n]",
    re.IGNORECASE,
)


@dataclass
class Item:
    key: str
    label: str
    answered: bool
    found: str = ""  # what answered it, shown back to the reporter ("kemarin (28/11/2026)")
    hint: str = ""  # what is missing

    @property
    def missing(self) -> bool:
        return not self.answered


@dataclass
class Completeness:
    items: list[Item] = field(default_factory=list)
    incident_date: dt.date | None = None  # a date the text names, to propose for the date field

    @property
    def complete(self) -> bool:
        return all(item.answered for item in self.items)

    @property
    def missing(self) -> list[str]:
        return [item.key for item in self.items if not item.answered]

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w'./:\-]+", " ", (text or "").lower()).split())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text)


# --- where ------------------------------------------------------------------------------------

_PREFIXES = ("kabupaten ", "kota ", "kota administrasi ")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, dict[tuple[str, ...], str]]:
    """Place names by first token: {"mranggen": {("mranggen",): "Mranggen"}, ...}. Regencies and
    cities without their "Kabupaten"/"Kota" prefix, kecamatan, and the loaded desa/kelurahan."""
    index: dict[str, dict[tuple[str, ...], str]] = {}
    for name, level in (
        Region.objects.filter(level__gte=Region.Level.REGENCY)
        .values_list("name", "level")
        .iterator()
    ):
        lowered = name.lower()
        for prefix in _PREFIXES:
            if level == Region.Level.REGENCY and lowered.startswith(prefix):
                lowered = lowered[len(prefix) :]
                break
        words = tuple(_tokens(lowered))
        if not words or (len(words) == 1 and len(words[0]) < 4):
            continue
        index.setdefault(words[0], {})[words] = name
    return index


def find_places(text: str) -> list[str]:
    tokens = _tokens(normalise(text))
    index, found = gazetteer(), []
    for i, token in enumerate(tokens):
        for words, name in index.get(token, {}).items():
            if tuple(tokens[i : i + len(words)]) != words:
                continue
            cued = any(t in PLACE_CUES for t in tokens[max(0, i - 2) : i])
            if (len(words) > 1 or (cued and words[0] not in COMMON_WORDS)) and name not in found:
                found.append(name)
    return found


# --- when -------------------------------------------------------------------------------------


def _resolve_day_month(day: int, month: int, year: int | None, today: dt.date) -> dt.date | None:
    try:
        date = dt.date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and date > today:  # "5 Desember" typed in March means last December
        date = date.replace(year=today.year - 1)
    return date


def find_time(text: str, today: dt.date) -> tuple[str, dt.date | None]:
    """The first time expression in `text` and the date it names (None if it names no single
    day)."""
    text = normalise(text)
    candidates: list[tuple[int, str, dt.date | None]] = []
    for pattern, days_ago in RELATIVE:
        m = re.search(pattern, text)
        if m:
            candidates.append(
                (
                    m.start(),
                    m.group(0),
                    today - dt.timedelta(days=days_ago) if days_ago is not None else None,
                )
            )
    m = AGO.search(text)
    if m:
        count = m.group(1)
        n = int(count) if count.isdigit() else WORD_NUMBERS[count]
        unit = m.group(2)
        date = today - dt.timedelta(days=n) if unit in ("hari", "hr") else None
        candidates.append((m.start(), m.group(0), date))
    m = DATE_WORDS.search(text)
    if m:
        year = int(m.group(3)) if m.group(3) else None
        candidates.append(
            (
                m.start(),
                m.group(0).strip(),
                _resolve_day_month(int(m.group(1)), MONTHS[m.group(2)], year, today),
            )
        )
    m = DATE_NUMERIC.search(text)
    if m:
        year = int(m.group(3))
        year = year + 2000 if year < 100 else year
        candidates.append(
            (
                m.start(),
                m.group(0),
                _resolve_day_month(int(m.group(1)), int(m.group(2)), year, today),
            )
        )
    if not candidates:
        m = DATE_TGL.search(text)
        if m:
            candidates.append(
                (
                    m.start(),
                    m.group(0),
                    _resolve_day_month(int(m.group(1)), today.month, None, today),
                )
            )
    m = DAY_NAME.search(text)
    if m and not (
        m.group(1) == "minggu"
        and re.match(r"minggu\s+(lalu|yang|ini|depan|kemarin)", text[m.start(1) :])
    ):
        back = (today.weekday() - DAYS[m.group(1)]) % 7 or (7 if m.group(3) else 0)
        candidates.append((m.start(), m.group(0), today - dt.timedelta(days=back)))
    if not candidates:
        return "", None
    candidates.sort(key=lambda c: (c[0], c[2] is None))
    _position, phrase, date = candidates[0]
    if date is None:  # an exact date elsewhere in the text is better than "sejak ..."
        date = next((c[2] for c in candidates if c[2] is not None), None)
    return phrase, date


# --- the checklist ----------------------------------------------------------------------------


def assess(
    *,
    title: str = "",
    description: str = "",
    parties_involved: str = "",
    incident_date=None,
    district=None,
    village=None,
    address: str = "",
    today: dt.date | None = None,
) -> Completeness:
    today = today or timezone.localdate()
    text = f"{title}\n{description}"
    result = Completeness()

    words = len(_tokens(normalise(description)))
    result.items.append(
        Item(
            "what",
            _("Apa yang terjadi"),
            words >= WHAT_MIN_WORDS,
            found=_("%(n)s kata") % {"n": words} if words else "",
            hint=_("Ceritakan apa yang terjadi dan urutan kejadiannya, dalam beberapa kalimat."),
        )
    )

    places = find_places(text)
    address_cue = ADDRESS.search(normalise(f"{address} {text}")) or NAMED_STREET.search(text)
    where_found = (
        (village.name if village else district.name if district else "")
        or ", ".join(places[:2])
        or (
            address.strip()[:60]
            if address.strip()
            else (address_cue.group(0) if address_cue else "")
        )
    )
    result.items.append(
        Item(
            "where",
            _("Di mana"),
            bool(district or village or address.strip() or places or address_cue),
            found=where_found,
            hint=_("Sebutkan lokasinya: kecamatan, desa/kelurahan, nama jalan atau patokan."),
        )
    )

    phrase, date = find_time(text, today)
    if incident_date:
        when_found = incident_date.strftime("%d/%m/%Y")
    elif phrase:
        when_found = f"{phrase} ({date:%d/%m/%Y})" if date else phrase
    else:
        when_found = ""
    result.incident_date = date
    result.items.append(
        Item(
            "when",
            _("Kapan"),
            bool(incident_date or phrase),
            found=when_found,
            hint=_("Sebutkan kapan terjadinya: tanggal, atau misalnya “kemarin sore”."),
        )
    )

    body = SALUTATION.sub(" ", f"{title}\n{SALUTATION.sub(' ', description)}")
    party = PARTY.search(normalise(body)) or HONORIFIC.search(body)
    result.items.append(
        Item(
            "who",
            _("Siapa yang terlibat"),
            bool(parties_involved.strip() or party),
            found=parties_involved.strip()[:60] or (party.group(0) if party else ""),
            hint=_(
                "Sebutkan pihak yang terlibat atau dilaporkan: "
                "instansi, petugas, perusahaan, atau warga."
            ),
        )
    )
    return result
