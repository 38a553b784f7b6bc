"""The error pages a citizen may meet are the portal's own, in Bahasa Indonesia (English when
chosen), with no inline script or style (the Content-Security-Policy would refuse it)."""

import pytest


@pytest.mark.django_db
def test_a_missing_report_answers_the_portals_404_in_bahasa_indonesia(client):
    response = client.get("/laporan/SBW-TIDAKADA/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body and "kode pelacakan" in body
    assert "<style" not in body and "<script" not in body and "Not Found" not in body


@pytest.mark.django_db
def test_the_404_page_follows_the_chosen_language(client):
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/laporan/SBW-TIDAKADA/").content.decode()


def test_a_server_error_answers_the_portals_500_page(rf):
    """The handler renders 500.html without the request's context, in the request's language (the
    locale middleware has set it; here it is set by hand)."""
    from django.utils import translation

    from aduan.web.errors import server_error_page

    with translation.override("id"):
        response = server_error_page(rf.get("/laporan/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi gangguan" in body and "<script" not in body and "<style" not in body


@pytest.mark.slow
def test_the_500_page_still_answers_when_the_portals_page_cannot_be_drawn(tmp_path):
    """A production start-up whose static files were never collected cannot draw the portal's
    pages (no manifest entry for the stylesheet); the answer is still a 500 in Bahasa Indonesia,
    not the WSGI server's bare English page."""
    import os
    import subprocess
    import sys

    from tests.test_settings import ROOT, STRONG, UNSET

    script = (
        "import django; django.setup()\nfrom django.test import Client\n"
        "r = Client(HTTP_HOST='aduan.example', raise_request_exception=False)"
        ".get('/tidak-ada/', secure=True)\n"
        "print(r.status_code, r.content.decode())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        ADUAN_ENV="production",
        SECRET_KEY=STRONG,
        ALLOWED_HOSTS="aduan.example",
        STATIC_ROOT=str(tmp_path),
        ADUAN_DOTENV="/nonexistent",
        DJANGO_SETTINGS_MODULE="aduan.settings",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("500 ")
    assert "Terjadi gangguan" in result.stdout and "Server Error" not in result.stdout
    assert "Missing staticfiles manifest entry" in result.stderr  # logged for the operator
