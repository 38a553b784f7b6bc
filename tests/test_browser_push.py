"""Web Push in a real browser (issue 13): Debian's chromium, driven by Playwright, receives a push
message for the portal's service worker (delivered through the DevTools protocol, as the push
service would) and shows the notification with the report's code and status. Skips, saying why,
only where chromium is not installed."""

import json
import time

import pytest

from tests.browser import needs_chromium

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]


def test_the_service_worker_shows_the_push_as_a_notification(live_server, chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, service_workers="allow")
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    # The DevTools ServiceWorker domain reports the registrations of the whole browser, and the
    # browser is shared by this process's browser tests: a registration of an earlier test's
    # context (same live server, same origin) may be reported first. So the push goes to every
    # live registration of the origin, and again until this page's worker shows it.
    registrations: dict[str, bool] = {}  # id -> still registered
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            (r["registrationId"], not r["isDeleted"])
            for r in event["registrations"]
            if r["scopeURL"].startswith(live_server.url)
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.goto(f"{live_server.url}/")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    deadline = time.monotonic() + 30  # a condition, not a count: a loaded machine is slow
    while not any(registrations.values()) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert any(registrations.values()), "the service worker never registered"
    payload = {
        "title": "Laporan SBW-7K3Q9M",
        "body": "Laporan Anda sedang diproses. Status: Diproses",
        "url": "/laporan/SBW-7K3Q9M/",
        "tag": "SBW-7K3Q9M",
    }
    shown = []
    delivered_at = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if delivered_at is None or time.monotonic() - delivered_at > 2:
            for registration_id in [r for r, live in registrations.items() if live]:
                cdp.send(
                    "ServiceWorker.deliverPushMessage",
                    {
                        "origin": live_server.url,
                        "registrationId": registration_id,
                        "data": json.dumps(payload),
                    },
                )
            delivered_at = time.monotonic()
        shown = page.evaluate(
            """navigator.serviceWorker.ready.then((r) => r.getNotifications()).then(
                 (list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag,
                                             icon: n.icon, data: n.data})))"""
        )
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown, "no notification was shown"
    assert shown[0]["title"] == "Laporan SBW-7K3Q9M"
    assert "Diproses" in shown[0]["body"] and shown[0]["tag"] == "SBW-7K3Q9M"
    assert shown[0]["data"] == {"url": "/laporan/SBW-7K3Q9M/"}
    assert "/static/web/icons/icon-192.png" in shown[0]["icon"]
