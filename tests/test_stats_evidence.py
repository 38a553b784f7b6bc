"""The evidence pack for evaluators (issue 17): one command and one button build the period's
counts, time-limit compliance, satisfaction, recurring problems, public examples and the audit
chain's check as PDF and XLSX; the figures are the dashboard's."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from aduan.audit import heads
from aduan.audit.models import AuditEntry
from aduan.reports import actions
from aduan.reports.models import Status
from aduan.stats import evidence
from aduan.stats.filters import Period

from .conftest import report_in

pytestmark = pytest.mark.django_db

WITA = dt.timezone(dt.timedelta(hours=8))
DAY = dt.datetime(2026, 3, 10, 9, 0, tzinfo=WITA)
LATER = DAY + dt.timedelta(days=20)
PERIOD = {"dari": "2026-03-01", "sampai": "2026-03-31"}
SHEETS = [
    "Ringkasan",
    "Per status",
    "Per kanal",
    "Per klasifikasi",
    "Per kategori",
    "Per perangkat daerah",
    "Per kecamatan",
    "Kepuasan",
    "Masalah berulang",
    "Contoh laporan",
    "Jejak audit",
]


@pytest.fixture
def march(cast):
    """March 2026: closed and rated, reopened, confidential, anonymous, waiting, archived; the
    head of the audit chain signed."""
    with time_machine.travel(DAY, tick=False):
        closed = report_in(
            cast,
            Status.CLOSED,
            title="Jalan berlubang depan SD Seketeng",
            description="Hubungi saya di 081234567890 soal jalan berlubang depan SD Seketeng.",
        )
        reopened = report_in(cast, Status.RESPONDED)
        actions.do_reject_answer(reopened, actor=cast.citizen, reason="Belum diperbaiki.")
        secret = report_in(cast, Status.CLOSED, confidential=True, title="Pungli di kantor desa")
        anonymous = report_in(cast, Status.IN_PROGRESS, anonymous=True)
        report_in(cast, Status.SUBMITTED)
        report_in(cast, Status.ARCHIVED)
        heads.sign_head()
    return {"closed": closed, "reopened": reopened, "secret": secret, "anonymous": anonymous}


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_packs_figures_are_the_dashboards_for_the_same_period(client, cast, march):
    client.force_login(cast.supervisor)
    with time_machine.travel(LATER, tick=False):
        staff = client.get("/kantor/statistik/", PERIOD).context
        pack = evidence.gather(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    attrs = (
        "received",
        "open",
        "overdue",
        "answered",
        "answers",
        "answers_on_time",
        "reopened",
        "done",
        "scheduled",
        "cannot",
        "on_time_pct",
        "median_accept",
        "median_answer",
        "reopen_pct",
        "avg_rating",
    )
    for attr in attrs:
        assert getattr(pack["total"], attr) == getattr(staff["total"], attr), attr
    for group in ("agencies", "categories", "districts"):
        assert [(r.name, *(getattr(r, a) for a in attrs)) for r in pack[group]] == [
            (r.name, *(getattr(r, a) for a in attrs)) for r in staff[group]
        ], group
    assert pack["status_share"] == staff["status_share"]
    assert pack["total"].received == 6 and pack["total"].reopened == 1
    assert dict(pack["by_channel"])["Situs web"] == 6
    assert dict(pack["ratings"])["5"] == 2


def test_the_examples_are_public_reports_in_public_words(cast, march):
    with time_machine.travel(LATER, tick=False):
        pack = evidence.gather(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    codes = [e["code"] for e in pack["examples"]]
    assert march["closed"].code == codes[0]  # closed after an answer first
    assert march["secret"].code not in codes  # confidential
    first = pack["examples"][0]
    assert "081234567890" not in first["description"]  # masked as on the public page
    assert first["answer"] == "Sudah diperbaiki." and first["rating"] == 5


def test_the_button_downloads_an_xlsx_with_every_sheet_and_is_audited(client, cast, march):
    client.force_login(cast.supervisor)
    with time_machine.travel(LATER, tick=False):
        response = client.get(
            "/kantor/statistik/evaluasi/paket-bukti/", {**PERIOD, "format": "xlsx"}
        )
    assert response.status_code == 200
    assert 'filename="paket-bukti-20260301-20260331.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == SHEETS
    summary = {row[0].value: row[1].value for row in book["Ringkasan"].iter_rows(min_row=4)}
    assert summary["Laporan diterima"] == 6
    audit = {row[0].value: row[1].value for row in book["Jejak audit"].iter_rows(min_row=2)}
    assert audit["Hasil pemeriksaan jejak audit"].startswith("UTUH")
    assert audit["Pemeriksaan kepala rantai"].startswith("SAH")
    text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    for identity in ("Wayan", "warga-uji", "Pungli di kantor desa", "081234567890"):
        assert identity not in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Kind.EXPORTED).latest("id")
    assert entry.actor == cast.supervisor and entry.detail["pack"] == "evidence"


def test_the_button_downloads_a_pdf_with_the_audit_check(client, cast, march):
    client.force_login(cast.dispatcher)
    with time_machine.travel(LATER, tick=False):
        response = client.get(
            "/kantor/statistik/evaluasi/paket-bukti/", {**PERIOD, "format": "pdf"}
        )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "UTUH" in text and "Pemeriksaan jejak audit" in text
    assert "Kepala rantai bertanda tangan terakhir" in text
    assert "Wayan" not in text and "Pungli di kantor desa" not in text


def test_a_broken_chain_is_reported_in_the_pack(cast, march):
    from django.db import connection

    entry = AuditEntry.objects.order_by("id").first()
    with connection.cursor() as cursor:  # behind the application's back: entries are append-only
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = 'diubah' WHERE id = %s", [entry.pk]
        )
    with time_machine.travel(LATER, tick=False):
        data = evidence.gather(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert not data["audit"]["intact"]
    assert "RUSAK" in _pdf_text(evidence.to_pdf(data))


def test_the_command_writes_both_files(cast, march, tmp_path):
    out = io.StringIO()
    with time_machine.travel(LATER, tick=False):
        call_command(
            "evidence_pack",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--out",
            str(tmp_path),
            stdout=out,
        )
    pdf = tmp_path / "paket-bukti-20260301-20260331.pdf"
    xlsx = tmp_path / "paket-bukti-20260301-20260331.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert load_workbook(xlsx).sheetnames == SHEETS
    assert "Jejak audit utuh" in out.getvalue()


def test_the_pack_is_refused_to_officers_citizens_and_visitors(client, cast):
    url = "/kantor/statistik/evaluasi/paket-bukti/"
    for user in (cast.officer_a, cast.inspector, cast.citizen, cast.sysadmin):
        client.force_login(user)
        assert client.get(url, {**PERIOD, "format": "pdf"}).status_code == 403
    client.logout()
    assert client.get(url, {**PERIOD, "format": "pdf"}).status_code == 302


def test_a_wrong_request_is_answered_on_the_evaluation_page(client, cast):
    client.force_login(cast.supervisor)
    url = "/kantor/statistik/evaluasi/paket-bukti/"
    for params in ({"format": "pdf"}, {**PERIOD, "format": "doc"}, {"dari": "x", "format": "pdf"}):
        response = client.get(url, params)
        assert response.status_code == 422
        assert "Pilih periode dan format paket bukti yang valid." in response.content.decode()
    page = client.get("/kantor/statistik/evaluasi/").content.decode()
    assert 'action="/kantor/statistik/evaluasi/paket-bukti/"' in page


def test_a_recurring_problem_of_confidential_reports_stays_out_of_the_pack(cast, march):
    from aduan.directory.models import Category
    from aduan.stats import recurring

    pungli = Category.objects.get(code="pungli")
    with time_machine.travel(DAY, tick=False):
        for text in ("Pungli di loket desa Seketeng", "Pungli lagi di loket desa Seketeng"):
            report_in(
                cast,
                Status.DISPOSITIONED,
                confidential=True,
                category=pungli,
                title=text,
                description=f"{text}: petugas meminta uang untuk surat keterangan.",
            )
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    with time_machine.travel(LATER, tick=False):
        staff = recurring.find(period)
        pack = evidence.gather(period)
    assert "Pungutan Liar" in [p.category for p in staff]  # supervisors see it
    assert "Pungutan Liar" not in [p.category for p in pack["recurring"]]
    assert pack["recurring"]  # the public pothole is there
