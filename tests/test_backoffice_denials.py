"""Who is turned away where: an officer of agency B never reaches agency A's reports, nobody but
the dispatcher and the reporter sees an anonymous reporter, and each page keeps to its roles."""

import io

import pytest
from openpyxl import load_workbook

from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db

SECRETS = ("Wayan Sudarsana", "+6281339100011", "warga-uji@example.test")


def _export_text(client, fmt, query=""):
    response = client.get(f"/kantor/laporan/?format={fmt}{query}")
    assert response.status_code == 200
    if fmt == "csv":
        return b"".join(response.streaming_content).decode()
    book = load_workbook(io.BytesIO(response.content))
    return "\n".join(str(c.value) for row in book.active.iter_rows() for c in row)


def _listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [r.code for r in response.context["page"]]


def test_officer_of_agency_b_gets_404_on_agency_a_report_everywhere(client, cast):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_add_note(report, actor=cast.officer_a, text="Foto lokasi", public=True)
    client.force_login(cast.officer_b)
    assert client.get(f"/kantor/laporan/{report.code}/").status_code == 404
    assert (
        client.post(
            f"/kantor/laporan/{report.code}/aksi/note/", {"version": report.version, "text": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/kantor/laporan/{report.code}/lampiran/1/").status_code == 404
    assert report.code not in _listed(client, "/kantor/kotak-masuk/?status=in_progress")
    assert report.code not in _listed(client, f"/kantor/laporan/?q={report.code}")
    assert report.code not in _listed(client, "/kantor/laporan/?status=in_progress")
    assert report.code not in _export_text(client, "csv")
    assert report.code not in _export_text(client, "xlsx", f"&q={report.code}")


def test_no_officer_or_supervisor_sees_an_anonymous_reporter(client, cast):
    report = report_in(cast, Status.IN_PROGRESS, anonymous=True)
    for viewer in (cast.officer_a, cast.supervisor):
        client.force_login(viewer)
        page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
        assert "Anonim" in page
        for text in (*SECRETS, "warga-uji"):
            assert text not in page
            assert text not in _export_text(client, "csv")
            assert text not in _export_text(client, "xlsx")
    client.force_login(cast.dispatcher)
    assert "Wayan Sudarsana" in client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert "Wayan Sudarsana" in _export_text(client, "csv")


def test_officer_sees_a_named_reporter_of_own_agency(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.officer_a)
    assert "Wayan Sudarsana" in client.get(f"/kantor/laporan/{report.code}/").content.decode()


@pytest.mark.parametrize(
    "path,allowed",
    [
        ("/kantor/antrean/", {"dispatcher"}),
        ("/kantor/pengaduan-baru/", {"dispatcher"}),
        ("/kantor/kotak-masuk/", {"officer_a"}),
        ("/kantor/audit/", {"supervisor"}),
        ("/kantor/statistik/", {"dispatcher", "supervisor"}),
        ("/kantor/statistik/terlambat/", {"dispatcher", "supervisor"}),
        ("/kantor/statistik/evaluasi/", {"dispatcher", "supervisor"}),
        ("/kantor/statistik/berulang/", {"dispatcher", "supervisor"}),
        ("/kantor/laporan/", {"dispatcher", "supervisor", "officer_a"}),
    ],
)
def test_each_page_keeps_to_its_roles(client, cast, path, allowed):
    for who in ("citizen", "representative", "dispatcher", "officer_a", "supervisor", "sysadmin"):
        client.force_login(getattr(cast, who))
        expected = 200 if who in allowed else 403
        assert client.get(path).status_code == expected, (who, path)
    client.logout()
    assert client.get(path).status_code == 302


def test_a_supervisor_reads_but_cannot_act(client, cast):
    report = report_in(cast, Status.SUBMITTED)
    client.force_login(cast.supervisor)
    assert client.get(f"/kantor/laporan/{report.code}/").status_code == 200
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/close/", {"version": report.version, "reason": "x"}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_an_officer_cannot_take_the_dispatchers_action(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.officer_a)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/redisposition/",
        {"version": report.version, "agency": cast.agency_b.pk},
    )
    assert response.status_code == 403
    assert "tidak berwenang" in response.content.decode()
    report.refresh_from_db()
    assert report.agency == cast.agency_a


def test_a_citizen_is_turned_away_from_a_workspace(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.citizen)
    assert client.get(f"/kantor/laporan/{report.code}/").status_code == 403


def test_an_anonymous_reporters_file_name_is_hidden_from_the_agency(client, cast):
    from django.core.files.base import ContentFile

    upload = ContentFile(b"%PDF-1.4 ktp", name="KTP_Wayan_Sudarsana.pdf")
    upload.content_type = "application/pdf"
    report = report_in(cast, Status.IN_PROGRESS, anonymous=True, attachments=[upload])
    attachment = report.attachments.get()
    actions.do_share_evidence(report, actor=cast.dispatcher, shared=[attachment.pk])  # need-to-know
    client.force_login(cast.officer_a)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert "Wayan" not in page and f"lampiran-pelapor-{attachment.pk}.pdf" in page
    download = client.get(f"/kantor/laporan/{report.code}/lampiran/{attachment.pk}/")
    assert "Wayan" not in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ktp"
    client.force_login(cast.dispatcher)
    download = client.get(f"/kantor/laporan/{report.code}/lampiran/{attachment.pk}/")
    assert "KTP_Wayan_Sudarsana.pdf" in download["Content-Disposition"]
