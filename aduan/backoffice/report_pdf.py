"""One report on paper (issue 17): what the viewer sees of it in the workspace, drawn as a PDF for
a file folder: the facts, the text, the files by name, the timeline. Everything comes through
the same rules as the workspace (`present_reporter`, `visible_events`, `visible_attachments`),
so a printed copy shows an officer no more than the screen does; the footer names who printed
it and when."""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aduan.core.pdf import latin1
from aduan.reports.visibility import present_reporter, visible_attachments, visible_events


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i") if moment else "-"


def _line(pdf, height: int, text) -> None:
    """A paragraph over the page's whole width, starting at the left margin."""
    pdf.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT")


def render(report, viewer) -> bytes:
    from fpdf import FPDF

    reporter = present_reporter(report, viewer)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    printed = _("Dicetak oleh %(who)s pada %(when)s dari %(site)s") % {
        "who": viewer.display_name,
        "when": _when(timezone.now()),
        "site": settings.SITE_NAME,
    }
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    _line(pdf, 7, f"{report.code} - {report.title}")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    facts = [
        (_("Status"), report.get_status_display()),
        (_("Dikirim"), _when(report.submitted_at)),
        (_("Batas waktu"), _when(report.due_at)),
        (_("Kategori"), report.category.name if report.category else "-"),
        (_("Perangkat daerah"), report.agency.name if report.agency else "-"),
        (_("Pelapor"), reporter.name),
        (
            _("Lokasi"),
            " ".join(str(p) for p in (report.address, report.village, report.district) if p).strip()
            or "-",
        ),
        (
            _("Tanggal kejadian"),
            date_format(report.incident_date, "j F Y") if report.incident_date else "-",
        ),
    ]
    if not reporter.hidden and reporter.phone:
        facts.append((_("Telepon pelapor"), reporter.phone))
    with pdf.table(col_widths=(45, 145), text_align="LEFT", line_height=5) as table:
        for label, value in facts:
            table.row([latin1(label), latin1(value)])
    pdf.set_x(pdf.l_margin)
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, latin1(_("Isi laporan")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    _line(pdf, 5, report.description)
    files = visible_attachments(report, viewer)
    if files:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, latin1(_("Lampiran")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for item in files:
            _line(pdf, 5, f"- {item.shown_name} ({_when(item.created_at)})")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, latin1(_("Riwayat")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for event in visible_events(report, viewer):
        actor = _("sistem")
        if event.actor is not None:
            mine = event.actor_id in (report.reporter_id, report.filed_by_id)
            actor = reporter.name if mine and reporter.hidden else event.actor.display_name
        pdf.set_font("Helvetica", "B", 9)
        _line(pdf, 5, f"{_when(event.created_at)} - {event.get_kind_display()} - {actor}")
        if event.text:
            pdf.set_font("Helvetica", "", 9)
            _line(pdf, 5, event.text)
        pdf.ln(1)
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    _line(pdf, 4, printed)
    return bytes(pdf.output())
