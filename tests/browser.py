"""What the browser tests share: Debian's chromium driven by Playwright, where it is and how it
starts, the mark that skips a module without it, the live server's environment, and the browser
itself (the `chromium` fixture, registered in tests/conftest.py).

Playwright and chromium start once per test process, when its first browser test asks for them (a
process that runs none pays nothing), and stop when the session ends. Each test opens contexts of
its own (`chromium.new_context(...)`): a context shares no cookies, storage, cache, service
workers or permissions with another, and every context a test opened is closed after it, so the
tests stay as independent as with a browser each."""

import asyncio
import contextlib
import os
import shutil
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
