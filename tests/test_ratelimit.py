"""The shared rate limiter (aduan/ops/ratelimit.py): fixed windows, the wait it announces, the
client's address behind trusted proxies, failing open, and counters shared through Redis."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.utils import timezone

from aduan.ops import ratelimit
from aduan.ops.ratelimit import Rule

ROOT = Path(__file__).resolve().parent.parent
# 10:15:00 WITA: 45 minutes before the hourly window ends.
MORNING = dt.datetime(2026, 11, 30, 10, 15, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def rule(limit=2, window=3600):
    return Rule("test", f"who-{uuid.uuid4().hex}", limit, window)


def test_it_refuses_the_request_after_the_limit_and_says_how_long_to_wait():
    limit = rule(limit=2)
    with time_machine.travel(MORNING, tick=False):
        assert ratelimit.hit(limit) is None and ratelimit.hit(limit) is None
        refusal = ratelimit.hit(limit)
    assert refusal is not None and refusal.retry_after == 45 * 60
    assert refusal.wait_text() == "45 menit"


def test_a_new_window_starts_afresh():
    limit = rule(limit=1)
    with time_machine.travel(MORNING, tick=False) as clock:
        assert ratelimit.hit(limit) is None
        assert ratelimit.hit(limit).retry_after == 45 * 60
        clock.move_to(MORNING + dt.timedelta(minutes=44, seconds=30))
        assert ratelimit.hit(limit).retry_after == 30
        clock.move_to(MORNING + dt.timedelta(minutes=45))
        assert ratelimit.hit(limit) is None


def test_each_identity_has_its_own_count_and_zero_means_no_limit():
    first, second = rule(limit=1), rule(limit=1)
    assert ratelimit.hit(first) is None and ratelimit.hit(second) is None
    assert ratelimit.hit(first) is not None
    unlimited = rule(limit=0)
    assert all(ratelimit.hit(unlimited) is None for _ in range(50))


@pytest.mark.parametrize(
    "seconds, text",
    [(1, "1 detik"), (59, "59 detik"), (60, "1 menit"), (61, "2 menit"), (3600, "60 menit")],
)
def test_the_wait_is_said_in_seconds_then_whole_minutes(seconds, text):
    assert ratelimit.wait_text(seconds) == text


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "10.0.0.5"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),  # load balancer, then nginx
        (1, "bukan-alamat", "10.0.0.5"),  # garbage: the proxy's own address
        (2, "203.0.113.9", "10.0.0.5"),  # fewer entries than proxies: not through our proxies
        (1, "", "10.0.0.5"),
    ],
)
def test_behind_trusted_proxies_the_address_is_counted_from_the_right(count, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert ratelimit.client_ip(request) == expected


def test_an_ipv6_client_is_counted_per_64_block():
    def identity(address):
        return ratelimit.address_identity(RequestFactory().get("/", REMOTE_ADDR=address))

    assert (
        identity("2001:db8:1:2::1")
        == identity("2001:db8:1:2:ffff::9")
        != identity("2001:db8:1:3::1")
    )
    assert identity("::ffff:203.0.113.9") == identity("203.0.113.9") == "ip:203.0.113.9"


def test_no_phone_number_or_address_is_kept_in_the_cache_in_clear():
    phone = "+6281300000077"
    with override_settings(SMS_RATE_LIMIT_PER_PHONE_PER_HOUR=5):
        ratelimit.sms_phone(phone)
    keys = list(cache._cache)  # the local-memory cache of the tests
    assert keys and not any("6281300000077" in key for key in keys)


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_when_the_cache_is_down_requests_pass(caplog):
    limit = rule(limit=1)
    assert ratelimit.hit(limit) is None and ratelimit.hit(limit) is None
    assert "not limiting" in caplog.text


@pytest.mark.slow
def test_counters_are_shared_by_app_servers_through_redis(redis_url):
    """Two other processes (two app servers) and this one count against one Redis. The window is
    30 days: a fixed window of an hour could end between two of the processes' hits (it did in a
    run started two minutes before the hour), and a new window starts counting again."""
    identity = f"citizen-{uuid.uuid4().hex}"
    window = 30 * 86400
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "ADUAN_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
    }
    code = (
        "import django; django.setup(); from aduan.ops import ratelimit; "
        f"r = ratelimit.Rule('shared', '{identity}', 3, {window}); "
        "print([ratelimit.hit(r) is None for _ in range(2)])"
    )

    def app_server():
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert app_server() == "[True, True]"
    assert app_server() == "[True, False]"  # the third and fourth hits: the limit is 3
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
            }
        }
    ):
        refusal = ratelimit.hit(Rule("shared", identity, 3, window))
        assert refusal is not None and 1 <= refusal.retry_after <= window
        from django.core.cache import caches

        client = caches["default"]._cache.get_client(None)
        # This identity's counter only: another run's may still be in the same Redis database.
        keys = client.keys(f"*rl:shared:{ratelimit._digest(identity)}:*")
        assert len(keys) == 1 and window < client.ttl(keys[0]) <= window + 60  # unlike a bare INCR
        client.delete(*keys)
