"""Personal data rights (UU 27/2022, issue 17): the citizen's download and erasure
(`aduan.accounts.personal_data`, `/akun/data-saya/`)."""

import datetime as dt
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from aduan.accounts import personal_data
from aduan.accounts.models import ErasureRequest, User
from aduan.audit import trail
from aduan.audit.models import AuditEntry
from aduan.messaging.models import Conversation
from aduan.notifications.models import Notification, Preference
from aduan.reports import actions
from aduan.reports.models import Report, Status
from aduan.sms.models import VerifiedPhone
from aduan.stats import figures
from aduan.stats.filters import Period
from aduan.web.models import DigestSubscription
from tests.conftest import (
    PASSWORD,
    file_report,
    frozen_with_fresh_counters,
    report_in,
    result_photo,
)

pytestmark = pytest.mark.django_db

CITIZEN_PHONE = "+6281339100011"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The download's counter is per account id, and ids come back after a test's rollback."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


VERIFIED_PHONE = "+6281339100099"


def _their_world(cast):
    """The citizen's data in every place it is held, and the other citizen's beside it."""
    citizen = cast.citizen
    EmailAddress.objects.create(user=citizen, email=citizen.email, primary=True, verified=True)
    VerifiedPhone.objects.create(user=citizen, phone=VERIFIED_PHONE, verified_at=timezone.now())
    Conversation.objects.create(
        channel="whatsapp", phone=VERIFIED_PHONE, step="", updated_at=timezone.now()
    )
    DigestSubscription.objects.create(email=citizen.email, token_hash="a" * 64)
    DigestSubscription.objects.create(email=cast.other_citizen.email, token_hash="b" * 64)
    Preference.objects.create(user=citizen, channels=["in_app", "email"])
    report = file_report(
        cast, attachments=[result_photo("rumah-saya.jpg")], title="Jalan rusak di Seketeng"
    )
    actions.do_return(report, actor=cast.dispatcher, text="Sebutkan nomor rumah terdekat.")
    actions.do_resubmit(report, actor=citizen)
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Tangani.")
    actions.do_accept(report, actor=cast.officer_a)
    actions.do_add_note(report, actor=cast.officer_a, text="Catatan internal rahasia petugas.")
    others = file_report(
        cast,
        reporter=cast.other_citizen,
        title="Lampu jalan mati di Brang Bara",
        description="Laporan milik warga lain dengan nomor 081339100012.",
    )
    public = report_in(cast, Status.IN_PROGRESS, reporter=cast.other_citizen, title="Dukungan")
    actions.do_support(public, actor=citizen)
    report.refresh_from_db()
    return report, others


def _download(client, user, password=PASSWORD):
    client.force_login(user)
    return client.post(reverse("web:personal_data_download"), {"unduh-password": password})


def _unzip(response) -> tuple[dict, list[str], bytes]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    archive = zipfile.ZipFile(io.BytesIO(raw))
    data = json.loads(archive.read("data-pribadi.json"))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    return data, archive.namelist(), everything


# --- download -----------------------------------------------------------------------------------


def test_it_downloads_everything_held_about_the_citizen(cast, client):
    report, _others = _their_world(cast)
    response = _download(client, cast.citizen)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    data, names, _everything = _unzip(response)

    account = data["account"]
    assert account["full_name"] == "Wayan Sudarsana"
    assert account["nik"] == cast.citizen.nik  # the whole number: it is theirs
    assert account["phone"] == CITIZEN_PHONE
    assert [e["email"] for e in account["email_addresses"]] == [cast.citizen.email]
    assert data["sms"]["verified_phones"][0]["phone"] == VERIFIED_PHONE
    assert data["messaging"]["conversations"][0]["phone"] == VERIFIED_PHONE
    assert data["notifications"]["channels"] == ["in_app", "email"]
    assert [d["email"] for d in data["portal"]["digest_subscriptions"]] == [cast.citizen.email]

    mine = next(r for r in data["reports"]["reports"] if r["code"] == report.code)
    assert mine["description"] == report.description  # the original, as staff read it
    kinds = [e["kind"] for e in mine["timeline"]]
    assert "returned" in kinds and "accepted" in kinds  # what is for the parties too
    assert "note" not in kinds  # an internal note is not the reporter's to read
    assert any(e["text"] == "Sebutkan nomor rumah terdekat." for e in mine["timeline"])
    assert [s["following"] for s in data["reports"]["supports"]] == [True]
    assert any(a["action"] == "submitted" and a["by"] == "you" for a in data["audit_trail"])
    # The photo they sent, under the report's code.
    assert [n for n in names if n.startswith(f"lampiran/{report.code}/")]
    assert "BACA-SAYA.txt" in names


