"""CSV and XLSX of a staff report list. The reporter column goes through `present_reporter`, so an
officer's or supervisor's file never holds an anonymous reporter's identity; a dispatcher's export
with identities is written to the audit trail. Every cell passes through `cells` (no control
character breaks the XLSX, no cell is read as a formula, also by spreadsheets splitting on `;`)."""

import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.audit import trail as audit_trail
from aduan.audit.models import AuditEntry
from aduan.reports import sla
from aduan.reports.visibility import present_reporter

from . import cells

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header():
    return [
        _("Kode"),
        _("Judul"),
        _("Status"),
        _("Klasifikasi"),
        _("Kategori"),
        _("Berkadar pengawasan"),
        _("Perangkat daerah"),
        _("Kecamatan"),
        _("Kanal"),
        _("Pelapor"),
        _("Telepon pelapor"),
        _("Dikirim"),
        _("Batas waktu"),
        _("Zona"),
        _("Dibuka kembali"),
        _("Penilaian"),
    ]


def row(report, viewer) -> list:
    reporter = present_reporter(report, viewer)
    local = timezone.localtime
    return [
        report.code,
        report.title,
        report.get_status_display(),
        report.get_classification_display(),
        report.category.name if report.category else "",
        _("ya") if report.supervisory else _("tidak"),
        report.agency.short_name if report.agency else "",
        report.district.name if report.district else "",
        report.get_channel_display(),
        reporter.name,
        "" if reporter.hidden else reporter.phone,
        local(report.submitted_at).strftime("%Y-%m-%d %H:%M"),
        local(report.due_at).strftime("%Y-%m-%d %H:%M") if report.due_at else "",
        sla.zone(report) or "",
        report.reopen_count,
        report.rating or "",
    ]


def _log(request, count, fmt):
    audit_trail.record(
        AuditEntry.Kind.EXPORTED,
        actor=request.user,
        detail={"format": fmt, "rows": count, "filter": request.GET.urlencode()[:500]},
    )


class _Echo:
    def write(self, value):
        return value


def export_reports(request, qs, fmt: str):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    _log(request, qs.count(), fmt)
    if fmt == "csv":
        writer = cells.csv_writer(_Echo())

        def lines():
            yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
            yield writer.writerow([cells.for_csv(v) for v in header()])
            for report in qs.iterator(chunk_size=1000):
                yield writer.writerow([cells.for_csv(v) for v in row(report, request.user)])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="laporan-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Laporan"))
    sheet.append([cells.for_xlsx(v) for v in header()])
    for report in qs.iterator(chunk_size=1000):
        sheet.append([cells.for_xlsx(v) for v in row(report, request.user)])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="laporan-{stamp}.xlsx"'
    return response
