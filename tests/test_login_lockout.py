"""Log-in throttling: after repeated failures for one account the log-in is refused for a while,
even with the right password (allauth's rate limits, on outside the test settings)."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_repeated_failures_lock_the_account_out(client, cast, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key"}
    cache.clear()
    for _ in range(5):
        response = client.post("/masuk/", {"login": "warga-uji", "password": "salah"})
        assert response.status_code == 200 and not client.session.get("_auth_user_id")
    blocked = client.post("/masuk/", {"login": "warga-uji", "password": "kata-sandi-uji-123"})
    assert not client.session.get("_auth_user_id")
    assert blocked.status_code == 200  # the form again, saying why and what to do
    assert "Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti." in blocked.content.decode()
    cache.clear()
