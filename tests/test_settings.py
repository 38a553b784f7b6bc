"""Production mode refuses to start when it is not safe."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Not part of a server's environment: DJANGO_ALLOW_ASYNC_UNSAFE is set in this process by the
# browser tests (Playwright's event loop), and must not leak into a "production" start-up.
UNSET = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "ADUAN_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")
STRONG = "k8Vt3pQz9LmN2wXy7RbC4dFg6HjK1sA5eU0oI-_zqWvE3rT8yU2iO9pL"


def start(*, code="import django; django.setup(); print('started')", **env):
    """Import the settings in a fresh interpreter, as a server would at start-up."""
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    clean.update(env, ADUAN_DOTENV="/nonexistent", DJANGO_SETTINGS_MODULE="aduan.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SECRET_KEY is missing or insecure"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50, "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG, "DEBUG": "1", "ALLOWED_HOSTS": "a.example"}, "DEBUG on"),
        ({"SECRET_KEY": STRONG}, "ALLOWED_HOSTS"),
    ],
)
@pytest.mark.slow
def test_production_refuses_to_start(env, message):
    result = start(ADUAN_ENV="production", **env)
    assert result.returncode != 0 and message in result.stderr


@pytest.mark.slow
def test_production_starts_with_safe_settings():
    result = start(ADUAN_ENV="production", SECRET_KEY=STRONG, ALLOWED_HOSTS="aduan.example")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.slow
def test_production_is_the_default_mode():
    assert start().returncode != 0


def test_the_example_env_file_lists_exactly_the_variables_read():
    import re

    from aduan import settings as aduan_settings

    source = (ROOT / "aduan" / "settings.py").read_text()
    assert source.count("os.environ") == 1, "settings.py reads a variable without env()"
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = aduan_settings.ENV_READ
    # Read whatever the mode and the database: the S3 variables without S3, PostgreSQL's on SQLite.
    assert {"S3_BUCKET", "DB_SERVER_SIDE_BINDING", "TEST_SQLITE_PATH", "X_CLIENT_ID"} <= read
    assert read - listed == set(), "read but not listed in .env.example"
    assert listed - read == set(), "listed in .env.example but never read"


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "y"])
def test_a_yes_no_variable_refuses_what_is_not_yes_or_no(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from aduan.settings import envbool

    monkeypatch.setenv("DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match=f"DEBUG='{value}' is not a yes/no value"):
        envbool("DEBUG", False)


@pytest.mark.parametrize(
    "value, expected",
    [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False), ("", None)],
)
def test_a_yes_no_variable_reads_the_usual_spellings(monkeypatch, value, expected):
    from aduan.settings import envbool

    monkeypatch.setenv("DEBUG", value)
    assert envbool("DEBUG", None) is expected  # empty: the default


def test_a_number_variable_refuses_what_is_not_a_number(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from aduan.settings import envint, envints

    monkeypatch.setenv("EMAIL_PORT", "25a")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='25a' is not a whole number"):
        envint("EMAIL_PORT", 25)
    monkeypatch.setenv("EMAIL_PORT", " 587 ")
    assert envint("EMAIL_PORT", 25) == 587
    monkeypatch.setenv("ESCALATION_WORKING_DAYS", "1,tiga")
    with pytest.raises(ImproperlyConfigured, match="not a list of whole numbers"):
        envints("ESCALATION_WORKING_DAYS", "1,3")


@pytest.mark.slow
def test_a_typo_in_a_yes_no_variable_stops_the_start_up():
    result = start(ADUAN_ENV="development", DEBUG="ture")
    assert result.returncode != 0 and "DEBUG='ture' is not a yes/no value" in result.stderr


def test_s3_storage_without_the_s3_extra_stops_the_start_up_saying_what_to_install():
    """boto3 and django-storages are an optional extra (requirements-s3.txt). Here they are
    installed (the development set has them), so the interpreter is told they are not."""
    missing = "import sys; sys.modules['storages'] = sys.modules['boto3'] = None; "
    result = start(
        code=missing + "import aduan.settings",
        ADUAN_ENV="development",
        STORAGE_BACKEND="storages.backends.s3.S3Storage",
        S3_BUCKET="aduan",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "the s3 extra is not installed (no django-storages, boto3)" in result.stderr
    assert "make install EXTRAS=s3" in result.stderr


@pytest.mark.slow
def test_production_settings_pass_the_deployment_checks():
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    env = {
        **clean,
        "ADUAN_ENV": "production",
        "SECRET_KEY": STRONG,
        "ALLOWED_HOSTS": "aduan.example",
        "ADUAN_DOTENV": "/nonexistent",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION_REQUESTS = """
import json
import django; django.setup()
from django.test import Client
client = Client(HTTP_HOST="aduan.example")
page = client.get("/tidak-ada/", secure=True)
print("HEADERS", json.dumps(dict(page.headers)))
print("PLAIN", client.get("/tidak-ada/").headers.get("Location"))
chosen = client.post("/i18n/setlang/", {"language": "en"}, secure=True)
print("COOKIE", chosen.cookies["django_language"].output())
import sys
print("LOADED", json.dumps(sorted({"sklearn", "scipy", "pywebpush", "aiohttp"} & set(sys.modules))))
"""


@pytest.mark.slow
def test_production_sends_hsts_csp_and_secure_cookies(production_static_root):
    """What `check --deploy` checks in the settings, seen on the wire: HTTPS only (HSTS, plain HTTP
    redirected), the Content-Security-Policy, and even the language cookie marked Secure."""
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    env = {
        **clean,
        "ADUAN_ENV": "production",
        "SECRET_KEY": STRONG,
        "ALLOWED_HOSTS": "aduan.example",
        "ADUAN_DOTENV": "/nonexistent",
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
        "STATIC_ROOT": str(production_static_root),
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(
        line.split(" ", 1) for line in result.stdout.splitlines() if line.split(" ", 1)[0].isupper()
    )
    headers = json.loads(lines["HEADERS"])
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert lines["PLAIN"] == "https://aduan.example/tidak-ada/"
    assert "; Secure" in lines["COOKIE"] and "HttpOnly" in lines["COOKIE"]
    # Pages that compare no texts do not load scikit-learn (a second of every start-up), nor
    # does a process that sends no push message load pywebpush and aiohttp (a tenth).
    assert json.loads(lines["LOADED"]) == []


@pytest.mark.parametrize(
    "env, form_action, header",
    [
        (
            {"CSP_REPORT_URI": "https://csp.example/r"},
            "form-action 'self'",
            "Content-Security-Policy",
        ),
        ({"CSP_REPORT_ONLY": "1"}, "form-action 'self'", "Content-Security-Policy-Report-Only"),
        (
            {"GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "s"},
            "form-action 'self' https://accounts.google.com",
            "Content-Security-Policy",
        ),
    ],
)
@pytest.mark.slow
def test_the_policy_follows_the_environment(env, form_action, header):
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    code = (
        "import django, json; django.setup()\nfrom django.test import Client\n"
        "print(json.dumps(dict(Client().get('/tidak-ada/').headers)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **clean,
            "ADUAN_ENV": "test",
            "ADUAN_DOTENV": "/nonexistent",
            "DJANGO_SETTINGS_MODULE": "aduan.settings",
            **env,
        },
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    other = ({"Content-Security-Policy", "Content-Security-Policy-Report-Only"} - {header}).pop()
    assert other not in headers
    assert form_action in headers[header].split("; ")
    assert ("report-uri https://csp.example/r" in headers[header]) == ("CSP_REPORT_URI" in env)
