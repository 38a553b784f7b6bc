"""Real complaints for the triage tests, read at test time from ../shared/data (never copied into
the repository). Rows of four frequent agencies, mapped to agencies of the seed data."""

import csv
import datetime as dt
from pathlib import Path

import pytest

DEV_FILE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "complaints" / "laporgub_dev.csv"
)
AGENCIES = {
    "DISDIKBUD": "dikbud",
    "DINAS KESEHATAN": "dinkes",
    "DPU BINMAR CIPKA": "pupr",
    "DINAS SOSIAL": "dinsos",
    "DISPERMADES DUKCAPIL": "disdukcapil",
}


def dev_rows() -> list[dict]:
    if not DEV_FILE.is_file():
        pytest.skip("../shared/data/complaints/laporgub_dev.csv is not present")
    with open(DEV_FILE, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def routing_rows(per_agency: int = 45, held_out: int = 8) -> tuple[list[dict], list[dict]]:
    """(train, test): for each mapped agency its first rows in file order, the last `held_out`
    of them kept for testing."""
    train, test = [], []
    for name, code in AGENCIES.items():
        rows = [dict(r, code=code) for r in dev_rows() if r["agency"] == name][
            : per_agency + held_out
        ]
        train += rows[:per_agency]
        test += rows[per_agency:]
    return train, test


def import_rows(rows) -> None:
    from aduan.directory.models import Agency
    from aduan.reports import actions

    agencies = {a.code: a for a in Agency.objects.all()}
    for i, row in enumerate(rows):
        actions.do_import_historical(
            title="",
            description=row["text"],
            agency=agencies[row["code"]],
            submitted_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i),
        )
