"""Whatever a citizen or an officer types is text everywhere (issue 7): escaped in every page that
shows it, never a formula in an export (tests/test_stats_exports.py), never a header in an
e-mail."""

import csv
import io
import xml.dom.minidom

import pytest
from openpyxl import load_workbook

from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import file_report

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "title": "<script>alert('judul')</script>",
    "description": 'Jalan rusak <img src=x onerror=alert("isi")> di depan sekolah',
    "address": '"><svg onload=alert(2)>',
    "parties_involved": "</textarea><script>alert(3)</script>",
}
NOTE = "<iframe src=javascript:alert(5)></iframe> tim sudah turun"
NAME = "<b onmouseover=alert(4)>Budi</b>"
RAW = [
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "<iframe src",
    "<b onmouseover",
    "</textarea><script>",
]


@pytest.fixture
def report(cast):
    cast.citizen.full_name = NAME
    cast.citizen.save()
    report = file_report(cast, **PAYLOADS)
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction=NOTE)
    actions.do_accept(report, actor=cast.officer_a)
    actions.do_add_note(report, actor=cast.officer_a, text=NOTE, public=True)
    return report


def _pages(client, cast, report):
    yield "public report page", client.get(f"/laporan/{report.code}/")
    yield "feed", client.get("/laporan/")
    yield "feed search", client.get("/laporan/?q=alert+sekolah")
    for who in (cast.citizen, cast.dispatcher, cast.officer_a, cast.supervisor):
        client.force_login(who)
        if who == cast.citizen:
            yield "own report page", client.get(f"/laporan/{report.code}/")
            yield "my reports", client.get("/laporan-saya/")
        else:
            yield f"workspace ({who.username})", client.get(f"/kantor/laporan/{report.code}/")
            yield f"report list ({who.username})", client.get("/kantor/laporan/")
        yield f"notifications ({who.username})", client.get("/notifikasi/")
    client.force_login(cast.officer_a)
    yield "inbox", client.get("/kantor/kotak-masuk/")


def test_typed_text_is_escaped_in_every_page(client, cast, report):
    shown = 0
    for name, response in _pages(client, cast, report):
        assert response.status_code == 200, name
        body = response.content.decode()
        assert not [raw for raw in RAW if raw in body], name
        shown += body.count("&lt;script&gt;alert(") + body.count("&lt;iframe src=javascript")
    assert shown >= 5  # the texts are there, as text


def test_open311_xml_stays_well_formed_with_markup_in_the_text(client, report):
    for path in ("/open311/v2/requests.xml", f"/open311/v2/requests/{report.code}.xml"):
        response = client.get(path)
        assert response.status_code == 200
        document = xml.dom.minidom.parseString(response.content)
        assert not document.getElementsByTagName("script")


def test_exports_of_the_same_report_hold_no_formula_and_no_markup_runs(client, cast):
    report = file_report(
        cast,
        title='=HYPERLINK("http://penyerang.invalid","klik")',
        description="+1+1",
        address="@SUM(A1:A9)",
    )
    client.force_login(cast.dispatcher)
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get("/kantor/laporan/?format=csv").streaming_content)
                .decode()
                .lstrip("\ufeff")
            )
        )
    )
    titles = [row[1] for row in rows[1:] if row[0] == report.code]
    assert titles == ['\'=HYPERLINK("http://penyerang.invalid","klik")']
    book = load_workbook(io.BytesIO(client.get("/kantor/laporan/?format=xlsx").content))
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]  # openpyxl would store "=..." as a formula


def test_typed_text_cannot_add_headers_or_recipients_to_staff_mail(cast, mailoutbox):
    report = file_report(
        cast, title="Jalan rusak\r\nBcc: semua@example.test", reporter_name="Budi\r\nCc: x@y.z"
    )
    actions.do_disposition(
        report,
        cast.agency_a,
        actor=cast.dispatcher,
        instruction="Segera\r\nBcc: bocor@example.test\r\nSubject: palsu",
    )
    for pk in outbox.due_ids():
        outbox.deliver(pk)
    to_officer = [m for m in mailoutbox if cast.officer_a.email in m.recipients()]
    assert to_officer and Notification.objects.filter(kind="report_dispositioned").exists()
    for message in mailoutbox:
        headers = message.message().as_string().split("\n\n", 1)[0]
        assert "Bcc" not in headers and "Cc:" not in headers and headers.count("Subject:") == 1
        assert all(
            r.endswith("@example.test") and "bocor" not in r and "semua" not in r
            for r in message.recipients()
        )
    report.refresh_from_db()
    assert report.status == Status.DISPOSITIONED
