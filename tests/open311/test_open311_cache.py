"""Open311's services document and single requests kept drawn in the cache (issue 18): read back
while nothing changes, drawn again after the first commit that changes what they show, and never
showing a report to whom it was not shown before."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from aduan.directory.models import Category, CategoryQuestion
from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def process_cache():
    """The embedded default: the cache of this process, lists kept 30 s."""
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=caches, FRAGMENT_CACHE_SECONDS=30):
        cache.clear()
        yield cache
        cache.clear()


def get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries)


def test_it_serves_services_from_the_cache_until_a_question_changes(
    client, cast, process_cache, django_capture_on_commit_callbacks
):
    first, queries = get(client, f"{BASE}/services.json")
    assert first.status_code == 200 and queries >= 2  # categories, their questions
    again, queries = get(client, f"{BASE}/services.json")
    assert again.content == first.content and queries == 0
    category = Category.objects.filter(is_active=True, questions__isnull=True).first()
    code = category.code
    assert not next(s for s in first.json() if s["service_code"] == code)["metadata"]
    with django_capture_on_commit_callbacks(execute=True):
        CategoryQuestion.objects.create(category=category, code="sejak", label="Sejak kapan?")
    after = client.get(f"{BASE}/services.json").json()
    assert next(s for s in after if s["service_code"] == code)["metadata"] is True


def test_it_shows_a_renamed_or_deactivated_service_after_the_commit(
    client, cast, process_cache, django_capture_on_commit_callbacks
):
    client.get(f"{BASE}/services.json")
    category = Category.objects.filter(is_active=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Nama layanan baru"
        category.save()
    names = {
        s["service_code"]: s["service_name"] for s in client.get(f"{BASE}/services.json").json()
    }
    assert names[category.code] == "Nama layanan baru"
    with django_capture_on_commit_callbacks(execute=True):
        category.is_active = False
        category.save()
    codes = {s["service_code"] for s in client.get(f"{BASE}/services.json").json()}
    assert category.code not in codes


def test_it_serves_one_request_from_the_cache_until_the_report_changes(
    client, cast, process_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_in(cast, Status.IN_PROGRESS)
    path = f"{BASE}/requests/{report.code}.json"
    first, queries = get(client, path)
    assert first.status_code == 200 and queries >= 1
    again, queries = get(client, path)
    assert again.content == first.content and queries == 0
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_add_note(report, actor=cast.officer_a, text="Tim sudah di lokasi.", public=True)
    assert client.get(path).json()[0]["status_notes"] == "Tim sudah di lokasi."


def test_it_never_caches_a_request_it_would_not_show(
    client, cast, process_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hidden = report_in(cast, Status.IN_PROGRESS, confidential=True)
    path = f"{BASE}/requests/{hidden.code}.json"
    assert client.get(path).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_reclassify(hidden, actor=cast.dispatcher, confidential=False)
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_reclassify(hidden, actor=cast.dispatcher, confidential=True)
    assert client.get(path).status_code == 404
