"""Changes to a user's role, agency, second factor or verified phone go into the audit chain and
show on the supervisors' audit page, whoever makes them and through whichever door: the sysadmin
in the Django admin cannot quietly give itself a role that reads reports, nor remove a staff
member's authenticator (issue 11 §3)."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.forms import CheckboxInput, SplitDateTimeWidget

from aduan.accounts import actions, mfa
from aduan.accounts.models import Role
from aduan.api.models import ApiToken
from aduan.audit import trail
from aduan.audit.models import AuditEntry
from tests.api.conftest import ApiClient
from tests.conftest import PASSWORD
from tests.totp import STAFF_TOTP_SECRET, totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(client, cast):
    """The sysadmin logged in the real way: password and authenticator code (allauth remembers
    used codes in the cache, which outlives each test's database)."""
    cache.clear()
    client.post("/masuk/", {"login": "sysadmin-uji", "password": PASSWORD})
    client.post("/akun/2fa/authenticate/", {"code": totp(STAFF_TOTP_SECRET)})
    assert client.session.get("_auth_user_id") == str(cast.sysadmin.pk)
    return client


def _admin_save(client, user, **changes):
    """POST the admin's change form of `user` as the page shows it, with `changes`."""
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if name == "password":
            continue
        value = changes.get(name, form[name].value())
        if isinstance(field.widget, SplitDateTimeWidget):
            value = value or dt.datetime(2026, 1, 1)
            data[f"{name}_0"], data[f"{name}_1"] = value.date(), value.time()
        elif isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = list(value)
        else:
            data[name] = "" if value is None else value
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def _audit_page(client, user, **params):
    client.force_login(user)
    return client.get("/kantor/audit/", params).content.decode()


def test_a_sysadmin_giving_itself_a_role_that_reads_reports_is_on_the_record(sysadmin, cast):
    from django.test import Client

    _admin_save(sysadmin, cast.sysadmin, role=Role.SUPERVISOR)
    cast.sysadmin.refresh_from_db()
    assert cast.sysadmin.role == Role.SUPERVISOR
    entry = AuditEntry.objects.get(action="account_role_changed", actor=cast.sysadmin)
    assert entry.detail == {
        "account": "sysadmin-uji",
        "account_id": cast.sysadmin.pk,
        "field": "role",
        "before": "sysadmin",
        "after": "supervisor",
    }
    page = _audit_page(Client(), cast.supervisor, action="account_role_changed")
    assert "sysadmin-uji" in page and "supervisor" in page
    assert not trail.verify()


def test_an_agency_change_and_a_deactivation_in_the_admin_are_on_the_record(sysadmin, cast):
    _admin_save(sysadmin, cast.officer_b, agency=cast.agency_a.pk)
    entry = AuditEntry.objects.get(action="account_agency_changed")
    assert (entry.actor, entry.detail["before"], entry.detail["after"]) == (
        cast.sysadmin,
        "dinkes",
        "pupr",
    )
    ApiClient(cast.officer_b)
    sysadmin.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [cast.officer_b.pk]}
    )
    assert AuditEntry.objects.get(action="account_active_changed").detail["after"] is False
    assert not ApiToken.objects.filter(user=cast.officer_b, revoked_at__isnull=True).exists()


