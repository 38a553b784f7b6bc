"""Signed filing receipts (issue 17): the filer keeps a proof that the report was filed, when,
and with what content, so that a report that silently disappeared or was back-dated can be shown.

A receipt is `ADUAN-R1.<payload>.<signature>` (base64url): the payload is canonical JSON of the
tracking code, the filing time (UTC), the SHA-256 of what was filed and the key's id, signed with
Ed25519 (`aduan.audit.signing`). The QR code on the confirmation page and in the e-mail holds
the public verification page's URL with the receipt. `issue` is called by `do_file_report` and
`do_resubmit` inside their transactions; `check` by the public page and `manage.py verify_receipt`.
"""

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.audit import heads, signing
from aduan.audit.models import Receipt

from .models import EventKind, Report

log = logging.getLogger(__name__)
PREFIX = "ADUAN-R1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def filed_content(report: Report, filed_files=None) -> dict:
    """What the filer wrote: text, date, place, answers and the files' types and sizes. Neither
    the reporter's identity (erasure may remove it) nor what staff may change later (category,
    classification, flags) is in it. `filed_files`: the attachments of the filing, when the
    filing itself asks (they are all there are yet; not read again)."""
    if filed_files is None:
        filed_files = report.attachments.filter(
            event__kind__in=(EventKind.SUBMITTED, EventKind.RESUBMITTED)
        )
    files = sorted([a.content_type, a.size] for a in filed_files)
    return {
        "code": report.code,
        "title": report.title,
        "description": report.description,
        "incident_date": report.incident_date.isoformat() if report.incident_date else None,
        "district": report.district_id,
        "village": report.village_id,
        "address": report.address,
        "parties_involved": report.parties_involved,
        "extra_answers": report.extra_answers,
        "files": files,
    }


def content_hash(report: Report, filed_files=None) -> str:
    return hashlib.sha256(signing.canonical(filed_content(report, filed_files))).hexdigest()


def issue(report: Report, filed_files=None) -> Receipt | None:
    """Sign and keep a receipt of the report as it stands; None (logged) without a signing key,
    so that filing never fails for want of one. `filed_files`: as for `filed_content`."""
    if not signing.available():
        log.warning("no AUDIT_SIGNING_KEY: receipt of %s not issued", report.code)
        return None
    digest = content_hash(report, filed_files)
    payload = signing.canonical(
        {
            "v": 1,
            "code": report.code,
            "filed_at": _utc(report.submitted_at),
            "sha256": digest,
            "key": signing.key_id(signing.public_key()),
        }
    )
    signature = base64.b64decode(signing.sign(payload))
    return Receipt.objects.create(
        report_code=report.code,
        filed_at=report.submitted_at,
        content_sha256=digest,
        issued_at=timezone.now(),
        text=f"{PREFIX}.{_b64(payload)}.{_b64(signature)}",
    )


def latest(report: Report) -> Receipt | None:
    return Receipt.objects.filter(report_code=report.code).first()


def verify_url(text: str) -> str:
    """Absolute URL of the public verification page for this receipt (what the QR code holds)."""
    return settings.SITE_URL.rstrip("/") + reverse("verify_receipt") + "?" + urlencode({"r": text})


@dataclass
class Verdict:
    ok: bool
    outcome: str  # valid, superseded, changed, backdated, missing, forged, malformed
    message: str
    code: str = ""
    filed_at: dt.datetime | None = None


MESSAGES = {
    "valid": _(
        "Tanda terima sah: laporan ada, dikirim pada waktu yang tertera, isinya tidak berubah."
    ),
    "superseded": _(
        "Tanda terima sah. Isi laporan kemudian dilengkapi oleh pelapor sendiri; tanda terima "
        "yang lebih baru menyatakan isinya sekarang."
    ),
    "changed": _("Tanda terima sah, tetapi isi laporan sekarang BERBEDA dari yang dikirim."),
    "backdated": _("Tanda terima sah, tetapi waktu pengiriman laporan telah DIUBAH."),
    "missing": _(
        "Tanda terima sah, tetapi laporan dengan kode ini TIDAK ADA lagi di sistem. Tanda terima "
        "ini membuktikan laporan pernah dikirim."
    ),
    "forged": _("Tanda tangan tidak sah: tanda terima ini palsu atau telah diubah."),
    "malformed": _("Ini bukan tanda terima Aduan yang dapat dibaca."),
}


def _verdict(outcome: str, **fields) -> Verdict:
    return Verdict(outcome in ("valid", "superseded"), outcome, str(MESSAGES[outcome]), **fields)


def check(text: str) -> Verdict:
    """1. Parse. 2. Check the signature under the current or a published key. 3. Find the report
    (any status, confidential ones too: the answer says no more than the receipt). 4. Compare
    its filing time and the hash of its content."""
    text = (text or "").strip()
    if "?" in text and "r=" in text:  # the whole URL of a scanned QR code
        from urllib.parse import parse_qs, urlsplit

        text = (parse_qs(urlsplit(text).query).get("r") or [""])[0]
    try:
        prefix, payload_b64, signature_b64 = text.split(".")
        if prefix != PREFIX:
            raise ValueError
        payload_bytes, signature = _unb64(payload_b64), _unb64(signature_b64)
        payload = json.loads(payload_bytes)
        code, filed_at = str(payload["code"]), dt.datetime.fromisoformat(payload["filed_at"])
        digest = str(payload["sha256"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return _verdict("malformed")
    signature_b64 = base64.b64encode(signature).decode()
    if not any(
        signing.verify(key, payload_bytes, signature_b64) for key in heads.known_public_keys()
    ):
        return _verdict("forged")
    fields = {"code": code, "filed_at": filed_at}
    report = Report.objects.filter(code=code).first()
    if report is None:
        return _verdict("missing", **fields)
    if _utc(report.submitted_at) != _utc(filed_at):
        return _verdict("backdated", **fields)
    current = content_hash(report)
    if current == digest:
        return _verdict("valid", **fields)
    newer = Receipt.objects.filter(report_code=code, content_sha256=current).first()
    completed = report.events.filter(kind=EventKind.RESUBMITTED, created_at__gt=filed_at)
    if newer is not None and completed.exists():
        return _verdict("superseded", **fields)
    return _verdict("changed", **fields)
