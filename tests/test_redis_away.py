"""Redis away (restarting, unreachable): what keeps its copies in it goes on without it.
Log-in and signed-in pages (sessions also in the database), the supervisors' dashboard, the
recurring problems and the public statistics (figures computed, not kept). The same with real
processes and a real restart: tests/test_scaleout.py."""

import pytest
from django.test import Client, override_settings

from aduan.core.remembered import remembered

pytestmark = pytest.mark.django_db
# Nothing listens on port 1: every cache call fails at once, as while Redis restarts.
AWAY = {
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    },
    "SESSION_ENGINE": "aduan.ops.sessions",
    "DASHBOARD_CACHE_SECONDS": 60,
}


@override_settings(**AWAY)
def test_it_logs_in_and_serves_the_statistics_without_redis(client, cast):
    client.force_login(cast.supervisor)  # a new session key: exists() asks the database
    assert client.get("/kantor/statistik/").status_code == 200
    assert client.get("/kantor/statistik/berulang/").status_code == 200
    assert client.get("/statistik/").status_code == 200
    citizen = Client()
    citizen.force_login(cast.citizen)
    assert citizen.get("/laporan-saya/").status_code == 200


@override_settings(**AWAY)
def test_it_computes_each_time_while_the_cache_is_away():
    calls = []
    assert remembered("k", 60, lambda: calls.append(1) or len(calls)) == 1
    assert remembered("k", 60, lambda: calls.append(1) or len(calls)) == 2
