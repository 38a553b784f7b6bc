"""The Django admin for sysadmins: master data, users and roles, templates."""

import pytest

from aduan.accounts.models import User
from aduan.directory.models import Agency

pytestmark = pytest.mark.django_db

PAGES = [
    "accounts/user",
    "directory/agency",
    "directory/category",
    "directory/region",
    "directory/holiday",
    "directory/slapolicy",
    "backoffice/responsetemplate",
    "audit/auditentry",
]


@pytest.mark.parametrize("page", PAGES)
def test_sysadmin_reaches_each_page(client, cast, page):
    client.force_login(cast.sysadmin)
    assert client.get(f"/admin/{page}/").status_code == 200
    if page != "audit/auditentry":
        assert client.get(f"/admin/{page}/add/").status_code == 200


def test_staff_without_admin_rights_is_turned_away(client, cast):
    client.force_login(cast.dispatcher)
    assert client.get("/admin/directory/agency/").status_code == 302


def test_an_agency_is_deactivated_not_deleted(client, cast):
    client.force_login(cast.sysadmin)
    agency = cast.agency_b
    assert client.get(f"/admin/directory/agency/{agency.pk}/delete/").status_code == 403
    client.post(
        "/admin/directory/agency/", {"action": "deactivate", "_selected_action": [agency.pk]}
    )
    agency.refresh_from_db()
    assert not agency.is_active and Agency.objects.filter(pk=agency.pk).exists()
    # In the admin's history, with who did it, as an edit on the agency's form would be.
    from django.contrib.admin.models import LogEntry

    entry = LogEntry.objects.get(object_id=str(agency.pk), content_type__model="agency")
    assert entry.user == cast.sysadmin and "is_active" in entry.change_message


def test_the_audit_trail_is_read_only_in_the_admin(client, cast):
    from tests.conftest import report_in

    report_in(cast, "submitted")
    client.force_login(cast.sysadmin)
    from aduan.audit.models import AuditEntry

    entry = AuditEntry.objects.first()
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "x"}).status_code
        == 403
    )


def test_an_officer_needs_an_agency(client, cast):
    client.force_login(cast.sysadmin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "petugas-baru",
            "role": "officer",
            "agency": "",
            "password1": "Sangat-rahasia-2026",
            "password2": "Sangat-rahasia-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "wajib memiliki perangkat daerah" in response.content.decode()
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "petugas-baru",
            "role": "officer",
            "agency": cast.agency_a.pk,
            "password1": "Sangat-rahasia-2026",
            "password2": "Sangat-rahasia-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="petugas-baru").agency == cast.agency_a


def test_users_are_deactivated_not_deleted(client, cast):
    client.force_login(cast.sysadmin)
    assert client.get(f"/admin/accounts/user/{cast.officer_b.pk}/delete/").status_code == 403
    client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [cast.officer_b.pk]}
    )
    cast.officer_b.refresh_from_db()
    assert not cast.officer_b.is_active


# --- the sysadmin's admin reveals no reporter (issue 11 §5) ------------------------------------


def _anonymous_and_named(cast):
    from aduan.reports import actions

    anonymous, _secret = actions.do_file_report(
        reporter=cast.citizen,
        anonymous=True,
        title="Pungutan liar di kantor desa",
        description="Petugas meminta uang untuk surat keterangan.",
    )
    named, _secret = actions.do_file_report(
        reporter=cast.citizen, title="Lampu jalan padam", description="Gelap sejak seminggu."
    )
    return anonymous, named


def _identity(cast) -> list[str]:
    return [cast.citizen.username, cast.citizen.full_name, cast.citizen.email]


def test_the_audit_entries_show_an_anonymous_reporter_as_the_supervisors_page_does(client, cast):
    from aduan.audit.models import AuditEntry

    anonymous, named = _anonymous_and_named(cast)
    client.force_login(cast.sysadmin)
    page = client.get("/admin/audit/auditentry/").text
    rows = {c: next(r for r in page.split("<tr") if c in r) for c in (anonymous.code, named.code)}
    assert "pelapor (anonim)" in rows[anonymous.code]
    assert cast.citizen.username not in rows[anonymous.code]
    assert cast.citizen.username in rows[named.code]  # a named reporter is shown as before
    entry = AuditEntry.objects.get(report_code=anonymous.code, action="submitted")
    one = client.get(f"/admin/audit/auditentry/{entry.pk}/change/").text
    assert anonymous.code in one and "pelapor (anonim)" in one
    assert not [s for s in _identity(cast) if s in one]


def test_a_search_by_user_name_never_returns_an_anonymous_report_in_any_admin_list(
    client, cast, tmp_path
):
    """Every registered ModelAdmin with a search, searched by the reporter's user name, name and
    e-mail: an anonymous report's code never comes back, a named one's still may."""
    from django.contrib import admin

    anonymous, named = _anonymous_and_named(cast)
    client.force_login(cast.sysadmin)
    searched = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for term in _identity(cast):
            response = client.get(url, {"q": term})
            assert response.status_code == 200, url
            assert anonymous.code not in response.text, (url, term)
        searched.append(url)
    assert "/admin/audit/auditentry/" in searched and "/admin/triage/importrecord/" in searched
    found = client.get("/admin/audit/auditentry/", {"q": cast.citizen.username}).text
    assert named.code in found  # the search itself works


def test_import_records_name_a_report_by_its_code_only(client, cast, tmp_path):
    from aduan.triage.models import ImportRecord
    from tests.test_import_reports import GOOD, run, write_csv

    run(write_csv(tmp_path / "lama.csv", GOOD[:1]))
    record = ImportRecord.objects.select_related("report").get()
    client.force_login(cast.sysadmin)
    listed = client.get("/admin/triage/importrecord/").text
    one = client.get(f"/admin/triage/importrecord/{record.pk}/change/").text
    for page in (listed, one):
        assert record.report.code in page and record.report.title not in page


def test_forwardings_and_remote_requests_name_a_report_by_its_code_only(client, cast):
    """A report's title (and the text sent outside with it) can name its reporter: the admin's
    pages show its code (`Report.__str__`), as the import records' and LAPOR! links' do."""
    import datetime as dt

    from django.utils import timezone

    from aduan.federation.models import RemoteRequest, RemoteServer
    from aduan.forwarding.models import Forwarding, OutsideContact
    from aduan.reports.models import Status
    from tests.conftest import report_in

    report = report_in(cast, Status.IN_PROGRESS, title="Pak Made Wirawan memungut uang")
    contact = OutsideContact.objects.create(name="Balai Jalan Nasional", email="bjn@example.test")
    forwarding = Forwarding.objects.create(
        report=report,
        contact=contact,
        text="Laporan Pak Made Wirawan: jalan rusak.",
        token_hash="x" * 64,
        created_by=cast.dispatcher,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    server = RemoteServer.objects.create(name="Provinsi NTB", base_url="https://ntb.example.test/")
    remote = RemoteRequest.objects.create(report=report, server=server, service_code="jalan")
    client.force_login(cast.sysadmin)
    pages = [
        "/admin/forwarding/forwarding/",
        f"/admin/forwarding/forwarding/{forwarding.pk}/change/",
        "/admin/federation/remoterequest/",
        f"/admin/federation/remoterequest/{remote.pk}/change/",
    ]
    for url in pages:
        page = client.get(url).text
        assert report.code in page and "Wirawan" not in page, url
