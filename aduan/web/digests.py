"""E-mail digests of public reports (issue 15, "Follow and alerts"): subscribe with an address and
a kecamatan, a desa and/or a category; confirm by the link mailed (double opt-in); every Monday
morning the worker mails what is new or changed among the public reports that match, and every
digest carries the link that stops it. The list is `public_reports` and its text `shown_text`
for a viewer who is no party: the same rule as the feed, the Atom feed and the public API."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aduan.notifications import outbox
from aduan.notifications.models import Channel
from aduan.reports.visibility import public_reports, shown_text

from .models import DigestSubscription

LOOK_BACK = dt.timedelta(days=7)  # the first digest, and one after a pause
# The weekly run repeated within this gap (two consumers, a retry, someone by hand) sends nothing.
REPEAT_GAP = dt.timedelta(days=1)
MOST = 30  # reports listed in one digest; the link to the filtered list has the rest


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _url(name: str, token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[token])


def find(token: str) -> DigestSubscription | None:
    return DigestSubscription.objects.filter(token_hash=_hash(token or "")).first()


def describe(sub: DigestSubscription) -> str:
    parts = [str(x) for x in (sub.village or sub.district, sub.category) if x]
    return ", ".join(parts) or _("seluruh kabupaten")


@transaction.atomic
def subscribe(email: str, *, district=None, village=None, category=None) -> DigestSubscription:
    """A new subscription waiting for its confirmation, and the mail that asks for it. An address
    may hold several (one per desa, say); asking twice for the same one mails a fresh link."""
    token = secrets.token_urlsafe(24)
    sub = DigestSubscription.objects.create(
        email=email.strip().lower(),
        district=village.parent if village is not None else district,
        village=village,
        category=category,
        token_hash=_hash(token),
    )
    with override("id"):
        body = _(
            "Anda (atau seseorang dengan alamat ini) meminta ringkasan mingguan laporan publik "
            "%(what)s dari %(site)s.\n\nKonfirmasi langganan: %(confirm)s\n\nAbaikan e-mail ini "
            "bila Anda tidak memintanya; tanpa konfirmasi tidak ada yang dikirim."
        ) % {
            "what": describe(sub),
            "site": settings.SITE_NAME,
            "confirm": _url("digest_confirm", token),
        }
        outbox.send_to(
            Channel.EMAIL,
            sub.email,
            body,
            kind="digest_confirm",
            subject=_("Konfirmasi langganan ringkasan laporan"),
        )
    return sub


def confirm(sub: DigestSubscription) -> None:
    if sub.confirmed_at is None or sub.stopped_at is not None:
        sub.confirmed_at, sub.stopped_at = sub.confirmed_at or timezone.now(), None
        sub.save(update_fields=["confirmed_at", "stopped_at"])


def stop(sub: DigestSubscription) -> None:
    if sub.stopped_at is None:
        sub.stopped_at = timezone.now()
        sub.save(update_fields=["stopped_at"])


def reports_for(sub: DigestSubscription, since):
    reports = public_reports().filter(updated_at__gte=since)
    if sub.village_id:
        reports = reports.filter(village_id=sub.village_id)
    elif sub.district_id:
        reports = reports.filter(district_id=sub.district_id)
    if sub.category_id:
        reports = reports.filter(category_id=sub.category_id)
    return reports.select_related("category").order_by("-updated_at", "-id")


def send_digests(now=None) -> int:
    """One mail per active subscription with something new since its last one; returns how many
    were queued. A subscription's link to stop is made afresh for each mail (only its hash is
    kept), so each digest carries a working one."""
    now = now or timezone.now()
    sent = 0
    for sub in DigestSubscription.objects.filter(confirmed_at__isnull=False, stopped_at=None):
        if sub.last_sent_at is not None and now - sub.last_sent_at < REPEAT_GAP:
            continue  # this week's run again (a second consumer, a retry): already done
        since = max(sub.last_sent_at or now - LOOK_BACK, now - LOOK_BACK * 4)
        reports = list(reports_for(sub, since)[: MOST + 1])
        with transaction.atomic():
            token = secrets.token_urlsafe(24)
            # Compare-and-swap on the last digest's time: two workers running the weekly task at
            # once both read the subscription before either wrote; only the one whose update
            # changes the row sends, so the subscriber gets one mail.
            if not DigestSubscription.objects.filter(
                pk=sub.pk, last_sent_at=sub.last_sent_at
            ).update(token_hash=_hash(token), last_sent_at=now):
                continue
            if not reports:
                continue
            with override("id"):
                lines = [
                    f"[{r.code}] {shown_text(r, None).title} — {r.get_status_display()}\n"
                    f"{outbox.report_url(r)}"
                    for r in reports[:MOST]
                ]
                more = (
                    _("Dan laporan lain: %(url)s")
                    % {"url": settings.SITE_URL.rstrip("/") + reverse("web:feed")}
                    if len(reports) > MOST
                    else ""
                )
                body = "\n\n".join(
                    [
                        _("Laporan publik %(what)s yang baru atau berubah sejak %(since)s:")
                        % {
                            "what": describe(sub),
                            "since": timezone.localtime(since).strftime("%d-%m-%Y"),
                        },
                        *lines,
                        *([more] if more else []),
                        _("Berhenti berlangganan: %(url)s") % {"url": _url("digest_stop", token)},
                    ]
                )
                outbox.send_to(
                    Channel.EMAIL,
                    sub.email,
                    body,
                    kind="digest",
                    subject=_("Ringkasan laporan publik: %(what)s") % {"what": describe(sub)},
                )
            sent += 1
    return sent
