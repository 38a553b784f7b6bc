"""Loading the master data shipped in `aduan/directory/data/`. Every loader only adds what is
missing: running it again changes nothing, and nothing an administrator edited is overwritten."""

import csv
import datetime as dt
import functools
import gzip
import io
import json
from pathlib import Path

import holidays
from django.conf import settings
from django.db import transaction

from .models import Agency, Category, CategoryQuestion, Holiday, Region, SlaPolicy, SlaStep

DATA = Path(__file__).resolve().parent / "data"
BATCH = 2000


def _rows(name: str):
    path = DATA / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


@functools.lru_cache(maxsize=4)
def _wanted_regions(village_regencies: tuple[str, ...]) -> tuple[tuple[str, str, int], ...]:
    """(code, name, level) of every province, regency and kecamatan, plus the villages of the
    given regencies, parents before children. The shipped file (90,000 lines, a quarter of a
    second to read) does not change while the process runs, so it is read once per set of
    regencies: loading again, to add only what is missing, then costs a query."""
    wanted = [
        (row["kode"], row["nama"], int(row["level"]))
        for row in _rows("kemendagri_2025.csv.gz")
        if int(row["level"]) <= 3
        or (int(row["level"]) == 4 and row["kode"].rsplit(".", 2)[0] in village_regencies)
    ]
    wanted.sort(key=lambda row: row[2])
    return tuple(wanted)


@transaction.atomic
def load_regions(village_regencies: tuple[str, ...] = ()) -> int:
    """Every province, regency and kecamatan, plus the villages of the given regencies."""
    existing = set(Region.objects.values_list("code", flat=True))
    new = [
        Region(code=code, name=name, level=level, parent_id=_parent_code(code))
        for code, name, level in _wanted_regions(tuple(village_regencies))
        if code not in existing
    ]
    Region.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def load_villages(regency_code: str) -> int:
    if not Region.objects.filter(code=regency_code, level=Region.Level.REGENCY).exists():
        load_regions()
        if not Region.objects.filter(code=regency_code, level=Region.Level.REGENCY).exists():
            raise ValueError(f"kode kabupaten/kota {regency_code} tidak dikenal")
    return load_regions((regency_code,))


@transaction.atomic
def load_agencies() -> int:
    created = 0
    for row in _rows("agencies.csv"):
        _agency, new = Agency.objects.get_or_create(
            code=row["code"],
            defaults={"name": row["name"], "short_name": row["short_name"], "kind": row["kind"]},
        )
        created += new
    return created


@transaction.atomic
def load_categories() -> int:
    created = 0
    agencies = {a.code: a for a in Agency.objects.all()}
    for row in _rows("categories.csv"):  # parents come first in the file
        parent = Category.objects.get(code=row["parent_code"]) if row["parent_code"] else None
        _category, new = Category.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "parent": parent,
                "supervisory": row["supervisory"] == "true",
                "physical": row["physical"] == "true",
                "private_by_default": row["private"] == "true",
                "default_agency": agencies.get(row["default_agency"]),
            },
        )
        created += new
    questions = json.loads((DATA / "category_questions.json").read_text())
    for code, items in questions.items():
        category = Category.objects.get(code=code)
        for order, item in enumerate(items):
            _q, new = CategoryQuestion.objects.get_or_create(
                category=category,
                code=item["code"],
                defaults={
                    "label": item["label"],
                    "type": item["type"],
                    "required": item["required"],
                    "choices": item.get("choices", []),
                    "order": order,
                },
            )
            created += new
    return created


def national_holidays(years) -> dict[dt.date, str]:
    """Indonesian national holidays and cuti bersama, named in Indonesian where the package can."""
    days = holidays.country_holidays(
        "ID", years=years, categories=("public", "government"), language="id"
    )
    return dict(days.items())


@transaction.atomic
def load_holidays(years=None) -> int:
    if years is None:
        this_year = dt.date.today().year
        years = range(this_year - 3, this_year + 3)
    existing = set(Holiday.objects.values_list("date", flat=True))
    new = [
        Holiday(date=day, name=name[:150], source=Holiday.Source.NATIONAL)
        for day, name in sorted(national_holidays(list(years)).items())
        if day not in existing
    ]
    Holiday.objects.bulk_create(new)
    return len(new)


DEFAULT_POLICIES = [
    (SlaStep.VERIFY, 3, True, None),
    (SlaStep.ACCEPT, 5, True, None),
    (SlaStep.ANSWER, 14, True, None),
    (SlaStep.ANSWER, 60, True, True),
    (SlaStep.VERDICT, 10, True, None),
    (SlaStep.COMPLETE, 30, False, None),
]


@transaction.atomic
def load_sla_policies() -> int:
    created = 0
    for step, days, working, supervisory in DEFAULT_POLICIES:
        _p, new = SlaPolicy.objects.get_or_create(
            step=step,
            classification="",
            category=None,
            supervisory=supervisory,
            defaults={"days": days, "working_days": working},
        )
        created += new
    return created


def load_all(stdout: io.TextIOBase | None = None, *, holiday_years=None) -> dict[str, int]:
    """Every kind of master data (`load_master_data`, the demo, the test suite's set-up); only
    what is missing is added. Holidays of `holiday_years`, by default around this year."""
    result = {
        "regions": load_regions((settings.REGENCY_CODE,)),
        "agencies": load_agencies(),
        "categories": load_categories(),
        "holidays": load_holidays(holiday_years),
        "sla_policies": load_sla_policies(),
    }
    if stdout:
        stdout.write(", ".join(f"{k}: {v} baru" for k, v in result.items()) + "\n")
    return result