def test_removing_a_staff_members_second_factor_in_the_admin_is_on_the_record(sysadmin, cast):
    from django.test import Client

    totp_row = Authenticator.objects.get(user=cast.officer_a, type=Authenticator.Type.TOTP)
    response = sysadmin.post(f"/admin/mfa/authenticator/{totp_row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="account_mfa_removed")
    assert entry.actor == cast.sysadmin and entry.detail["account"] == "petugas-pupr"
    page = _audit_page(Client(), cast.supervisor, action="account_mfa_removed")
    assert "petugas-pupr" in page and "sysadmin-uji" in page


def test_an_email_address_given_to_an_account_in_the_admin_is_on_the_record(sysadmin, cast):
    """A verified address the sysadmin adds to someone's account would receive its password
    reset: adding, verifying and removing it are on the record, the address masked."""
    from allauth.account.models import EmailAddress
    from django.test import Client

    response = sysadmin.post(
        "/admin/account/emailaddress/add/",
        {"user": cast.citizen.pk, "email": "pengambil-alih@contoh.test", "verified": "on"},
    )
    assert response.status_code == 302
    added = AuditEntry.objects.get(action="account_email_address_changed")
    assert added.actor == cast.sysadmin and added.detail["account"] == "warga-uji"
    assert added.detail["email"] == "p•••@contoh.test" and added.detail["verified"] is True
    assert added.detail["changed"] == ["added"]
    assert "pengambil-alih" not in str(added.detail)

    address = EmailAddress.objects.get(email="pengambil-alih@contoh.test")
    sysadmin.post(f"/admin/account/emailaddress/{address.pk}/delete/", {"post": "yes"})
    removed = AuditEntry.objects.get(action="account_email_address_removed")
    assert removed.actor == cast.sysadmin and removed.detail["account"] == "warga-uji"
    page = _audit_page(Client(), cast.supervisor, action="account_email_address_changed")
    assert "warga-uji" in page and "sysadmin-uji" in page


def test_an_owner_confirming_their_own_address_writes_no_extra_record(cast):
    from allauth.account.models import EmailAddress

    address = EmailAddress(user=cast.other_citizen, email="baru@contoh.test")
    address._aduan_actor = cast.other_citizen  # as the owner's own request would name it
    address.save()
    address.verified = True
    address.save()
    assert not AuditEntry.objects.filter(action__startswith="account_email_address").exists()


def test_a_staff_account_made_in_the_admin_is_on_the_record(sysadmin, cast):
    sysadmin.post(
        "/admin/accounts/user/add/",
        {
            "username": "pengawas-baru",
            "role": "supervisor",
            "agency": "",
            "password1": "Sangat-rahasia-2026",
            "password2": "Sangat-rahasia-2026",
            "usable_password": "true",
        },
    )
    entry = AuditEntry.objects.get(action="account_role_changed", detail__account="pengawas-baru")
    assert (entry.actor, entry.detail["before"], entry.detail["after"]) == (
        cast.sysadmin,
        None,
        "supervisor",
    )


def test_the_actions_record_role_and_second_factor_changes(cast):
    actions.do_set_role(cast.citizen, Role.OFFICER, actor=cast.sysadmin, agency=cast.agency_a)
    with pytest.raises(Exception, match="wajib memiliki perangkat daerah"):
        actions.do_set_role(cast.other_citizen, Role.OFFICER, actor=cast.sysadmin)
    rows = AuditEntry.objects.filter(detail__account="warga-uji").order_by("id")
    assert [(r.action, r.detail["after"]) for r in rows] == [
        ("account_role_changed", "officer"),
        ("account_agency_changed", "pupr"),
    ]
    assert actions.do_reset_mfa(cast.dispatcher, actor=cast.sysadmin) == 1
    removed = AuditEntry.objects.get(action="account_mfa_removed")
    assert removed.actor == cast.sysadmin and removed.detail["account"] == "dispatcher-uji"


def test_a_verified_phone_is_on_the_record_and_so_is_its_move(cast):
    from tests.sms.test_phone_verification import _sent_code

    def verify(user):
        client = ApiClient(user)
        assert client.post("/me/phone/verification", {"phone": "0813 3910 0077"}).status_code == 202
        assert (
            client.post("/me/phone/verification/confirm", {"code": _sent_code()}).status_code == 200
        )

    verify(cast.citizen)
    entry = AuditEntry.objects.get(action="account_phone_verified")
    assert entry.detail["account"] == "warga-uji" and entry.detail["phone"] == "+62813•••••077"
    verify(cast.other_citizen)  # the number moves to the other account
    moved = AuditEntry.objects.filter(action="account_phone_unverified").get()
    assert moved.detail["account"] == "warga-uji"
    assert AuditEntry.objects.filter(action="account_phone_verified").count() == 2


def test_a_sysadmin_changing_someones_e_mail_in_the_admin_is_on_the_record(sysadmin, cast):
    """The address a password reset goes to: changing it would hand the account over."""
    from django.test import Client

    _admin_save(sysadmin, cast.dispatcher, email="orang-lain@contoh.id")
    entry = AuditEntry.objects.get(action="account_email_changed")
    assert entry.actor == cast.sysadmin
    assert entry.detail == {
        "account": "dispatcher-uji",
        "account_id": cast.dispatcher.pk,
        "field": "email",
        "before": "d•••@example.test",
        "after": "o•••@contoh.id",
    }
    page = _audit_page(Client(), cast.supervisor, action="account_email_changed")
    assert "dispatcher-uji" in page and "orang-lain" not in page


# --- device tokens end with what they were granted under, whichever door changes it ----------


def _live_tokens(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


def test_unticking_active_on_the_admin_form_ends_the_tokens_and_reactivating_brings_none(
    sysadmin, cast
):
    """The admin's list action revoked the tokens (`do_set_active`); its change form saved the
    account without revoking them, and a reactivation brought them back."""
    officer = ApiClient(cast.officer_b)
    assert officer.get("/me").status_code == 200 and _live_tokens(cast.officer_b) == 1
    _admin_save(sysadmin, cast.officer_b, is_active=False)
    assert _live_tokens(cast.officer_b) == 0
    _admin_save(sysadmin, cast.officer_b, is_active=True)
    assert officer.get("/me").status_code == 401
    revoked = AuditEntry.objects.get(action="account_tokens_revoked")
    assert (revoked.actor, revoked.detail["reason"]) == (cast.sysadmin, "deactivated")


def test_a_removed_second_factor_ends_the_tokens_it_proved(sysadmin, cast):
    """A lost phone: its token must not work again once a new authenticator is set up."""
    lost_phone = ApiClient(cast.officer_a)
    assert lost_phone.get("/me").status_code == 200
    totp_row = Authenticator.objects.get(user=cast.officer_a, type=Authenticator.Type.TOTP)
    sysadmin.post(f"/admin/mfa/authenticator/{totp_row.pk}/delete/", {"post": "yes"})
    mfa.give_totp(cast.officer_a, STAFF_TOTP_SECRET)  # the new phone
    assert lost_phone.get("/me").status_code == 401
    assert actions.do_reset_mfa(cast.dispatcher, actor=cast.sysadmin) == 1
    assert AuditEntry.objects.filter(
        action="account_tokens_revoked", detail__reason="mfa_removed"
    ).exists()


def test_a_citizens_token_does_not_become_a_staff_members(sysadmin, cast):
    """A token got with a password alone, before the account was made staff."""
    citizen = ApiClient(cast.citizen)
    assert citizen.get("/me").status_code == 200
    actions.do_set_role(cast.citizen, Role.DISPATCHER, actor=cast.sysadmin)
    mfa.give_totp(cast.citizen, STAFF_TOTP_SECRET)
    assert citizen.get("/me").status_code == 401
