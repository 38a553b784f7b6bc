"""The supervisor dashboard: figures, server-drawn charts and numbers that click through."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import report_in, result_photo

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def _history(cast):
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, tzinfo=WITA), tick=False):
        late = report_in(cast, Status.IN_PROGRESS)
        on_time = report_in(cast, Status.IN_PROGRESS, district=None, village=None)
        report_in(cast, Status.SUBMITTED)
    with time_machine.travel(dt.datetime(2026, 4, 8, 10, tzinfo=WITA), tick=False):
        actions.do_answer(
            on_time, actor=cast.officer_a, text="Sudah.", attachments=[result_photo()]
        )
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=WITA), tick=False):
        actions.do_answer(
            late, actor=cast.officer_a, text="Terlambat.", attachments=[result_photo()]
        )
        actions.do_reject_answer(late, actor=cast.citizen, reason="Belum beres.")
    return late, on_time


def test_it_computes_the_figures_per_agency(client, cast):
    _history(cast)
    client.force_login(cast.supervisor)
    with time_machine.travel(dt.datetime(2026, 5, 7, 10, tzinfo=WITA), tick=False):
        response = client.get("/kantor/statistik/?dari=2026-04-01&sampai=2026-04-30")
    pupr = next(r for r in response.context["agencies"] if r.key == cast.agency_a.pk)
    assert (pupr.received, pupr.open, pupr.answered, pupr.reopened) == (
        2,
        2,
        2,
        1,
    )  # responded is still open
    assert pupr.answers == 2 and pupr.on_time_pct == 50
    assert pupr.median_accept == 0  # accepted the day it arrived
    assert (
        pupr.median_answer == (2 + 21) / 2
    )  # 8 April: 2 working days; 6 May: 21 (1 May is a holiday)
    assert response.context["total"].received == 3
    unassigned = next(r for r in response.context["agencies"] if r.key is None)
    assert unassigned.received == 1
    body = response.content.decode()
    # The charts and the two kecamatan maps (issue 13) are drawn by the server: no inline script
    # (the site's app.js is on every page).
    assert body.count("<svg") == 4 and not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert "Apr 2026: 3" in body  # the trend chart says its numbers in words too


def test_every_number_clicks_through_to_its_reports(client, cast):
    _history(cast)
    client.force_login(cast.supervisor)
    with time_machine.travel(dt.datetime(2026, 5, 7, 10, tzinfo=WITA), tick=False):
        body = client.get("/kantor/statistik/?dari=2026-04-01&sampai=2026-04-30").content.decode()
        links = re.findall(r'<a href="(/kantor/laporan/\?[^"]+)" class="n">(\d+)</a>', body)
        assert len(links) > 10
        for url, number in links:
            listed = client.get(url.replace("&amp;", "&")).context["page"].paginator.count
            assert listed == int(number), url


def test_the_overdue_list_shows_what_is_late(client, cast):
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, tzinfo=WITA), tick=False):
        late = report_in(cast, Status.DISPOSITIONED)
        fresh = None
    with time_machine.travel(dt.datetime(2026, 4, 30, 9, tzinfo=WITA), tick=False):
        fresh = report_in(cast, Status.DISPOSITIONED)
        client.force_login(cast.dispatcher)
        rows = client.get("/kantor/statistik/terlambat/").context["rows"]
    assert [r.code for r in rows] == [late.code]
    assert fresh.code not in [r.code for r in rows]


def test_it_survives_answers_dated_after_now(client, cast):
    _history(cast)  # answers on 8 April and 6 May
    client.force_login(cast.supervisor)
    with time_machine.travel(
        dt.datetime(2026, 4, 7, 10, tzinfo=WITA), tick=False
    ):  # a server clock set back
        response = client.get("/kantor/statistik/?dari=2026-04-01&sampai=2026-04-30")
    assert response.status_code == 200


def test_its_figures_are_cached_for_the_configured_seconds(client, cast, settings):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client.force_login(cast.supervisor)
    url = "/kantor/statistik/?dari=2026-04-01&sampai=2026-04-30"
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, tzinfo=WITA), tick=False):
        report_in(cast, Status.SUBMITTED)
        first = client.get(url)
        report_in(cast, Status.SUBMITTED)
        again = client.get(url)
    assert (
        first.context["total"].received == again.context["total"].received == 1
    )  # served from the cache
    assert "Angka dihitung pukul 09:00:00" in again.content.decode()
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, 1, 1, tzinfo=WITA), tick=False):
        later = client.get(url)
    assert later.context["total"].received == 2  # recomputed after 60 seconds
    settings.DASHBOARD_CACHE_SECONDS = 0
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, 1, 2, tzinfo=WITA), tick=False):
        report_in(cast, Status.SUBMITTED)
        assert client.get(url).context["total"].received == 3
        assert "Angka dihitung" not in client.get(url).content.decode()
    cache.clear()


def test_the_charts_name_the_months_in_the_readers_language(client, cast):
    _history(cast)
    client.force_login(cast.supervisor)
    with time_machine.travel(dt.datetime(2026, 5, 7, 10, tzinfo=WITA), tick=False):
        indonesian = client.get("/kantor/statistik/?dari=2026-04-01&sampai=2026-05-31")
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        english = client.get("/kantor/statistik/?dari=2026-04-01&sampai=2026-05-31")
    assert "Mei 2026: " in indonesian.content.decode()
    body = english.content.decode()
    assert "May 2026: " in body and ">May</text>" in body
    # In the page's text, not its random tokens (a CSRF token or a nonce held "Mei" once).
    assert not re.search(r">[^<]*\bMei\b[^<]*<", body)


def test_it_counts_the_outcomes_of_the_answers_and_they_click_through(client, cast):
    """Issue 15: what each answer said happened feeds the dashboard, the public statistics and
    the monthly evaluation: fixed, scheduled (a promise with a date), cannot be done."""
    from aduan.stats import evaluation
    from aduan.stats.filters import Period
    from aduan.stats.public import public_figures

    with time_machine.travel(dt.datetime(2026, 4, 6, 9, tzinfo=WITA), tick=False):
        fixed = report_in(cast, Status.RESPONDED)
        promised, refused = report_in(cast, Status.IN_PROGRESS), report_in(cast, Status.IN_PROGRESS)
        actions.do_answer(
            promised,
            actor=cast.officer_a,
            text="Dijadwalkan pekan depan.",
            outcome="scheduled",
            scheduled_for=dt.date(2026, 4, 20),
        )
        actions.do_answer(
            refused,
            actor=cast.officer_a,
            text="Jalan nasional.",
            outcome="cannot",
            responsible_body="BPJN NTB",
        )
    client.force_login(cast.supervisor)
    with time_machine.travel(dt.datetime(2026, 4, 10, 10, tzinfo=WITA), tick=False):
        response = client.get("/kantor/statistik/?dari=2026-04-01&sampai=2026-04-30")
        pupr = next(r for r in response.context["agencies"] if r.key == cast.agency_a.pk)
        assert (pupr.done, pupr.scheduled, pupr.cannot) == (1, 1, 1)
        total = response.context["total"]
        assert (total.done, total.scheduled, total.cannot) == (1, 1, 1)
        body = response.content.decode()
        for metric, report in (("done", fixed), ("scheduled", promised), ("cannot", refused)):
            url = re.search(rf"href=\"([^\"]+&metric={metric})\" class=\"n\">1<", body).group(1)
            listed = client.get(url.replace("&amp;", "&")).context["page"]
            assert [r.code for r in listed] == [report.code]
        public = public_figures(dt.date(2026, 4, 1))["total"]
        assert (public.done, public.scheduled, public.cannot) == (1, 1, 1)
        csv_text = client.get("/statistik/?bulan=2026-04&format=csv").content.decode()
        assert "Selesai ditangani" in csv_text and "Tidak dapat ditangani" in csv_text
        period = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
        header = evaluation._agency_header()
        total_row = list(evaluation._agency_rows(evaluation.gather(period)))[-1]
    outcomes = dict(zip(header, total_row, strict=True))
    assert (outcomes["Selesai ditangani"], outcomes["Dijadwalkan"]) == (1, 1)
    assert outcomes["Tidak dapat ditangani"] == 1
