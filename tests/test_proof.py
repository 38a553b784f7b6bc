"""A complaint log anyone can verify (issue 17): signed filing receipts and the audit chain's
signed daily head, checked through the public pages and the commands."""

import base64
import datetime as dt
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aduan.audit import heads, signing
from aduan.audit import tasks as audit_tasks
from aduan.audit.models import AuditEntry, Receipt, SignedHead
from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.reports import actions, receipts
from aduan.reports.models import Report, Status

from .conftest import file_report, report_in

pytestmark = pytest.mark.django_db


def _receipt(report) -> str:
    return Receipt.objects.get(report_code=report.code).text


def _verify_page(client, text):
    response = client.get("/bukti/periksa/", {"r": text})
    assert response.status_code == 200
    return response.content.decode()


def _command(text):
    out = io.StringIO()
    try:
        call_command("verify_receipt", text, stdout=out)
    except CommandError as error:
        return str(error).split(":")[0]
    return out.getvalue().splitlines()[-1].split(":")[0]


def _outcome(client, text) -> str:
    """The verdict of the public page and of the command, which must agree."""
    body = _verify_page(client, text)
    page = body.split('data-outcome="', 1)[1].split('"', 1)[0]
    assert _command(text) == page
    return page


def test_a_receipt_verifies_on_the_page_by_its_qr_url_and_by_the_command(client, cast):
    report = file_report(cast)
    text = _receipt(report)
    assert text.startswith("ADUAN-R1.")
    payload = json.loads(base64.urlsafe_b64decode(text.split(".")[1] + "=="))
    assert payload["code"] == report.code
    assert payload["sha256"] == receipts.content_hash(report)
    assert dt.datetime.fromisoformat(payload["filed_at"]) == report.submitted_at
    assert _outcome(client, text) == "valid"
    # What the QR code holds: the page's URL with the receipt.
    assert receipts.check(receipts.verify_url(text)).outcome == "valid"
    assert report.code in _verify_page(client, text)


