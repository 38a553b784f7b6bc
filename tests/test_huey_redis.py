"""Background work on Redis (REDIS_URL): a task enqueued by one huey instance is run by another,
as when the web server and the worker run on different machines."""

import pytest
from huey import RedisHuey


def test_a_task_travels_through_redis(redis_url):
    producer = RedisHuey("aduan-test", url=redis_url)
    consumer = RedisHuey("aduan-test", url=redis_url)
    producer.flush()

    @producer.task()
    def add(a, b):
        return a + b

    consumer._registry = producer._registry  # the same code base on both machines
    result = add(2, 3)
    task = consumer.dequeue()
    assert task is not None
    consumer.execute(task)
    assert result.get() == 5
    producer.flush()


@pytest.mark.slow
def test_settings_pick_redis_when_redis_url_is_set(redis_url):
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; django.setup(); import huey; from huey.contrib.djhuey import HUEY; "
        "print(type(HUEY).__name__, isinstance(HUEY, huey.PriorityRedisHuey))"
    )
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "ADUAN_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # priorities kept; a tick's periodic tasks enqueued once by several consumers (ops/periodic.py)
    assert out.stdout.strip() == "OncePerTickRedisHuey True", out.stderr


@pytest.mark.slow
def test_rate_limit_counters_are_shared_through_redis_between_processes(redis_url):
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    key = f"aduan-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "ADUAN_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
    }
    root = Path(__file__).resolve().parent.parent

    def run(code):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import django; django.setup(); from django.core.cache import cache; {code}",
            ],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    run(f"cache.set('{key}', 7, 60)")
    assert run(f"print(cache.get('{key}'))") == "7"  # another process, like another app server
    run(f"cache.delete('{key}')")
