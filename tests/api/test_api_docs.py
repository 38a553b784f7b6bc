import pytest

from aduan.api.guard import NOT_REPLAYED_ROUTES

pytestmark = pytest.mark.django_db


def test_the_openapi_document_describes_every_operation_with_the_error_shape(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Aduan API"
    assert "ErrorOut" in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), (method, path)
            assert {"400", "401", "404", "422", "429"} <= set(operation["responses"]), (
                method,
                path,
            )
            # Not where a reply is never stored: a new token, one's personal data.
            if method == "post" and path.removeprefix("/api/v1/") not in NOT_REPLAYED_ROUTES:
                assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), path


def test_the_interactive_page_uses_assets_served_by_the_app_itself(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "https://" not in page
    for asset in (
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui.css",
        "/static/ninja/swagger-ui-init.js",
    ):
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert b"".join(response.streaming_content if response.streaming else [response.content])


def test_the_document_is_built_once_per_language_and_again_when_ninjas_settings_change(
    client, settings, monkeypatch
):
    """Building it walks every operation (most of a second); it is kept for the process."""
    from django.utils import translation
    from ninja import main

    from aduan.api.api import api

    built = []

    def counted(**kwargs):
        built.append(kwargs["path_prefix"])
        return real(**kwargs)

    real = main.get_schema
    monkeypatch.setattr(main, "get_schema", counted)
    settings.NINJA_PAGINATION_PER_PAGE = 100  # drops the kept documents
    first = client.get("/api/v1/openapi.json").content
    assert client.get("/api/v1/openapi.json").content == first
    assert built == ["/api/v1/"]

    def idempotency_text(document):
        post = document["paths"]["/api/v1/reports"]["post"]
        return next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")["description"]

    with translation.override("en"):
        english = api.get_openapi_schema(path_prefix="/api/v1/")
    assert len(built) == 2
    assert idempotency_text(english) != idempotency_text(client.get("/api/v1/openapi.json").json())
    assert len(built) == 2
    settings.SITE_NAME = "Aduan Uji"  # no schema reads another setting: kept
    client.get("/api/v1/openapi.json")
    assert len(built) == 2
    real = lambda **kwargs: {"paths": {}}  # noqa: E731  (what is built no longer matters)
    settings.NINJA_PAGINATION_PER_PAGE = 50
    client.get("/api/v1/openapi.json")
    assert len(built) == 3
