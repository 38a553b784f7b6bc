"""E-mail digests of public reports (issue 15): subscribe without an account, confirm by the
mailed link (double opt-in; opening a link changes nothing), a weekly mail of the public reports
of the chosen desa, kecamatan or category only, and a link in every digest that stops it."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from aduan.directory.models import Category, Region
from aduan.notifications.models import Notification
from aduan.reports.models import Status
from aduan.web import digests
from aduan.web.models import DigestSubscription
from tests.conftest import file_report, frozen_with_fresh_counters, report_in

pytestmark = pytest.mark.django_db
SEKETENG = "52.04.08.1004"


def mail_to(address, kind):
    return Notification.objects.filter(address=address, kind=kind).order_by("-id").first()


def link_in(notification, name) -> str:
    return re.search(rf"https?://[^/\s]+(/langganan/{name}/[^/\s]+/)", notification.body).group(1)


def test_subscribe_confirm_receive_and_stop(client, cast):
    cache.clear()
    seketeng = Region.objects.get(code=SEKETENG)
    page = client.post("/langganan/", {"email": "Kades.Seketeng@contoh.test", "village": SEKETENG})
    assert page.status_code == 200 and "konfirmasi" in page.content.decode()
    sub = DigestSubscription.objects.get()
    assert (sub.email, sub.village, sub.district) == (
        "kades.seketeng@contoh.test",
        seketeng,
        seketeng.parent,
    )
    confirm = link_in(mail_to(sub.email, "digest_confirm"), "konfirmasi")
    assert digests.send_digests() == 0  # nothing before the address confirms
    assert "Ya, aktifkan" in client.get(confirm).content.decode()
    sub.refresh_from_db()
    assert sub.confirmed_at is None  # a mail scanner opening the link confirms nothing
    client.post(confirm)
    sub.refresh_from_db()
    assert sub.active

    here = report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati di Seketeng")
    elsewhere = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Di desa lain",
        village=seketeng.parent.children.exclude(code=SEKETENG).first(),
    )
    secret = report_in(cast, Status.IN_PROGRESS, confidential=True, title="Rahasia Seketeng")
    unverified = file_report(cast, title="Belum diverifikasi Seketeng")
    assert digests.send_digests() == 1
    digest = mail_to(sub.email, "digest")
    assert here.code in digest.body and "Lampu jalan mati" in digest.body
    for other in (elsewhere, secret, unverified):
        assert other.code not in digest.body
    assert cast.citizen.full_name not in digest.body

    stop = link_in(digest, "berhenti")
    assert "Ya, hentikan" in client.get(stop).content.decode()
    client.post(stop)
    sub.refresh_from_db()
    assert not sub.active
    report_in(cast, Status.IN_PROGRESS, title="Lagi di Seketeng")
    assert digests.send_digests() == 0
    # The confirmation link of before no longer opens anything once a digest replaced it.
    assert client.get("/langganan/berhenti/bukan-token/").status_code == 404


def test_a_category_subscription_and_nothing_new_sends_nothing(client, cast):
    water = Category.objects.get(code="infrastruktur-air")
    sub = digests.subscribe("wartawan@contoh.test", category=water)
    digests.confirm(sub)
    report_in(cast, Status.IN_PROGRESS)  # a road: another category
    assert digests.send_digests() == 0
    pipe = report_in(cast, Status.IN_PROGRESS, title="Pipa bocor", category=water)
    later = timezone.now() + dt.timedelta(days=7)
    assert digests.send_digests(now=later) == 1
    assert pipe.code in mail_to("wartawan@contoh.test", "digest").body
    # A week on, nothing changed since the last digest: nothing is sent.
    assert digests.send_digests(now=later + dt.timedelta(days=7)) == 0


def test_bad_input_and_floods_get_a_clear_answer(client, cast):
    cache.clear()
    bad = client.post("/langganan/", {"email": "bukan-email", "village": "99.99"})
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "Kode desa/kelurahan tidak dikenal" in body and "bukan-email" in body
    # The clock stands still, so the limit's window cannot end between the posts.
    with frozen_with_fresh_counters(dt.datetime(2026, 11, 30, 10, 15, 20, tzinfo=dt.UTC)):
        for _ in range(3):
            assert client.post("/langganan/", {"email": "sama@contoh.test"}).status_code == 200
        flooded = client.post("/langganan/", {"email": "sama@contoh.test"})
        assert flooded.status_code == 429 and "Terlalu banyak" in flooded.content.decode()
