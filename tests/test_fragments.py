"""The busiest lists kept rendered in the shared cache (aduan/core/fragments.py): served from the
cache while nothing changes, never older than the last committed change, kept apart by language
and by what the viewer may see, and a cache outage costs only speed."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from aduan.core import fragments
from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import report_in, result_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(redis_url):
    """Redis as in production, FRAGMENT_CACHE_SECONDS on, an empty cache."""
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    with override_settings(CACHES=caches, FRAGMENT_CACHE_SECONDS=30):
        cache.clear()
        yield cache
        cache.clear()


def report_queries(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if "reports_report" in q["sql"]]


def test_the_feed_is_served_from_the_cache_until_a_report_changes(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati di Seketeng")
    response, queries = report_queries(client, "/laporan/")
    assert first.title in response.content.decode() and queries
    again, queries = report_queries(client, "/laporan/")
    assert queries == [] and first.title in again.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        second = report_in(cast, Status.IN_PROGRESS, title="Saluran air tersumbat")
    response, queries = report_queries(client, "/laporan/")
    assert queries and second.title in response.content.decode()

    # A change of status (no new report) is seen at once as well.
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_answer(
            second, actor=cast.officer_a, text="Sudah dibersihkan.", attachments=[result_photo()]
        )
    body = client.get("/laporan/", {"status": Status.RESPONDED}).content.decode()
    assert second.title in body and first.title not in body


def test_a_change_that_rolls_back_keeps_the_cached_list(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati")
    client.get("/laporan/")
    before = fragments.generation()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        fragments.changed()  # registered, but the transaction never commits
    assert pending and fragments.generation() == before
    assert report_queries(client, "/laporan/")[1] == []


def test_each_language_has_its_own_list(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati")
    assert ">Diproses<" in client.get("/laporan/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/laporan/").content.decode()
    assert ">In progress<" in english and ">Diproses<" not in english


def test_each_agency_gets_its_own_inbox(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ours = report_in(cast, Status.DISPOSITIONED, title="Jalan rusak untuk PUPR")
        theirs = report_in(cast, Status.SUBMITTED, title="Puskesmas tutup untuk Dinkes")
        actions.do_disposition(theirs, cast.agency_b, actor=cast.dispatcher, instruction="Tangani.")
    client.force_login(cast.officer_a)
    body = client.get("/kantor/kotak-masuk/").content.decode()
    assert ours.title in body and theirs.title not in body
    client.force_login(cast.officer_b)
    body = client.get("/kantor/kotak-masuk/").content.decode()
    assert theirs.title in body and ours.title not in body


def test_the_dispatcher_sees_a_new_report_at_once(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    client.force_login(cast.dispatcher)
    assert "Tidak ada laporan." in client.get("/kantor/antrean/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        fresh = report_in(cast, Status.SUBMITTED, title="Banjir di Brang Biji")
    assert fresh.title in client.get("/kantor/antrean/").content.decode()


def test_a_renamed_reporter_is_seen_at_once_but_a_login_does_not_empty_the_cache(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati")
    client.get("/laporan/")
    with django_capture_on_commit_callbacks(execute=True):
        cast.citizen.last_login = cast.citizen.date_joined
        cast.citizen.save(update_fields=["last_login"])
    assert report_queries(client, "/laporan/")[1] == []
    with django_capture_on_commit_callbacks(execute=True):
        cast.citizen.full_name = "Ketut Arsana"
        cast.citizen.save()
    assert "K**** A*****" in client.get("/laporan/").content.decode()


def test_open311_lists_are_kept_per_application(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shown = report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati")
    first = client.get("/open311/v2/requests.json")
    assert first.status_code == 200 and first["Content-Type"].startswith("application/json")
    assert [r["service_request_id"] for r in first.json()] == [shown.code]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/open311/v2/requests.json")
    assert again.content == first.content and not [
        q for q in queries if "reports_report" in q["sql"]
    ]
    xml = client.get("/open311/v2/requests.xml")
    assert xml["Content-Type"].startswith("text/xml") and shown.code.encode() in xml.content
    assert client.get("/open311/v2/requests.json", {"status": "bogus"}).status_code == 400


def test_a_cache_outage_costs_speed_only(client, cast, django_capture_on_commit_callbacks):
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead, FRAGMENT_CACHE_SECONDS=30):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_in(
                cast, Status.IN_PROGRESS, title="Lampu jalan mati"
            )  # the write still commits
        assert report.title in client.get("/laporan/").content.decode()
        client.force_login(cast.dispatcher)
        assert client.get("/kantor/antrean/").status_code == 200


def test_the_public_report_page_is_kept_for_visitors_and_drawn_for_its_reporter(
    client, cast, shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati")
    path = f"/laporan/{report.code}/"
    first = client.get(path)
    assert first.status_code == 200 and report.title in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert not [
        q
        for q in queries
        if "reports_timelineevent" in q["sql"] or "reports_attachment" in q["sql"]
    ]
    # The support form's CSRF token is the visitor's own, never one kept in the cache.
    other = type(client)()
    token = 'name="csrfmiddlewaretoken" value="'
    mine, theirs = again.content.decode(), other.get(path).content.decode()
    assert token in mine and token in theirs
    assert mine.split(token)[1][:64] != theirs.split(token)[1][:64]

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_answer(
            report, actor=cast.officer_a, text="Lampu sudah diganti.", attachments=[result_photo()]
        )
    assert "Lampu sudah diganti." in client.get(path).content.decode()
    client.force_login(cast.citizen)
    own = client.get(path).content.decode()
    assert "accept-form" in own and "Lampu sudah diganti." in own


def test_a_cache_outage_never_breaks_a_request_through_the_metrics(client, settings):
    """The request counter flushes to the cache; with the cache down the counts wait for later
    and the page is served (it once answered 500 when a flush fell in an outage)."""
    from aduan.ops import metrics

    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead):
        metrics.TALLY.flushed_at = 0  # the next request flushes
        assert client.get("/livez").status_code == 200
        assert sum(metrics.TALLY.counts.values()) >= 1  # kept, not lost