def test_it_never_puts_another_citizens_data_in_the_download(cast, client):
    _report, others = _their_world(cast)
    _data, _names, everything = _unzip(_download(client, cast.citizen))
    text = everything.decode("utf-8", "replace")
    other = cast.other_citizen
    for trace in (others.code, others.title, other.email, other.phone, other.nik, "petugas-pupr"):
        assert trace not in text
    assert "Catatan internal rahasia petugas." not in text


def test_it_lists_a_report_filed_for_a_resident_without_the_residents_identity(cast, client):
    from aduan.reports.models import Channel

    report = file_report(
        cast,
        reporter=None,
        filed_by=cast.representative,
        reporter_name="Inaq Rahmah",
        reporter_phone="+6281339100077",
        channel=Channel.REPRESENTATIVE,
        consent=True,
        attachments=[result_photo("KTP_Inaq_Rahmah.jpg")],
    )
    data, names, everything = _unzip(_download(client, cast.representative))
    listed = next(r for r in data["reports"]["reports"] if r["code"] == report.code)
    assert listed["filed_for_resident"] is True
    assert b"Inaq" not in everything and b"6281339100077" not in everything
    # The resident's KTP photo the RT/RW sent is listed under a neutral name, not included.
    assert [a["name"].startswith("lampiran-") for a in listed["attachments"]] == [True]
    assert not [n for n in names if n.startswith(f"lampiran/{report.code}/")]


def test_the_download_is_audited_without_its_content(cast, client):
    _download(client, cast.citizen)
    entry = AuditEntry.objects.filter(action=personal_data.AuditAction.EXPORTED).get()
    assert entry.actor_id == cast.citizen.pk
    assert entry.detail["account_id"] == cast.citizen.pk
    assert "nik" not in json.dumps(entry.detail)


def test_the_download_asks_for_the_password(cast, client):
    response = _download(client, cast.citizen, password="salah-sekali")
    assert response.status_code == 400
    assert "Kata sandi saat ini salah." in response.content.decode()
    assert not AuditEntry.objects.filter(action=personal_data.AuditAction.EXPORTED).exists()


def test_the_download_is_rate_limited(cast, client):
    # The clock stands still: an hour's window that ended between two downloads would count the
    # next one afresh.
    with frozen_with_fresh_counters(dt.datetime(2026, 11, 30, 10, 15, 20, tzinfo=dt.UTC)):
        for _ in range(personal_data.EXPORTS_PER_HOUR):
            assert _download(client, cast.citizen).status_code == 200
        refused = _download(client, cast.citizen)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) == 45 * 60 - 20  # the seconds left in that hour


def test_the_doors_refuse_visitors_staff_and_gets(cast, client):
    page = reverse("web:personal_data")
    download = reverse("web:personal_data_download")
    erasure = reverse("web:personal_data_erasure")
    for url in (page, erasure):
        assert client.get(url).status_code == 302  # to the log-in
    assert client.post(download, {"unduh-password": PASSWORD}).status_code == 302
    for staff in (cast.dispatcher, cast.officer_a, cast.supervisor, cast.sysadmin):
        client.force_login(staff)
        assert client.get(page).status_code == 403
        assert client.post(download, {"unduh-password": PASSWORD}).status_code == 403
        assert client.post(erasure, {"hapus-password": PASSWORD}).status_code == 403
    client.force_login(cast.citizen)
    assert client.get(download).status_code == 405


def test_the_profile_links_the_page(cast, client):
    client.force_login(cast.citizen)
    assert reverse("web:personal_data") in client.get(reverse("web:profile")).content.decode()
    page = client.get(reverse("web:personal_data")).content.decode()
    assert "Unduh data saya" in page and "Hapus data saya" in page


# --- erasure ------------------------------------------------------------------------------------


def _request_erasure(client, user):
    client.force_login(user)
    return client.post(
        reverse("web:personal_data_erasure"),
        {"hapus-password": PASSWORD, "hapus-understood": "on"},
    )


