"""The evidence pack for evaluators (issue 17): what Kemendagri, KemenPANRB and the Ombudsman grade
a regency on, for one period, as PDF (fpdf2) and XLSX (openpyxl). Built by
`manage.py evidence_pack` and by the button of the evaluation page (`views.evidence_pack`).

1. The figures are `figures.dashboard` itself, over the same reports: counts, time-limit
   compliance (on-time share, median working days), reopen rate, outcomes and ratings equal the
   supervisors' dashboard for the same period (tests/test_stats_evidence.py checks it). Counts by
   channel, classification and rating are one grouped query each over the same reports.
2. Recurring problems (`recurring`) among the reports that are not confidential, with example
   codes and titles of public reports only.
3. Example reports: public reports only (`visibility.public_reports`), in their public text and
   public timeline as anyone reads them (`shown_text`, `visible_events` for nobody); never a
   reporter, never a confidential report.
4. The audit chain's check (`trail.verify`, the whole trail) and the latest signed head with the
   check of its signature and of the trail up to it (`heads.check_signed`).
"""

import io

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.audit import heads, trail
from aduan.audit.models import AuditEntry, SignedHead
from aduan.core.pdf import latin1
from aduan.reports.models import (
    Channel,
    Classification,
    EventKind,
    Report,
    Status,
)
from aduan.reports.visibility import (
    public_reports,
    shown_event_text,
    shown_text,
    staff_reports,
    visible_events,
)

from . import figures, recurring
from .cells import for_xlsx
from .filters import Period

EXAMPLES = 5
RECURRING = 15
EXAMPLE_CHARS = 600
SHOWN_PROBLEMS = 20


def _counts(base, field: str, choices) -> list[tuple[str, int]]:
    counts = dict(base.values_list(field).annotate(n=Count("id")).order_by())
    return [(str(label), counts.get(value, 0)) for value, label in choices]


