"""Open311 POST requests are limited per application (api_key) and per address: a 429 with
Retry-After in the GeoReport error document, and no request created."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from aduan.open311.demo import DEMO_KEY, seed_demo_application
from aduan.open311.models import Application, ServiceRequest
from tests.conftest import frozen_with_fresh_counters

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
MORNING = dt.datetime(2026, 11, 30, 10, 15, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture(autouse=True)
def clock():
    with frozen_with_fresh_counters(MORNING) as traveller:
        yield traveller


def post(client, fmt="json", key=DEMO_KEY, **extra):
    return client.post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": key,
            "service_code": "kesehatan",
            "address_id": "52.04.08.1004",
            "description": "Puskesmas tutup pada jam layanan.",
            **extra,
        },
    )


@override_settings(OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR=2, OPEN311_RATE_LIMIT_PER_IP_PER_HOUR=100)
def test_an_application_over_its_limit_gets_429_until_the_hour_ends(client, cast, clock):
    seed_demo_application()
    assert [post(client).status_code for _ in range(2)] == [201, 201]
    refused = post(client)
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 45 * 60
    assert refused.json() == [
        {"code": 429, "description": "Terlalu banyak permintaan; coba lagi dalam 45 menit."}
    ]
    xml = post(client, fmt="xml")
    assert xml.status_code == 429 and b"<code>429</code>" in xml.content
    assert ServiceRequest.objects.count() == 2
    clock.move_to(MORNING + dt.timedelta(minutes=45))
    assert post(client).status_code == 201


@override_settings(OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR=100, OPEN311_RATE_LIMIT_PER_IP_PER_HOUR=2)
def test_two_applications_from_one_address_share_its_limit(client, cast):
    seed_demo_application()
    other = Application(name="Aplikasi lain")
    other_key = other.set_key()
    other.save()
    assert post(client).status_code == 201 and post(client, key=other_key).status_code == 201
    assert post(client, key=other_key).status_code == 429
    assert ServiceRequest.objects.count() == 2