def test_the_request_needs_the_confirmation_and_the_password(cast, client):
    client.force_login(cast.citizen)
    page = client.get(reverse("web:personal_data_erasure")).content.decode()
    assert "Yang tetap disimpan" in page
    url = reverse("web:personal_data_erasure")
    assert client.post(url, {"hapus-password": PASSWORD}).status_code == 400
    wrong = client.post(url, {"hapus-password": "salah", "hapus-understood": "on"})
    assert wrong.status_code == 400
    assert not ErasureRequest.objects.exists()

    assert _request_erasure(client, cast.citizen).status_code == 302
    erasure = ErasureRequest.objects.get()
    assert erasure.state == ErasureRequest.State.PENDING
    assert AuditEntry.objects.filter(
        action=personal_data.AuditAction.ERASURE_REQUESTED, actor=cast.citizen
    ).exists()
    _request_erasure(client, cast.citizen)  # asked twice: still one request
    assert ErasureRequest.objects.count() == 1
    # The sysadmins are told (in-app), without the person's name.
    told = Notification.objects.get(recipient=cast.sysadmin, kind="erasure_requested")
    assert str(erasure.pk) in told.subject and "Wayan" not in told.body + told.subject
    # Nothing is erased before a sysadmin executes it.
    cast.citizen.refresh_from_db()
    assert cast.citizen.is_active and cast.citizen.full_name == "Wayan Sudarsana"


def test_the_citizen_withdraws_a_waiting_request(cast, client):
    _request_erasure(client, cast.citizen)
    client.post(reverse("web:personal_data_withdraw"))
    assert ErasureRequest.objects.get().state == ErasureRequest.State.WITHDRAWN
    assert AuditEntry.objects.filter(action=personal_data.AuditAction.ERASURE_WITHDRAWN).exists()
    with pytest.raises(CommandError, match="sudah diputuskan"):
        call_command("erasure_requests", execute=ErasureRequest.objects.get().pk, by="sysadmin-uji")


def _erase(cast, client):
    _request_erasure(client, cast.citizen)
    erasure = ErasureRequest.objects.get()
    call_command("erasure_requests", execute=erasure.pk, by="sysadmin-uji")
    erasure.refresh_from_db()
    return erasure


def test_erasure_removes_the_identity_everywhere(cast, client):
    report, others = _their_world(cast)
    citizen = cast.citizen
    Report.objects.filter(pk=report.pk).update(
        reporter_name=citizen.full_name, reporter_phone=CITIZEN_PHONE
    )
    sms_report = file_report(
        cast, reporter=None, reporter_phone=VERIFIED_PHONE, reporter_name="Wayan dari SMS"
    )
    Notification.objects.create(
        recipient=citizen, channel="email", address=citizen.email, kind="x", subject="s", body="b"
    )
    from aduan.accounts.mfa import give_totp
    from tests.totp import STAFF_TOTP_SECRET

    give_totp(citizen, STAFF_TOTP_SECRET)
    old = {"email": citizen.email, "username": citizen.username, "nik": citizen.nik}

    erasure = _erase(cast, client)

    assert erasure.state == ErasureRequest.State.EXECUTED
    citizen.refresh_from_db()
    assert citizen.username == f"terhapus-{citizen.pk}" and not citizen.is_active
    for name in ("full_name", "phone", "email", "nik_encrypted", "occupation", "address", "sex"):
        assert getattr(citizen, name) == ""
    assert citizen.nik_hash is None and citizen.birth_date is None
    assert not citizen.has_usable_password()
    assert not EmailAddress.objects.filter(user=citizen).exists()
    assert not Authenticator.objects.filter(user=citizen).exists()
    assert not VerifiedPhone.objects.filter(user=citizen).exists()
    assert not Conversation.objects.filter(phone=VERIFIED_PHONE).exists()
    assert not DigestSubscription.objects.filter(email=old["email"]).exists()
    assert DigestSubscription.objects.filter(email=cast.other_citizen.email).exists()
    assert not Preference.objects.filter(user=citizen).exists()
    assert not Notification.objects.filter(address=old["email"]).exists()
    for r in (report, sms_report):
        r.refresh_from_db()
        assert (r.reporter_name, r.reporter_phone, r.reporter_email) == ("", "", "")
        assert r.reporter_nik_hash == "" and r.reporter_nik_encrypted == ""
    # The other citizen's report keeps its reporter.
    others.refresh_from_db()
    assert others.reporter_id == cast.other_citizen.pk
    # The NIK and the address may register again.
    assert not User.objects.filter(email__iexact=old["email"]).exists()
    assert erasure.summary["reports_without_identity"] == 2


def test_erasure_keeps_the_reports_countable_and_their_public_pages(cast, client):
    report = report_in(cast, Status.IN_PROGRESS)
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=30), today)
    before = figures.dashboard(period)["total"].received
    status_before = report.status

    _erase(cast, client)

    assert figures.dashboard(period)["total"].received == before
    report.refresh_from_db()
    assert report.status == status_before and report.reporter_id == cast.citizen.pk
    client.logout()
    page = client.get(reverse("web:report", args=[report.code]))
    assert page.status_code == 200
    assert report.title in page.content.decode()
    assert "Wayan" not in page.content.decode()
    client.force_login(cast.dispatcher)
    workspace = client.get(reverse("backoffice:workspace", args=[report.code]))
    assert workspace.status_code == 200
    assert "Wayan Sudarsana" not in workspace.content.decode()


