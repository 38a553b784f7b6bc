"""What the browser tests share: Debian's chromium driven by Playwright, where it is and how it
starts, the mark that skips a module without it, the live server's environment, and the browser
itself (the `chromium` fixture, registered in tests/conftest.py), and the `Browser` of the CSP and
accessibility tests: a page per role that watches the Content-Security-Policy, and a visit that
waits until the page has settled.

Playwright and chromium start once per test process, when its first browser test asks for them (a
process that runs none pays nothing), and stop when the session ends. Each test opens contexts of
its own (`chromium.new_context(...)`): a context shares no cookies, storage, cache, service
workers or permissions with another, and every context a test opened is closed after it, so the
tests stay as independent as with a browser each."""

import asyncio
import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# A browser test module's `pytestmark` has it.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium; .ci/run does)",
)

# The live server takes a port the system gives it (port 0): a fixed range collides with other test
# runs on the same machine.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1:0")
# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are plain
# synchronous code all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Chromium:
    """Playwright and one chromium for the test process, from `Chromium()` to `stop()`.

    Playwright's sync API runs its event loop in a greenlet of this thread and, after each call,
    marks that loop as the thread's running one (hence DJANGO_ALLOW_ASYNC_UNSAFE). It is so only
    during a browser test, as when each test started its own Playwright: in the other tests of the
    process a running loop would stop `asyncio.run()` and `async_to_sync`, and Django would keep
    its database connections per async context instead of per thread."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        try:
            self.browser = self._launch()
        except BaseException:
            self.playwright.stop()
            raise
        self.loop = asyncio.get_running_loop()
        asyncio._set_running_loop(None)

    def _launch(self):
        return self.playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)

    @contextlib.contextmanager
    def for_a_test(self):
        """The browser, for the contexts of one test, closed when the test ends."""
        from django.db import connections

        asyncio._set_running_loop(self.loop)
        if not self.browser.is_connected():  # chromium went away in an earlier test: a new one
            self.browser = self._launch()
        try:
            yield self.browser
        finally:
            try:
                for context in self.browser.contexts:
                    context.close()
            finally:
                # The ORM calls made while Playwright's loop was marked running have connections
                # of their own; close them (and the others), or PostgreSQL refuses to drop the test
                # database at the end.
                connections.close_all()
                asyncio._set_running_loop(None)
                connections.close_all()

    def stop(self):
        asyncio._set_running_loop(self.loop)  # as Playwright left it; stopping ends the loop
        try:
            self.browser.close()
        finally:
            self.playwright.stop()


# The refusals of the policy, seen from an init script (which the page's policy does not govern).
# Each report's delivery to Python (a promise, resolved once the Python callback has run) is kept,
# so that SETTLED can wait for it.
LISTEN = """window.cspDeliveries = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspDeliveries.push(
    window.cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
        + `at ${e.sourceFile}:${e.lineNumber} on ${location.pathname}`)));"""

# Run in the page once none of its requests is in flight: a frame is drawn (layout starts the lazy
# images, IntersectionObserver and htmx's "revealed" triggers), the tasks queued until then run (a
# `securitypolicyviolation` event is one, queued when the refusal happens), and every report of a
# refusal has reached Python.
SETTLED = """async () => {
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    await new Promise((done) => setTimeout(done));
    await Promise.all(window.cspDeliveries || []);
}"""


class Browser:
    """One chromium (the `chromium` fixture's); a context per role, each logged in with a session
    cookie (so that the test does not depend on how staff log in), and every refusal of the policy
    collected in `violations`, from the `securitypolicyviolation` event and from chromium's
    "Refused to ..." console message."""

    def __init__(self, browser, url):
        self.url, self.violations = url, []
        self.browser = browser
        self._in_flight: dict = {}  # page: the requests it started that have not ended yet

    def page_for(self, user=None, **options):
        from django.test import Client

        context = self.browser.new_context(
            viewport={"width": 360, "height": 740}, locale="id-ID", **options
        )
        context.expose_function("cspViolation", lambda text: self.violations.append(text))
        context.add_init_script(LISTEN)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.url}]
            )
        page = context.new_page()
        page.set_default_timeout(30000)
        page.on(
            "console",
            lambda m: (
                ("Content Security Policy" in m.text or "Refused to" in m.text)
                and self.violations.append(f"console: {m.text}")
            ),
        )
        in_flight = self._in_flight[page] = set()

        def started(request):
            in_flight.discard(request.redirected_from)  # a redirect: the request goes on as this
            in_flight.add(request)

        def ended(request):
            in_flight.discard(request)

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        return page

    def visit(self, page, path):
        response = page.goto(self.url + path)
        assert response.ok, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.settle(page)
        return response

    def settle(self, page, timeout=30):
        """Wait until the page is quiet (after `goto`, which waits for the load event, or after
        what a click started): none of its requests in flight, then SETTLED run in it, and still
        none in flight; else again (a request started by what a finished one brought, or by the
        frame SETTLED waited for, is waited for in turn). By then what the page loaded and ran has
        been checked against the policy, and any refusal is in `violations`: the control in
        tests/test_browser_csp.py shows a refusal that follows a late request being caught.

        The service worker's own requests (its script, its imports, its precache) are not the
        page's, and are not waited for: they are governed by the worker script's own policy, whose
        refusals are events in the worker, not in the page (the page's policy does govern the
        registration, refused, if it were, in the page). The page's requests that the worker
        answers are the page's, and counted."""
        in_flight = self._in_flight[page]
        deadline = time.monotonic() + timeout
        while True:
            while in_flight:
                assert time.monotonic() < deadline, sorted(r.url for r in in_flight)
                page.wait_for_timeout(10)  # Playwright hands over the page's events meanwhile
            page.evaluate(SETTLED)
            if not in_flight:
                return
