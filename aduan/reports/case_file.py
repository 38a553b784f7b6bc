"""The case file a reporter takes to the Ombudsman RI (issue 16, "no wrong door"): once the
legal time limit passed and the reporter handed the report over (`actions.do_hand_over_to_
ombudsman`), what happened to it, drawn for one viewer as a PDF.

It holds the report (`paper.summary`), its timeline as the viewer may read it (`paper.timeline`),
the hand-over statement with the time of consent, and the audit chain's proof: the report's
audit entries with their hashes, the check of the report's chain up to its current end and up to
the latest signed head (`aduan.audit.heads`), and that head's statement and Ed25519 signature, so
that an investigator can check the regency's record without trusting it. Who may download it is
`visibility.case_file_for`; the portal, the back office and the API all call `render`.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.audit import heads, trail
from aduan.audit.models import AuditHead, SignedHead

from . import paper
from .models import EventKind
from .visibility import reporter_seen, visible_audit_entries, visible_events


@dataclass
class Proof:
    """What the case file says of the audit chain of one report."""

    chain: int
    entries: list
    intact: bool  # the report's chain holds, from its start to its current end
    problems: list[str]
    head: SignedHead | None  # the latest signed head
    head_problems: list[str]  # its signature, digest, and the report's chain up to it
    head_position: list | None  # [chain, last_id, count, last_hash] of the report's chain in it
    covered: int  # how many of the shown entries the signed head covers


def proof_for(report, viewer) -> Proof:
    """1. The report's entries the viewer may see. 2. Its chain walked from the start to its
    current end (`heads.check_chain`). 3. The latest signed head: its signature and digest, and
    the report's chain up to the position the head recorded for it."""
    entries = visible_audit_entries(report, viewer)
    chain = entries[0].chain if entries else trail.chain_for(report)
    end = AuditHead.objects.filter(pk=chain + 1).first()
    if end is None:
        problems = [_("Rantai audit laporan ini belum memiliki ujung.")] if entries else []
    else:
        found = heads.check_chain(chain, end.last_id, end.count, end.last_hash)
        problems = [p.message for p in found]
    head = SignedHead.objects.first()
    head_problems: list[str] = []
    position = None
    covered = 0
    if head is not None:
        head_problems = heads.check_signed(head, chains=False)
        position = next((h for h in head.heads if h[0] == chain), None)
        if position is not None:
            head_problems += [p.message for p in heads.check_chain(*position)]
            covered = sum(1 for e in entries if e.pk <= position[1])
    return Proof(
        chain=chain,
        entries=entries,
        intact=not problems,
        problems=problems,
        head=head,
        head_problems=head_problems,
        head_position=position,
        covered=covered,
    )


def _statement(pdf, report, viewer) -> None:
    handed = next(
        (e for e in visible_events(report, viewer) if e.kind == EventKind.OMBUDSMAN), None
    )
    data = handed.data if handed is not None else {}
    paper.heading(pdf, _("Pernyataan penyerahan"))
    paper.line(
        pdf,
        5,
        _(
            "Pelapor menyerahkan laporan ini kepada Ombudsman Republik Indonesia pada %(when)s, "
            "karena batas waktu penanganannya (%(due)s) terlewati. Persetujuan pelapor atas "
            "penyerahan laporan beserta riwayatnya dicatat pada %(consent)s. Penyerahan ini "
            "tidak menutup laporan: %(site)s tetap menanganinya."
        )
        % {
            "when": paper.when(report.ombudsman_at),
            "due": paper.when(_parsed(data.get("due_at"))) if data.get("due_at") else "-",
            "consent": paper.when(_parsed(data.get("consent_at")) or report.ombudsman_at),
            "site": settings.SITE_NAME,
        },
    )