def test_erasure_leaves_the_audit_chain_verifiable_and_is_audited(cast, client, capsys):
    report_in(cast, Status.IN_PROGRESS)
    citizen = cast.citizen
    old_email, old_phone = citizen.email, citizen.phone
    assert trail.verify() == []

    erasure = _erase(cast, client)

    assert trail.verify() == []
    call_command("verify_audit_chain")
    assert "utuh" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action=personal_data.AuditAction.ERASED)
    assert entry.actor_id == cast.sysadmin.pk
    assert entry.detail["account"] == f"terhapus-{citizen.pk}"
    assert entry.detail["request_id"] == erasure.pk
    recorded = json.dumps(entry.detail)
    for trace in (old_email, old_phone, "Wayan", "warga-uji"):
        assert trace not in recorded
    # The report's own chain says its reporter's identity went.
    assert AuditEntry.objects.filter(action="reporter_identity_erased").count() == 1
    # The erasure wrote no other row naming the account (its hooks are quiet while it runs).
    after = AuditEntry.objects.filter(created_at__gte=erasure.decided_at)
    assert set(after.values_list("action", flat=True)) <= {
        personal_data.AuditAction.ERASED,
        "reporter_identity_erased",
    }


def test_an_erased_citizen_is_logged_out_and_cannot_log_in(cast, client):
    _erase(cast, client)  # the client is still the citizen's session
    assert client.get(reverse("web:my_reports")).status_code == 302
    client.logout()
    response = client.post(reverse("login"), {"login": "warga-uji", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200  # the form again, with its error
    erased = User.objects.get(pk=cast.citizen.pk)
    assert not client.login(username=erased.username, password=PASSWORD)


def test_only_a_sysadmin_executes_and_a_refusal_needs_its_reason(cast, client):
    _request_erasure(client, cast.citizen)
    pk = ErasureRequest.objects.get().pk
    with pytest.raises(CommandError, match="not an active sysadmin"):
        call_command("erasure_requests", execute=pk, by="dispatcher-uji")
    with pytest.raises(CommandError, match="Alasan penolakan wajib diisi"):
        call_command("erasure_requests", refuse=pk, by="sysadmin-uji")
    call_command(
        "erasure_requests", refuse=pk, by="sysadmin-uji", reason="Laporan sedang diperiksa APH."
    )
    assert ErasureRequest.objects.get().state == ErasureRequest.State.REFUSED
    assert AuditEntry.objects.filter(action=personal_data.AuditAction.ERASURE_REFUSED).exists()
    page = client.get(reverse("web:personal_data")).content.decode()
    assert "Laporan sedang diperiksa APH." in page


def test_a_request_of_an_account_made_staff_since_is_not_executed(cast, client):
    from aduan.accounts import actions as account_actions
    from aduan.accounts.models import Role

    _request_erasure(client, cast.citizen)
    account_actions.do_set_role(cast.citizen, Role.SUPERVISOR, actor=cast.sysadmin)
    with pytest.raises(CommandError, match="bukan lagi akun warga"):
        call_command("erasure_requests", execute=ErasureRequest.objects.get().pk, by="sysadmin-uji")
    cast.citizen.refresh_from_db()
    assert cast.citizen.is_active and cast.citizen.username == "warga-uji"


def test_the_command_lists_and_shows_requests(cast, client, capsys):
    report = report_in(cast, Status.IN_PROGRESS)
    _request_erasure(client, cast.citizen)
    call_command("erasure_requests")
    listed = capsys.readouterr().out
    assert "pending" in listed and "warga-uji" in listed
    call_command("erasure_requests", show=ErasureRequest.objects.get().pk)
    assert f"open: {report.code}" in capsys.readouterr().out


def test_the_admin_lists_requests_read_only(cast, client):
    _request_erasure(client, cast.citizen)
    erasure = ErasureRequest.objects.get()
    client.force_login(cast.sysadmin)
    assert client.get("/admin/accounts/erasurerequest/").status_code == 200
    assert client.get(f"/admin/accounts/erasurerequest/{erasure.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/erasurerequest/{erasure.pk}/delete/").status_code == 403


def test_the_audit_page_shows_an_erased_account_by_its_pseudonym(cast, client):
    report = report_in(cast, Status.IN_PROGRESS)
    _erase(cast, client)
    client.force_login(cast.supervisor)
    page = client.get(reverse("backoffice:audit"), {"code": report.code}).content.decode()
    assert f"terhapus-{cast.citizen.pk}" in page
    assert "warga-uji" not in page
    assert trail.verify() == []  # shown, never saved
