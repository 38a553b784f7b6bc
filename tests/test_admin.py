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
