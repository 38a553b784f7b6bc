"""Aduan and SP4N-LAPOR! side by side, from a LAPOR! export (`lapor.read_export`): linking the
rows to reports (`lapor_import`) and listing where the two disagree (`lapor_reconcile`).

A row is matched to a report:
1. by its LAPOR! tracking number, when a `LaporLink` already joins it to a report;
2. else by an Aduan tracking code found in the row (the reference column, the title or the text);
3. else it is unmatched: a report LAPOR! has and Aduan does not.
Rows are handled in batches (`BATCH`): two queries find the links and the reports of a whole
batch, so a file of 100,000 rows does not cost 200,000 queries.

Nothing here reads or writes a reporter's identity: the differences name a report only by its
two tracking numbers, its statuses and its agencies.
"""

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from aduan.reports import visibility
from aduan.reports.models import Report

from . import lapor
from .models import LaporLink

BATCH = 500


@dataclass
class Match:
    row: lapor.LaporRow
    report: Report | None
    link: LaporLink | None
    problem: str = ""  # a code match refused: that report is already linked to another number


def matches(items: Iterable[lapor.LaporRow]) -> Iterator[Match]:
    """Each row with its report, batch by batch (steps 1–3 of the module's docstring)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        links = {
            link.lapor_id: link
            for link in LaporLink.objects.filter(
                lapor_id__in=[r.lapor_id for r in batch]
            ).select_related("report__agency")
        }
        codes = [r.aduan_code for r in batch if r.lapor_id not in links and r.aduan_code]
        reports = {
            r.code: r
            for r in Report.objects.filter(code__in=codes).select_related("agency", "lapor_link")
        }
        for row in batch:
            link = links.get(row.lapor_id)
            if link is not None:
                yield Match(row, link.report, link)
                continue
            report = reports.get(row.aduan_code)
            if report is None:
                yield Match(row, None, None)
                continue
            other = getattr(report, "lapor_link", None)
            if other is not None and other.lapor_id != row.lapor_id:
                yield Match(
                    row,
                    None,
                    None,
                    problem=(
                        f"laporan {report.code} sudah terhubung dengan No. Tracking "
                        f"{other.lapor_id}, bukan {row.lapor_id}"
                    ),
                )
                continue
            yield Match(row, report, other)


def _split(path, max_rows, problems: list[lapor.RowProblem]) -> Iterator[lapor.LaporRow]:
    for item in lapor.read_export(path, max_rows=max_rows):
        if isinstance(item, lapor.RowProblem):
            problems.append(item)
        else:
            yield item


# Importing ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    linked: int = 0  # new links
    updated: int = 0  # existing links refreshed
    unmatched: list[str] = field(default_factory=list)  # LAPOR! numbers with no Aduan report
    problems: list[lapor.RowProblem] = field(default_factory=list)


def import_export(path: str | Path, *, max_rows: int = lapor.MAX_ROWS) -> ImportResult:
    """Record the links a LAPOR! export establishes and LAPOR!'s view of each linked report.
    Idempotent: importing the same file again only refreshes what is there. Each batch is one
    transaction; a link taken meanwhile by another import (the unique constraint) is a problem
    of its row, not a crash."""
    result = ImportResult()
    source = Path(path).name[:255]
    rows = _split(path, max_rows, result.problems)
    iterator = matches(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        with transaction.atomic():
            for match in batch:
                _record(match, source, result)
    result.problems.sort(key=lambda p: p.line)
    return result


def _record(match: Match, source: str, result: ImportResult) -> None:
    row = match.row
    if match.problem:
        result.problems.append(lapor.RowProblem(row.line, match.problem))
        return
    if match.report is None:
        result.unmatched.append(row.lapor_id)
        return
    view = {
        "lapor_status": row.status_text[:60],
        "lapor_stage": row.stage,
        "lapor_agency": row.agency_text[:200],
        "lapor_updated_at": row.updated_at,
        "source": source,
    }
    if match.link is not None:
        LaporLink.objects.filter(pk=match.link.pk).update(**view, imported_at=timezone.now())
        result.updated += 1
        return
    try:
        with transaction.atomic():
            LaporLink.objects.create(report=match.report, lapor_id=row.lapor_id, **view)
    except IntegrityError:
        result.problems.append(
            lapor.RowProblem(
                row.line,
                f"laporan {match.report.code} atau No. Tracking {row.lapor_id} sudah terhubung",
            )
        )
        return
    result.linked += 1


# Reconciling ----------------------------------------------------------------------------------


class Kind:
    ONLY_LAPOR = "only_lapor"
    ONLY_ADUAN = "only_aduan"
    STATUS = "status"
    AGENCY = "agency"


KIND_LABELS = {
    Kind.ONLY_LAPOR: "hanya di LAPOR!",
    Kind.ONLY_ADUAN: "hanya di Aduan",
    Kind.STATUS: "status berbeda",
    Kind.AGENCY: "instansi berbeda",
}


@dataclass
class Difference:
    kind: str
    lapor_id: str = ""
    code: str = ""
    lapor_status: str = ""
    aduan_status: str = ""
    lapor_agency: str = ""
    aduan_agency: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "lapor_id": self.lapor_id,
            "code": self.code,
            "lapor_status": self.lapor_status,
            "aduan_status": self.aduan_status,
            "lapor_agency": self.lapor_agency,
            "aduan_agency": self.aduan_agency,
        }


@dataclass
class Reconciliation:
    differences: list[Difference] = field(default_factory=list)
    problems: list[lapor.RowProblem] = field(default_factory=list)
    rows: int = 0
    period: tuple[dt.datetime, dt.datetime] | None = None  # of the "only in Aduan" check


def reconcile(
    path: str | Path,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    max_rows: int = lapor.MAX_ROWS,
) -> Reconciliation:
    """Compare a LAPOR! export with Aduan, reading only (no link is written):
    1. each row, matched as in `matches`: unmatched → only in LAPOR!; matched → its stage
       against the report's (`lapor.ADUAN_STAGES`), its agency against the report's;
    2. the public reports submitted in the period (`since`/`until`, by default the first and
       last Tanggal Laporan of the export) that no row matched → only in Aduan. Confidential
       and unverified reports are never sent to LAPOR!, so they are not expected there."""
    out = Reconciliation()
    seen: set[int] = set()
    first = last = None
    for match in matches(_split(path, max_rows, out.problems)):
        row = match.row
        out.rows += 1
        if row.submitted_at is not None:
            first = min(first or row.submitted_at, row.submitted_at)
            last = max(last or row.submitted_at, row.submitted_at)
        if match.problem:
            out.problems.append(lapor.RowProblem(row.line, match.problem))
            continue
        if match.report is None:
            out.differences.append(
                Difference(
                    Kind.ONLY_LAPOR,
                    lapor_id=row.lapor_id,
                    lapor_status=row.status_text,
                    lapor_agency=row.agency_text,
                )
            )
            continue
        seen.add(match.report.pk)
        out.differences.extend(_compare(row, match.report))
    since, until = since or first, until or last
    if since is not None and until is not None:
        out.period = (since, until)
        out.differences.extend(_only_in_aduan(since, until, seen))
    out.problems.sort(key=lambda p: p.line)
    return out


def _compare(row: lapor.LaporRow, report: Report) -> list[Difference]:
    agency_name = report.agency.name if report.agency_id else ""
    both = {
        "lapor_id": row.lapor_id,
        "code": report.code,
        "lapor_status": row.status_text,
        "aduan_status": str(report.get_status_display()),
        "lapor_agency": row.agency_text,
        "aduan_agency": agency_name,
    }
    out = []
    if lapor.stage_of_status(report.status) != row.stage:
        out.append(Difference(Kind.STATUS, **both))
    # LAPOR! names no agency before verification: nothing to compare then.
    if row.agency_text and (row.agency is None or row.agency.pk != report.agency_id):
        out.append(Difference(Kind.AGENCY, **both))
    return out


def _only_in_aduan(since: dt.datetime, until: dt.datetime, seen: set[int]) -> list[Difference]:
    reports = (
        visibility.public_reports()
        .filter(submitted_at__gte=since, submitted_at__lte=until)
        .select_related("agency")
        .only("pk", "code", "status", "agency__name")
        .order_by("submitted_at", "pk")
    )
    return [
        Difference(
            Kind.ONLY_ADUAN,
            code=report.code,
            aduan_status=str(report.get_status_display()),
            aduan_agency=report.agency.name if report.agency_id else "",
        )
        for report in reports.iterator(chunk_size=2000)
        if report.pk not in seen
    ]
