"""A dispatcher marks a citizen as RT/RW; nobody else may, and every change is audited."""

import pytest

from aduan.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_dispatcher_marks_and_unmarks_a_representative(client, cast):
    client.force_login(cast.dispatcher)
    page = client.get("/kantor/rt-rw/", {"q": "warga-lain"}).content.decode()
    assert cast.other_citizen.username in page and cast.officer_a.username not in page
    response = client.post(f"/kantor/rt-rw/{cast.other_citizen.pk}/", {"is_representative": "1"})
    assert response.status_code == 302
    cast.other_citizen.refresh_from_db()
    assert cast.other_citizen.is_representative
    client.post(f"/kantor/rt-rw/{cast.other_citizen.pk}/", {"is_representative": "0"})
    cast.other_citizen.refresh_from_db()
    assert not cast.other_citizen.is_representative
    # The record the admin writes for the same change: one name, whoever changes it.
    records = AuditEntry.objects.filter(
        action="account_representative_changed", detail__account="warga-lain"
    ).order_by("id")
    assert [(r.actor, r.detail["before"], r.detail["after"]) for r in records] == [
        (cast.dispatcher, False, True),
        (cast.dispatcher, True, False),
    ]


def test_without_a_query_it_lists_the_representatives(client, cast):
    client.force_login(cast.dispatcher)
    page = client.get("/kantor/rt-rw/").content.decode()
    assert cast.representative.username in page and cast.citizen.username not in page


@pytest.mark.parametrize(
    "who, status",
    [("citizen", 403), ("officer_a", 403), ("supervisor", 403), ("representative", 403)],
)
def test_nobody_else_may(client, cast, who, status):
    client.force_login(getattr(cast, who))
    assert client.get("/kantor/rt-rw/").status_code == status
    assert (
        client.post(f"/kantor/rt-rw/{cast.citizen.pk}/", {"is_representative": "1"}).status_code
        == status
    )
    cast.citizen.refresh_from_db()
    assert not cast.citizen.is_representative


def test_staff_cannot_be_made_representatives(client, cast):
    client.force_login(cast.dispatcher)
    assert (
        client.post(f"/kantor/rt-rw/{cast.officer_a.pk}/", {"is_representative": "1"}).status_code
        == 404
    )


def test_logged_out_visitors_are_sent_to_log_in(client, cast):
    assert client.get("/kantor/rt-rw/").status_code == 302