def _parsed(value):
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audit_proof(pdf, proof: Proof) -> None:
    paper.heading(pdf, _("Bukti jejak audit"))
    paper.line(
        pdf,
        5,
        _(
            "Setiap tindakan atas laporan dicatat dalam jejak audit yang dirantai dengan hash "
            "SHA-256 (hash tiap entri mencakup hash entri sebelumnya). Entri laporan ini berada "
            "pada rantai %(chain)s."
        )
        % {"chain": proof.chain},
    )
    pdf.set_font("Helvetica", "", 7)
    rows = [(_("Entri"), _("Waktu (UTC)"), _("Tindakan"), _("Hash"))]
    rows += [
        (
            f"#{e.pk}",
            e.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            e.action,
            e.hash,
        )
        for e in proof.entries
    ]
    paper.table(pdf, rows, widths=(14, 30, 40, 106))
    pdf.set_font("Helvetica", "B", 9)
    pdf.ln(1)
    if proof.intact:
        result = _(
            "Hasil pemeriksaan rantai audit: UTUH. Rantai %(chain)s diperiksa dari awal sampai "
            "ujungnya; setiap hash dan setiap tautan cocok."
        ) % {"chain": proof.chain}
    else:
        result = _("Hasil pemeriksaan rantai audit: RUSAK. %(problems)s") % {
            "problems": "; ".join(proof.problems)
        }
    paper.line(pdf, 5, result)
    pdf.set_font("Helvetica", "", 9)
    head = proof.head
    paper.heading(pdf, _("Kepala rantai bertanda tangan terbaru"))
    if head is None:
        paper.line(pdf, 5, _("Belum ada kepala rantai yang ditandatangani."))
        return
    paper.table(
        pdf,
        [
            (_("Ditandatangani"), paper.when(head.signed_at)),
            (_("Jumlah entri"), str(head.entry_count)),
            (_("Ringkasan (SHA-256)"), head.digest),
            (_("Kunci publik (Ed25519)"), f"{head.public_key} ({head.key_id})"),
            (
                _("Rantai laporan ini pada kepala"),
                " ".join(str(v) for v in proof.head_position) if proof.head_position else "-",
            ),
            (
                _("Entri laporan yang tercakup"),
                _("%(covered)s dari %(total)s")
                % {"covered": proof.covered, "total": len(proof.entries)},
            ),
            (
                _("Pemeriksaan kepala"),
                _("SAH: tanda tangan, ringkasan dan rantai laporan ini cocok.")
                if not proof.head_problems
                else _("TIDAK SAH: %(problems)s") % {"problems": "; ".join(proof.head_problems)},
            ),
        ],
    )
    pdf.ln(1)
    pdf.set_font("Helvetica", "", 7)
    paper.line(pdf, 4, _("Pernyataan yang ditandatangani:"))
    paper.line(pdf, 4, head.statement)
    paper.line(pdf, 4, _("Tanda tangan (base64): %(signature)s") % {"signature": head.signature})
    pdf.set_font("Helvetica", "", 9)


def _how_to_verify(pdf) -> None:
    site = settings.SITE_URL.rstrip("/")
    paper.heading(pdf, _("Cara memeriksa"))
    paper.line(
        pdf,
        5,
        _(
            "Kepala rantai yang ditandatangani setiap hari diterbitkan bersama kunci publiknya di "
            "halaman publik %(heads)s (juga %(json)s). Periksa tanda tangan Ed25519 atas "
            "pernyataan di atas (teks UTF-8) dengan kunci publik yang diterbitkan; pernyataan "
            "memuat ringkasan SHA-256 dari kepala setiap rantai. Entri laporan dengan nomor tidak "
            "lebih besar dari nomor ujung rantai pada kepala itu tercakup olehnya: bila salah "
            "satunya diubah atau dihapus, rantai tidak lagi cocok dengan kepala yang telah "
            "diterbitkan. Tanda terima pengiriman laporan diperiksa di %(receipts)s."
        )
        % {
            "heads": site + reverse("audit_heads"),
            "json": site + reverse("audit_heads_json"),
            "receipts": site + reverse("verify_receipt"),
        },
    )


def render(report, viewer) -> bytes:
    """The case file as `viewer` may see it (the caller checked `visibility.case_file_for`)."""
    reporter = reporter_seen(report, viewer, seen_on="case_file")
    pdf = paper.document(
        _("Berkas perkara untuk Ombudsman RI: %(code)s - %(title)s")
        % {"code": report.code, "title": report.title}
    )
    _statement(pdf, report, viewer)
    paper.heading(pdf, _("Ringkasan laporan"))
    paper.summary(pdf, report, viewer, reporter)
    paper.timeline(pdf, report, viewer, reporter)
    _audit_proof(pdf, proof_for(report, viewer))
    _how_to_verify(pdf)
    return paper.footer(pdf, viewer)
