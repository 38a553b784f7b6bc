"""A client that speaks to the API as one member of the cast, with a real token."""

import datetime
import json

import pytest
from django.test import Client

from aduan.api.models import ApiToken


class ApiClient:
    def __init__(self, user=None, **defaults):
        self.client = Client(**defaults)
        self.headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user, "pytest")
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path, data=None, **headers):
        return self.client.get(f"/api/v1{path}", data, headers={**self.headers, **headers})

    def post(self, path, data=None, *, idempotency_key=None, **headers):
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def post_form(self, path, data, *, idempotency_key=None, **headers):
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return self.client.post(f"/api/v1{path}", data, headers={**self.headers, **headers})

    def patch(self, path, data, **headers):
        return self.client.patch(
            f"/api/v1{path}",
            json.dumps(data),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def delete(self, path, **headers):
        return self.client.delete(f"/api/v1{path}", headers={**self.headers, **headers})


@pytest.fixture
def cast(cast):
    """The cast as the mobile app meets it: citizens who filled in their KTP profile (at
    registration or by `PATCH /me`), as they must before filing (`test_api_profile.py` checks
    the refusal without it)."""
    from tests.portal import give_profile

    give_profile(
        cast.citizen,
        nik="5204081203900001",
        full_name=cast.citizen.full_name,
        phone=cast.citizen.phone,
    )
    give_profile(cast.other_citizen, nik="5204084203900002", sex="P")
    give_profile(cast.representative, nik="5204080101800003", birth_date=datetime.date(1980, 1, 1))
    return cast


@pytest.fixture
def api():
    """`api(user)` → a client authenticated by a fresh Bearer token of `user` (None: anonymous)."""
    return ApiClient


def error_of(response, status):
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


from tests.master_data_hook import fast_password_hashing  # noqa: E402,F401
