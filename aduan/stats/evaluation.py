"""The monthly evaluation report for the Inspektorat (issue 4 §5): the per-agency table, the
overdue list, the trend and the recurring problems (`recurring`, issue 17), as PDF (fpdf2) and
XLSX (openpyxl). Built from the same figures as the dashboard. Anonymous reporters never appear:
the report names no reporter at all."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aduan.core.pdf import latin1
from aduan.reports.models import Report

from . import choropleth, evidence, figures, recurring
from .cells import for_xlsx
from .filters import Period, by_deadline

RECURRING = 20  # the largest recurring problems of the month


def gather(period: Period) -> dict:
    data = figures.dashboard(period)
    data["overdue"] = list(by_deadline(Report.objects.overdue().select_related("agency"))[:500])
    data["period"] = period
    data["recurring"] = recurring.find(period)[:RECURRING]
    return data


def _agency_header() -> list[str]:
    return evidence.table_header(_("Perangkat daerah"))


def _agency_rows(data) -> list[list]:
    return evidence.table_rows(data["agencies"], data["total"])


def _title(period: Period) -> str:
    return _("Evaluasi Pengelolaan Pengaduan %(site)s, %(a)s s.d. %(b)s") % {
        "site": settings.SITE_NAME,
        "a": period.start.strftime("%d-%m-%Y"),
        "b": period.end.strftime("%d-%m-%Y"),
    }


def to_xlsx(data) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Per perangkat daerah")
    sheet.append([_title(data["period"])])
    sheet.append(_agency_header())
    for row in _agency_rows(data):
        sheet.append([for_xlsx(v) for v in row])
    overdue = book.create_sheet(_("Terlambat"))
    overdue.append([_("Kode"), _("Judul"), _("Perangkat daerah"), _("Tahap"), _("Batas waktu")])
    for r in data["overdue"]:
        overdue.append(
            [
                for_xlsx(v)
                for v in (
                    r.code,
                    r.title,
                    r.agency.short_name if r.agency else "-",
                    r.get_due_step_display(),
                    timezone.localtime(r.due_at).strftime("%Y-%m-%d"),
                )
            ]
        )
    trend = book.create_sheet(_("Tren"))
    trend.append([_("Bulan"), _("Laporan diterima")])
    for day, count in data["trend"]:
        trend.append([date_format(day, "M Y"), count])
    repeated = book.create_sheet(_("Masalah berulang"))
    header, rows = recurring.table(data["recurring"], public=False)
    repeated.append(header)
    for row in rows:
        repeated.append([for_xlsx(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(data) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, latin1(_title(data["period"])))
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 8)
    widths = [56, 17, 19, 17, 18, 25, 25, 20, 17, 20, 22, 17]
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        table.row([latin1(h) for h in _agency_header()])
        for row in _agency_rows(data):
            table.row([latin1(v) for v in row])
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, latin1(_("Tren laporan diterima per bulan")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    peak = max((c for _d, c in data["trend"]), default=0) or 1
    for day, count in data["trend"]:
        pdf.cell(25, 5, latin1(date_format(day, "M Y")))
        pdf.set_fill_color(11, 83, 148)
        pdf.cell(max(120 * count / peak, 0.1), 4, "", fill=True)
        pdf.cell(15, 5, f" {count}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255, 255, 255)
    _kecamatan_maps_pdf(pdf, data)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(
        0,
        7,
        latin1(_("Laporan yang melewati batas waktu (%(n)s)") % {"n": len(data["overdue"])}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 8)
    if data["overdue"]:
        with pdf.table(col_widths=[30, 120, 40, 50, 30], text_align="LEFT", line_height=5) as table:
            table.row(
                [
                    latin1(h)
                    for h in (
                        _("Kode"),
                        _("Judul"),
                        _("Perangkat daerah"),
                        _("Tahap"),
                        _("Batas waktu"),
                    )
                ]
            )
            for r in data["overdue"]:
                table.row(
                    [
                        latin1(v)
                        for v in (
                            r.code,
                            r.title,
                            r.agency.short_name if r.agency else "-",
                            r.get_due_step_display(),
                            timezone.localtime(r.due_at).strftime("%Y-%m-%d"),
                        )
                    ]
                )
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(
        0,
        7,
        latin1(_("Masalah berulang (%(n)s)") % {"n": len(data["recurring"])}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 8)
    if data["recurring"]:
        header, rows = recurring.table(data["recurring"], public=False)
        with pdf.table(
            col_widths=[30, 25, 22, 14, 16, 16, 40, 27, 87], text_align="LEFT", line_height=5
        ) as table:
            table.row([latin1(h) for h in header])
            for row in rows:
                table.row([latin1(v) for v in row])
    return bytes(pdf.output())


def _kecamatan_maps_pdf(pdf, data) -> None:
    """A page with the two kecamatan maps side by side (`choropleth.draw_pdf`), then their
    figures as a table, the map's text equivalent."""
    shaded = choropleth.kecamatan_maps(data["districts"])
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, latin1(_("Peta kecamatan")), new_x="LMARGIN", new_y="NEXT")
    top, gap = pdf.get_y() + 1, 7
    width = (pdf.w - pdf.l_margin - pdf.r_margin - gap) / 2
    bottom = top
    for i, chosen in enumerate(shaded["maps"]):
        x = pdf.l_margin + i * (width + gap)
        bottom = max(bottom, choropleth.draw_pdf(pdf, chosen, x, top, width, latin1))
    pdf.set_xy(pdf.l_margin, bottom)
    pdf.set_font("Helvetica", "", 8)
    with pdf.table(
        col_widths=[60, 25, 25, 30], width=140, text_align="LEFT", line_height=4.5, align="LEFT"
    ) as table:
        table.row(
            [
                latin1(h)
                for h in (_("Kecamatan"), _("Diterima"), _("Terlambat"), _("Bagian terlambat"))
            ]
        )
        for f in shaded["figures"]:
            share = "-" if f.overdue_pct is None else f"{f.overdue_pct}%"
            table.row([latin1(f.name), str(f.received), str(f.overdue), share])


def render(period: Period, fmt: str) -> bytes:
    data = gather(period)
    return to_pdf(data) if fmt == "pdf" else to_xlsx(data)
