"""A report on paper: the one layout every PDF of one report shares (issue 17's copy for a file
folder, `render`; issue 16's case file for the Ombudsman, `case_file.render`).

Everything drawn comes through the same rules as the screens (`present_reporter`,
`visible_events`, `visible_attachments`), so a printed copy shows its viewer no more than the
workspace or the portal does; the footer names who printed it and when.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aduan.core.pdf import latin1

from .visibility import (
    ReporterView,
    reporter_seen,
    shown_actor,
    visible_attachments,
    visible_events,
)


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i") if moment else "-"


def line(pdf, height: int, text) -> None:
    """A paragraph over the page's whole width, starting at the left margin."""
    pdf.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT")


def heading(pdf, text) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)


def table(pdf, rows, widths=(45, 145)) -> None:
    """Label and value rows, the labels in the narrow column."""
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as drawn:
        for row in rows:
            drawn.row([latin1(cell) for cell in row])
    pdf.set_x(pdf.l_margin)


def document(title: str):
    """A new A4 document with its first page and the title drawn."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    line(pdf, 7, title)
    pdf.ln(2)
    return pdf


def summary(pdf, report, viewer, reporter: ReporterView) -> None:
    """The facts, the reporter as `viewer` may see them, the text and the files by name."""
    pdf.set_font("Helvetica", "", 9)
    facts = [
        (_("Status"), report.get_status_display()),
        (_("Dikirim"), when(report.submitted_at)),
        (_("Batas waktu"), when(report.due_at)),
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
    table(pdf, facts)
    pdf.ln(1)
    heading(pdf, _("Isi laporan"))
    pdf.set_font("Helvetica", "", 10)
    line(pdf, 5, report.description)
    files = visible_attachments(report, viewer)
    if files:
        heading(pdf, _("Lampiran"))
        for item in files:
            name = item.shown_name  # type: ignore[attr-defined]  # set by visible_attachments
            line(pdf, 5, f"- {name} ({when(item.created_at)})")


def timeline(pdf, report, viewer, reporter: ReporterView) -> None:
    """Every event `viewer` may read, oldest first, with who did it as `viewer` may read it
    (`visibility.shown_actor`: staff by name only to staff)."""
    heading(pdf, _("Riwayat"))
    for event in visible_events(report, viewer):
        actor = shown_actor(event, report, viewer, reporter) or _("sistem")
        pdf.set_font("Helvetica", "B", 9)
        line(pdf, 5, f"{when(event.created_at)} - {event.get_kind_display()} - {actor}")
        if event.text:
            pdf.set_font("Helvetica", "", 9)
            line(pdf, 5, event.text)
        pdf.ln(1)


def footer(pdf, viewer) -> bytes:
    """Who printed it, when and from where; the finished document's bytes."""
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    line(
        pdf,
        4,
        _("Dicetak oleh %(who)s pada %(when)s dari %(site)s")
        % {"who": viewer.display_name, "when": when(timezone.now()), "site": settings.SITE_NAME},
    )
    return bytes(pdf.output())


def render(report, viewer) -> bytes:
    """One report for a paper file (the back office's "Unduh PDF")."""
    reporter = reporter_seen(report, viewer, seen_on="pdf")
    pdf = document(f"{report.code} - {report.title}")
    summary(pdf, report, viewer, reporter)
    timeline(pdf, report, viewer, reporter)
    return footer(pdf, viewer)