def test_the_receipt_of_a_filing_with_files_verifies_from_what_was_stored(client, cast):
    """The filing hashes the files it has just stored without reading them back; the check
    reads them from the database: both must give the same types and sizes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aduan.reports import attachments

    from .conftest import photo_bytes

    files = [
        attachments.clean_upload(
            SimpleUploadedFile(name, photo_bytes(colour=colour), content_type="image/jpeg"),
            keep_document_bytes=True,
        ).as_file()
        for name, colour in (("a.jpg", (10, 20, 30)), ("b.jpg", (200, 10, 10)))
    ]
    report = file_report(cast, attachments=files)
    assert report.attachments.count() == 2
    assert _outcome(client, _receipt(report)) == "valid"


def test_it_fails_for_a_report_changed_behind_the_applications_back(client, cast):
    report = report_in(cast, Status.IN_PROGRESS)
    text = _receipt(report)
    Report.objects.filter(pk=report.pk).update(description="Isi yang sudah diganti diam-diam.")
    assert _outcome(client, text) == "changed"


def test_it_fails_for_a_back_dated_report(client, cast):
    report = file_report(cast)
    text = _receipt(report)
    Report.objects.filter(pk=report.pk).update(
        submitted_at=report.submitted_at - dt.timedelta(days=3)
    )
    assert _outcome(client, text) == "backdated"


def test_it_proves_a_report_that_disappeared(client, cast):
    report = file_report(cast)
    text = _receipt(report)
    Report.objects.filter(pk=report.pk).delete()
    assert _outcome(client, text) == "missing"
    assert receipts.check(text).code == report.code


def test_it_fails_for_a_forged_signature(client, cast):
    report = file_report(cast)
    prefix, payload, signature = _receipt(report).split(".")
    # Another report's code under the same signature.
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["filed_at"] = "2026-01-01T00:00:00.000000+00:00"
    forged_payload = base64.urlsafe_b64encode(signing.canonical(claims)).decode().rstrip("=")
    assert _outcome(client, f"{prefix}.{forged_payload}.{signature}") == "forged"
    # A well-formed receipt signed with a key that is not the regency's.
    stranger = Ed25519PrivateKey.generate().sign(base64.urlsafe_b64decode(payload + "=="))
    other = base64.urlsafe_b64encode(stranger).decode().rstrip("=")
    assert _outcome(client, f"{prefix}.{payload}.{other}") == "forged"
    assert _outcome(client, "bukan tanda terima") == "malformed"


def test_a_completed_report_gets_a_new_receipt_and_the_old_one_says_so(client, cast):
    report = report_in(cast, Status.RETURNED)
    first = _receipt(report)
    actions.do_resubmit(
        report, actor=cast.citizen, changes={"address": "Jalan Garuda No. 12, depan SD"}
    )
    newest = receipts.latest(report).text
    assert newest != first
    assert _outcome(client, newest) == "valid"
    assert _outcome(client, first) == "superseded"


def test_the_filer_sees_the_receipt_as_a_qr_code_and_gets_it_by_email(client, cast):
    client.force_login(cast.citizen)
    report = file_report(cast)
    text = _receipt(report)
    body = client.get(f"/laporan/{report.code}/terkirim/").content.decode()
    assert 'src="data:image/png;base64,' in body
    assert text in body
    message = Notification.objects.get(report=report, channel="email")
    assert message.extra["qr"] == receipts.verify_url(text)
    assert outbox.deliver(message.pk)
    sent = mail.outbox[-1]
    assert receipts.verify_url(text) in sent.body
    assert [(name, kind) for name, _content, kind in sent.attachments] == [
        ("kode-qr.png", "image/png")
    ]
    assert sent.attachments[0][1].startswith(b"\x89PNG")


def test_the_reporter_finds_the_latest_receipt_on_the_report_page(client, cast):
    report = report_in(cast, Status.RETURNED)
    actions.do_resubmit(report, actor=cast.citizen, changes={"address": "Jalan Garuda No. 12"})
    client.force_login(cast.citizen)
    body = client.get(f"/laporan/{report.code}/").content.decode()
    assert receipts.latest(report).text in body
    client.force_login(cast.dispatcher)  # staff who may open it do not get the reporter's receipt
    response = client.get(f"/laporan/{report.code}/")
    assert response.status_code == 200 and 'id="receipt"' not in response.content.decode()


def test_without_a_key_in_production_filing_goes_on_without_a_receipt(cast, settings):
    settings.ADUAN_ENV, settings.AUDIT_SIGNING_KEY = "production", ""
    report = file_report(cast)
    assert not Receipt.objects.filter(report_code=report.code).exists()
    with pytest.raises(CommandError):
        call_command("sign_audit_head")


def test_a_configured_key_signs(client, cast, settings):
    call_command("audit_signing_key")  # prints one; the test makes its own the same way
    settings.AUDIT_SIGNING_KEY = signing.new_private_key()
    report = file_report(cast)
    assert _outcome(client, _receipt(report)) == "valid"
    raw = base64.b64decode(settings.AUDIT_SIGNING_KEY)
    public = Ed25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
    assert signing.public_key() == base64.b64encode(public).decode()


# --- the audit chain's signed head -------------------------------------------------------------


def _tamper_first_entry():
    entry = AuditEntry.objects.order_by("id").first()
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET actor_name = %s WHERE id = %s", ["orang-lain", entry.pk]
        )


def test_the_published_head_matches_the_chain(client, cast):
    report_in(cast, Status.CLOSED)
    report_in(cast, Status.IN_PROGRESS)
    call_command("sign_audit_head")
    signed = SignedHead.objects.get()
    # The head is the chain's: every entry counted, the digest of the chains' ends as they are.
    assert signed.entry_count == AuditEntry.objects.count()
    assert signed.digest == heads.digest_of(heads.current_heads())
    assert heads.check_signed(signed) == []
    page = client.get("/bukti/").content.decode()
    assert signed.digest in page and signing.public_key() in page
    published = client.get("/bukti/kepala.json").json()
    head = published["heads"][0]
    assert head["digest"] == signed.digest and published["public_key"] == signing.public_key()
    # Anyone checks it offline with the published key alone.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(base64.b64decode(published["public_key"])).verify(
        base64.b64decode(head["signature"]), head["statement"].encode()
    )
    assert json.loads(head["statement"])["digest"] == signed.digest


def test_a_published_head_no_longer_matches_a_tampered_chain(cast):
    report_in(cast, Status.IN_PROGRESS)
    signed = heads.sign_head()
    # Later actions do not disturb the old head...
    report_in(cast, Status.SUBMITTED)
    assert heads.check_signed(signed) == []
    # ...an entry changed before it does, and a broken chain is not signed again.
    _tamper_first_entry()
    assert heads.check_signed(signed)
    with pytest.raises(heads.HeadRefused):
        heads.sign_head()
    with pytest.raises(CommandError):
        call_command("sign_audit_head")
    assert audit_tasks.sign_audit_head_daily.call_local() == ""
    assert SignedHead.objects.count() == 1


def test_a_head_with_a_forged_signature_is_caught(cast):
    report_in(cast, Status.SUBMITTED)
    signed = heads.sign_head()
    signed.statement = signed.statement.replace(f'"entries":{signed.entry_count}', '"entries":999')
    assert "tanda tangan tidak sah" in heads.check_signed(signed)


def test_the_daily_task_signs_the_head(cast):
    report_in(cast, Status.SUBMITTED)
    digest = audit_tasks.sign_audit_head_daily.call_local()
    assert digest == SignedHead.objects.get().digest == heads.digest_of(heads.current_heads())
