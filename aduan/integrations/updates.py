"""The feed side of the LAPOR! bridge: the signed event feed's events since a cursor, as rows in
the columns of a LAPOR! export (`lapor.HEADERS`, the same mapping read backwards), for the admin
to enter on LAPOR! or for a bridge holding LAPOR!'s credentials to post
(`lapor_export_updates`).

Built only from `FeedEvent`s, which hold only public changes of public reports and no reporter
(`feed.events.publish`); the title and text are the report's public version, masked
(`visibility.shown_text` for no viewer). An event of a report the public may no longer see
(`feed.events.still_public`: since made confidential, or erased) is left out, as by the replay
endpoint. The cursor is the feed's `id`, as for the replay endpoint.
"""

import datetime as dt
from typing import TextIO

from django.utils import timezone

from aduan.directory.models import Agency, Category
from aduan.feed.events import still_public
from aduan.feed.models import FeedEvent
from aduan.reports import visibility
from aduan.reports.models import Report
from aduan.stats import cells

from . import lapor
from .models import LaporLink

COLUMNS = (
    ("lapor_id", lapor.HEADERS["lapor_id"][0]),
    ("aduan_code", lapor.HEADERS["aduan_code"][0]),
    ("title", lapor.HEADERS["title"][0]),
    ("content", lapor.HEADERS["content"][0]),
    ("category", lapor.HEADERS["category"][0]),
    ("status", lapor.HEADERS["status"][0]),
    ("agency", lapor.HEADERS["agency"][0]),
    ("submitted_at", lapor.HEADERS["submitted_at"][0]),
    ("updated_at", lapor.HEADERS["updated_at"][0]),
    ("follow_up", "Tindak Lanjut"),
    ("event", "Jenis Peristiwa"),
    ("event_id", "ID Peristiwa"),
)
DATE_FORMAT = "%d-%m-%Y %H:%M"  # local time, as LAPOR! shows it; read back by `lapor.read_export`


def _local(value: str | None) -> str:
    if not value:
        return ""
    return timezone.localtime(dt.datetime.fromisoformat(value)).strftime(DATE_FORMAT)


def rows(since_id: int, limit: int) -> tuple[list[dict[str, str]], int]:
    """The LAPOR!-shaped rows of the feed events after `since_id` (at most `limit` events), and
    the cursor to pass next time (the id of the last event read)."""
    events = list(still_public(FeedEvent.objects.filter(pk__gt=since_id)).order_by("pk")[:limit])
    codes = {e.report_code for e in events}
    reports = {
        r.code: r
        for r in Report.objects.filter(code__in=codes).only(
            "code", "confidential", "title", "description", "public_title", "public_description"
        )
    }
    links = dict(
        LaporLink.objects.filter(report__code__in=codes).values_list("report__code", "lapor_id")
    )
    categories = dict(Category.objects.values_list("code", "name"))
    agencies = dict(Agency.objects.values_list("code", "name"))
    out = []
    for event in events:
        report = reports.get(event.report_code)
        if report is None:  # erased since the events were read
            continue
        out.append(_row(event, report, links, categories, agencies))
    return out, events[-1].pk if events else since_id


def _row(event: FeedEvent, report: Report, links, categories, agencies) -> dict[str, str]:
    data = event.payload
    shown = visibility.shown_text(report, None)
    facts = data.get("report", {})
    status = facts.get("status") or ""
    return {
        "lapor_id": links.get(report.code, ""),
        "aduan_code": report.code,
        "title": shown.title,
        "content": shown.description,
        "category": categories.get(facts.get("category") or "", ""),
        "status": lapor.LAPOR_LABELS[lapor.stage_of_status(status)] if status else "",
        # A forwarded report's instansi is the body outside the regency; else the agency's full
        # name, as LAPOR! writes it.
        "agency": data.get("outside_body")
        or agencies.get(facts.get("agency") or "", "")
        or data.get("agency_name")
        or "",
        "submitted_at": _local(facts.get("submitted_at")),
        "updated_at": _local(data.get("occurred_at")),
        "follow_up": data.get("text") or "",  # already masked in the feed
        "event": f"report.{event.kind}",
        "event_id": event.event_id,
    }


def write_csv(items: list[dict[str, str]], stream: TextIO) -> None:
    """Every cell made safe for a spreadsheet (`stats.cells`: no formula, no control
    characters), as every export of Aduan."""
    writer = cells.csv_writer(stream)
    writer.writerow([header for _field, header in COLUMNS])
    for item in items:
        writer.writerow([cells.for_csv(item[name]) for name, _header in COLUMNS])