def _short(text: str, limit: int = EXAMPLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def examples(period: Period) -> list[dict]:
    """A few public reports of the period as the public reads them: those closed after an answer
    first (they show the whole cycle), the most recently closed first."""
    qs = (
        period.filter(public_reports())
        .select_related("category", "agency", "district", "village")
        .order_by("-closed_at", "-responded_at", "-submitted_at", "-id")
    )
    chosen = list(qs.filter(status=Status.CLOSED, responded_at__isnull=False)[:EXAMPLES])
    if len(chosen) < EXAMPLES:
        chosen += list(qs.exclude(pk__in=[r.pk for r in chosen])[: EXAMPLES - len(chosen)])
    out = []
    for r in chosen:
        text = shown_text(r, None)
        answers = [e for e in visible_events(r, None) if e.kind == EventKind.ANSWERED]
        out.append(
            {
                "code": r.code,
                "title": text.title,
                "description": _short(text.description),
                "classification": r.get_classification_display(),
                "category": r.category.name if r.category else "-",
                "agency": r.agency.short_name if r.agency else "-",
                "place": ", ".join(p.name for p in (r.village, r.district) if p is not None),
                "submitted": timezone.localtime(r.submitted_at).strftime("%d-%m-%Y"),
                "status": r.get_status_display(),
                "answer": _short(shown_event_text(answers[-1], r, None)) if answers else "",
                "outcome": r.get_answer_outcome_display() if r.answer_outcome else "",
                "rating": r.rating,
                "reopened": r.reopen_count,
            }
        )
    return out


def audit_check() -> dict:
    """The whole trail verified now, and the latest signed head checked (signature, digest, the
    trail up to it)."""
    problems = trail.verify()
    head = SignedHead.objects.first()
    return {
        "intact": not problems,
        "problems": [
            (f"#{p.entry_id}" if p.entry_id else _("rantai"), p.message)
            for p in problems[:SHOWN_PROBLEMS]
        ],
        "problem_count": len(problems),
        "entries": AuditEntry.objects.count(),
        "head": head,
        "head_problems": heads.check_signed(head) if head is not None else [],
    }


def gather(period: Period, now=None) -> dict:
    now = now or timezone.now()
    data = figures.dashboard(period, now=now)
    base = period.filter(staff_reports())
    data.update(
        {
            "period": period,
            "generated_at": now,
            "by_channel": _counts(base, "channel", Channel.choices),
            "by_classification": _counts(base, "classification", Classification.choices),
            "ratings": _counts(
                base.filter(rating__isnull=False), "rating", [(n, str(n)) for n in range(1, 6)]
            ),
            "recurring": recurring.with_public_examples(
                recurring.find(period, scope=Report.objects.filter(confidential=False))[:RECURRING]
            ),
            "examples": examples(period),
            "audit": audit_check(),
        }
    )
    return data


# --- what both files say -----------------------------------------------------------------------


def _fmt(value, suffix="") -> str:
    return "-" if value is None else f"{value}{suffix}"


def title(period: Period) -> str:
    return _("Paket Bukti Pengelolaan Pengaduan %(site)s, %(a)s s.d. %(b)s") % {
        "site": settings.SITE_NAME,
        "a": period.start.strftime("%d-%m-%Y"),
        "b": period.end.strftime("%d-%m-%Y"),
    }


def summary(data) -> list[tuple[str, object, str]]:
    """(figure, value, definition) of the period as a whole."""
    t = data["total"]
    return [
        (_("Laporan diterima"), t.received, _("Laporan yang dikirim dalam periode.")),
        (_("Belum selesai"), t.open, _("Dari laporan itu, yang masih terbuka saat ini.")),
        (_("Melewati batas waktu"), t.overdue, _("Terbuka dan melewati batas waktu tahap.")),
        (_("Sudah ditindaklanjuti"), t.answered, _("Laporan yang sudah dijawab.")),
        (
            _("Tindak lanjut tepat waktu"),
            _fmt(t.on_time_pct, "%"),
            _("Bagian tindak lanjut (setiap putaran) yang diberikan dalam batas waktu."),
        ),
        (
            _("Median hari kerja sampai diterima"),
            _fmt(t.median_accept),
            _("Nilai tengah hari kerja dari disposisi sampai diterima perangkat daerah."),
        ),
        (
            _("Median hari kerja sampai tindak lanjut"),
            _fmt(t.median_answer),
            _("Nilai tengah hari kerja dari disposisi sampai tindak lanjut pertama."),
        ),
        (
            _("Dibuka kembali"),
            f"{t.reopened} ({_fmt(t.reopen_pct, '%')})",
            _("Laporan yang pelapornya menyatakan belum puas; persen dari yang ditindaklanjuti."),
        ),
        (
            _("Rata-rata penilaian"),
            _fmt(t.avg_rating),
            _("Penilaian pelapor 1-5 atas tindak lanjut."),
        ),
        (_("Selesai ditangani"), t.done, _("Hasil tindak lanjut terakhir.")),
        (_("Dijadwalkan"), t.scheduled, _("Hasil tindak lanjut terakhir.")),
        (_("Tidak dapat ditangani"), t.cannot, _("Hasil tindak lanjut terakhir.")),
    ]


def table_header(first: str | None = None) -> list[str]:
    """The columns of the per-agency (category, district) table, in every file that shows it (this
    package, the monthly evaluation); `first` names the first column (by default "Nama")."""
    return [
        first or _("Nama"),
        _("Diterima"),
        _("Belum selesai"),
        _("Terlambat"),
        _("Tepat waktu"),
        _("Median hari kerja terima"),
        _("Median hari kerja jawab"),
        _("Dibuka kembali"),
        _("Selesai ditangani"),
        _("Dijadwalkan"),
        _("Tidak dapat ditangani"),
        _("Rata-rata nilai"),
    ]


def table_rows(rows, total=None) -> list[list]:
    return [
        [
            r.name,
            r.received,
            r.open,
            r.overdue,
            _fmt(r.on_time_pct, "%"),
            _fmt(r.median_accept),
            _fmt(r.median_answer),
            _fmt(r.reopen_pct, "%"),
            r.done,
            r.scheduled,
            r.cannot,
            _fmt(r.avg_rating),
        ]
        for r in [*rows, *([total] if total is not None else [])]
    ]


def audit_lines(audit) -> list[tuple[str, str]]:
    head = audit["head"]
    lines = [
        (
            _("Hasil pemeriksaan jejak audit"),
            _("UTUH: semua entri cocok dengan rantai hash")
            if audit["intact"]
            else _("RUSAK: %(n)s masalah ditemukan") % {"n": audit["problem_count"]},
        ),
        (_("Jumlah entri jejak audit"), str(audit["entries"])),
    ]
    lines += [(_("Masalah") + f" {where}", message) for where, message in audit["problems"]]
    if head is None:
        lines.append((_("Kepala rantai bertanda tangan"), _("belum ada")))
        return lines
    lines += [
        (
            _("Kepala rantai bertanda tangan terakhir"),
            timezone.localtime(head.signed_at).strftime("%d-%m-%Y %H:%M %Z"),
        ),
        (_("Entri sampai kepala itu"), str(head.entry_count)),
        (_("Ringkasan (SHA-256)"), head.digest),
        (_("Kunci publik (Ed25519)"), f"{head.public_key} ({head.key_id})"),
        (_("Tanda tangan"), head.signature),
        (
            _("Pemeriksaan kepala rantai"),
            _("SAH: tanda tangan dan rantai sampai kepala itu cocok")
            if not audit["head_problems"]
            else _("TIDAK SAH: %(p)s") % {"p": "; ".join(audit["head_problems"])},
        ),
    ]
    return lines


EXAMPLE_FIELDS = (
    ("code", gettext_lazy("Kode")),
    ("title", gettext_lazy("Judul")),
    ("classification", gettext_lazy("Klasifikasi")),
    ("category", gettext_lazy("Kategori")),
    ("agency", gettext_lazy("Perangkat daerah")),
    ("place", gettext_lazy("Lokasi")),
    ("submitted", gettext_lazy("Dikirim")),
    ("status", gettext_lazy("Status")),
    ("description", gettext_lazy("Isi laporan")),
    ("answer", gettext_lazy("Tindak lanjut")),
    ("outcome", gettext_lazy("Hasil tindak lanjut")),
    ("rating", gettext_lazy("Penilaian")),
    ("reopened", gettext_lazy("Dibuka kembali")),
)


def example_labels() -> list[str]:
    return [str(label) for _key, label in EXAMPLE_FIELDS]


# --- XLSX ---------------------------------------------------------------------------------------


def to_xlsx(data) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Ringkasan")
    sheet.append([for_xlsx(title(data["period"]))])
    sheet.append(
        [
            _("Dibuat"),
            timezone.localtime(data["generated_at"]).strftime("%Y-%m-%d %H:%M"),
        ]
    )
    sheet.append([_("Angka"), _("Nilai"), _("Definisi")])
    for row in summary(data):
        sheet.append([for_xlsx(v) for v in row])

    def counts(name, header, rows):
        ws = book.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append([for_xlsx(v) for v in row])

    status = [(str(label), n) for _v, label, n in data["status_share"]]
    counts(_("Per status"), [_("Status"), _("Laporan")], status)
    counts(_("Per kanal"), [_("Kanal"), _("Laporan")], data["by_channel"])
    counts(_("Per klasifikasi"), [_("Klasifikasi"), _("Laporan")], data["by_classification"])
    counts(_("Per kategori"), table_header(), table_rows(data["categories"]))
    counts(_("Per perangkat daerah"), table_header(), table_rows(data["agencies"], data["total"]))
    counts(_("Per kecamatan"), table_header(), table_rows(data["districts"]))
    counts(_("Kepuasan"), [_("Penilaian"), _("Laporan")], data["ratings"])
    counts(_("Masalah berulang"), *recurring.table(data["recurring"], public=True))
    counts(
        _("Contoh laporan"),
        example_labels(),
        [[e[key] for key, _label in EXAMPLE_FIELDS] for e in data["examples"]],
    )
    counts(_("Jejak audit"), [_("Pemeriksaan"), _("Hasil")], audit_lines(data["audit"]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def to_pdf(data) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()

    def heading(text):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)

    def table(header, rows, widths):
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as t:
            t.row([latin1(h) for h in header])
            for row in rows:
                t.row([latin1("" if v is None else v) for v in row])

    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, latin1(title(data["period"])), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(
        0,
        5,
        latin1(
            _("Dibuat %(when)s. Angka sama dengan dasbor pengawasan untuk periode yang sama.")
            % {"when": timezone.localtime(data["generated_at"]).strftime("%d-%m-%Y %H:%M")}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    heading(_("Ringkasan dan kepatuhan batas waktu"))
    table([_("Angka"), _("Nilai"), _("Definisi")], summary(data), [70, 30, 170])
    heading(_("Menurut status, kanal dan klasifikasi"))
    status = [(str(label), n) for _v, label, n in data["status_share"]]
    table(
        [_("Kelompok"), _("Laporan")],
        [*status, *[(f"{_('Kanal')}: {k}", n) for k, n in data["by_channel"]]]
        + [(f"{_('Klasifikasi')}: {k}", n) for k, n in data["by_classification"]],
        [90, 30],
    )
    widths = [60, 16, 18, 16, 17, 24, 24, 19, 17, 19, 22, 17]
    heading(_("Per perangkat daerah"))
    table(table_header(), table_rows(data["agencies"], data["total"]), widths)
    heading(_("Per kategori"))
    table(table_header(), table_rows(data["categories"]), widths)
    heading(_("Per kecamatan"))
    table(table_header(), table_rows(data["districts"]), widths)
    heading(_("Kepuasan pelapor (jumlah laporan per nilai)"))
    table([_("Penilaian"), _("Laporan")], data["ratings"], [30, 30])
    heading(_("Masalah berulang (desa, kategori dan isi yang mirip)"))
    if data["recurring"]:
        table(
            *recurring.table(data["recurring"], public=True),
            [30, 25, 22, 14, 16, 16, 40, 27, 87],
        )
    else:
        pdf.cell(0, 5, latin1(_("Tidak ada.")), new_x="LMARGIN", new_y="NEXT")
    heading(_("Contoh laporan (versi publik)"))
    if not data["examples"]:
        pdf.cell(0, 5, latin1(_("Tidak ada laporan publik.")), new_x="LMARGIN", new_y="NEXT")
    for example in data["examples"]:
        table(
            [_("Bagian"), example["code"]],
            [
                (label, example[key])
                for (key, _l), label in zip(EXAMPLE_FIELDS[1:], example_labels()[1:], strict=True)
            ],
            [45, 225],
        )
        pdf.ln(2)
    heading(_("Pemeriksaan jejak audit"))
    table([_("Pemeriksaan"), _("Hasil")], audit_lines(data["audit"]), [70, 200])
    return bytes(pdf.output())


def render(data, fmt: str) -> bytes:
    return to_pdf(data) if fmt == "pdf" else to_xlsx(data)


def filename(period: Period, fmt: str) -> str:
    return f"paket-bukti-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
