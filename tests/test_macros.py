"""Macros (issue 17): a saved action with its template and assignment, applied in one click or in
bulk. Each report goes through its own action, with its own conflict check; the result lists
what failed."""

import pytest

from aduan.backoffice.models import Macro, ResponseTemplate, TemplateKind
from aduan.reports import actions
from aduan.reports.models import EventKind, Report, Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def _instruction():
    return ResponseTemplate.objects.create(
        kind=TemplateKind.INSTRUCTION, title="Jalan", body="Mohon cek lapangan dalam 3 hari."
    )


def test_a_bulk_macro_over_fifty_reports_acts_on_each_and_reports_the_conflicts(client, cast):
    reports = [report_in(cast, Status.SUBMITTED, title=f"Jalan rusak {i}") for i in range(50)]
    client.force_login(cast.dispatcher)
    created = client.post(
        "/kantor/makro/",
        {
            "name": "Jalan ke PUPR",
            "action": "disposition",
            "template": _instruction().pk,
            "target_agency": cast.agency_a.pk,
        },
    )
    assert created.status_code == 302
    macro = Macro.objects.get(name="Jalan ke PUPR")
    assert macro.agency_id is None and macro.created_by == cast.dispatcher
    selection = [f"{r.code}:{r.version}" for r in reports]
    # Meanwhile: one report changed after the list was shown, one was archived.
    actions.do_set_priority(reports[3], 1, actor=cast.dispatcher, reason="Mendesak.")
    actions.do_archive(reports[7], actor=cast.dispatcher, reason="spam")
    before = {r.pk: r.events.count() for r in reports}

    response = client.post(
        "/kantor/makro/terapkan/",
        {"macro": macro.pk, "reports": selection, "next": "/kantor/antrean/"},
    )
    assert response.status_code == 200
    page = response.text
    assert "berhasil pada 48 dari 50 laporan" in page
    failed = page[page.index('id="macro-failed"') :]
    assert reports[3].code in failed and reports[7].code in failed
    for report in reports:
        report.refresh_from_db()
        added = report.events.count() - before[report.pk]
        if report in (reports[3], reports[7]):
            assert added == 0 and report.status != Status.DISPOSITIONED
        else:
            assert report.status == Status.DISPOSITIONED and report.agency == cast.agency_a
            assert added == 1
            event = report.events.get(kind=EventKind.DISPOSITIONED)
            assert event.actor == cast.dispatcher
            assert report.dispositions.get().instruction == "Mohon cek lapangan dalam 3 hari."


def test_an_officer_macro_accepts_and_assigns_in_one_click(client, cast):
    from tests.conftest import _user

    colleague = _user("petugas-pupr-2", "officer", "pupr")
    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.officer_a)
    client.post(
        "/kantor/makro/",
        {"name": "Terima, ke Budi", "action": "accept", "assignee": colleague.pk},
    )
    macro = Macro.objects.get(name="Terima, ke Budi")
    assert macro.agency == cast.agency_a
    page = client.get(f"/kantor/laporan/{report.code}/").text
    assert 'id="macro-one"' in page and "Terima, ke Budi" in page
    response = client.post(
        "/kantor/makro/terapkan/",
        {
            "macro": macro.pk,
            "reports": f"{report.code}:{report.version}",
            "next": f"/kantor/laporan/{report.code}/",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/kantor/laporan/{report.code}/"
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.assigned_to == colleague


def test_macros_stay_with_their_owners_and_bulk_only_where_it_makes_sense(client, cast):
    answer = ResponseTemplate.objects.create(kind=TemplateKind.ANSWER, title="Selesai", body="Ok.")
    client.force_login(cast.officer_a)
    client.post("/kantor/makro/", {"name": "Jawab", "action": "answer", "template": answer.pk})
    macro = Macro.objects.get(name="Jawab")
    one, two = report_in(cast, Status.IN_PROGRESS), report_in(cast, Status.IN_PROGRESS)
    response = client.post(
        "/kantor/makro/terapkan/",
        {"macro": macro.pk, "reports": [f"{one.code}:{one.version}", f"{two.code}:{two.version}"]},
    )
    assert response.status_code == 302
    assert not Report.objects.filter(status=Status.RESPONDED).exists()
    # Another agency's officer neither sees nor applies nor deletes it.
    client.force_login(cast.officer_b)
    assert f"/kantor/makro/{macro.pk}/hapus/" not in client.get("/kantor/makro/").text
    refused = client.post(
        "/kantor/makro/terapkan/", {"macro": macro.pk, "reports": f"{one.code}:{one.version}"}
    )
    assert refused.status_code == 302
    client.post(f"/kantor/makro/{macro.pk}/hapus/")
    assert Macro.objects.filter(pk=macro.pk).exists()
    # A dispatcher cannot save an officer's action; a citizen cannot open the page.
    client.force_login(cast.dispatcher)
    bad = client.post("/kantor/makro/", {"name": "X", "action": "accept"})
    assert bad.status_code == 400 and not Macro.objects.filter(name="X").exists()
    client.force_login(cast.citizen)
    assert client.get("/kantor/makro/").status_code in (302, 403, 404)


def test_a_macro_for_another_agencys_report_fails_for_that_report_only(client, cast):
    mine = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.officer_b)
    client.post("/kantor/makro/", {"name": "Terima", "action": "accept"})
    macro = Macro.objects.get(name="Terima")
    response = client.post(
        "/kantor/makro/terapkan/",
        {"macro": macro.pk, "reports": [f"{mine.code}:{mine.version}", "XX-NOPE:1"]},
    )
    assert response.status_code == 409
    assert "tidak ditemukan" in response.text
    mine.refresh_from_db()
    assert mine.status == Status.DISPOSITIONED
