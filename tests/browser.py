"""Real headless Chromium (Debian's package) driven by Playwright, with axe-core from npm.

`open_page(path, user=None)` opens a page of the live server (signed in as `user` when given) and returns it;
`assert_clean()` then fails on console errors (a CSP violation shows up as one) and failed sub-resources;
`assert_accessible(page)` runs axe-core and fails on any WCAG 2.1 A/AA violation, and on any button drawn outside
its button group (over what follows it, which axe does not see).
"""

import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

REPO = Path(__file__).resolve().parents[1]
AXE_JS = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class OneAtATimeServer(ThreadedWSGIServer):
    """The live server, running one request's application code at a time. On SQLite the test database lives in
    memory and every request thread shares its one connection: two requests at once (a page's navigation counts
    arrive as two fetches) would use it together and fail ("bad parameter or other API misuse"). Connections
    stay threaded, so a browser's kept-alive connection never blocks another."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]  # the whole body, and request_finished, inside the lock
                finally:
                    getattr(response, "close", lambda: None)()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneAtATimeServer


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it with apt-get)")
    if not AXE_JS.exists():
        pytest.skip("axe-core is not installed (make test installs it with npm)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserSession:
    def __init__(self, browser, live_server):
        self.browser = browser
        self.live_server = live_server
        self.context = None
        self.errors: list[str] = []

    def url(self, path: str) -> str:
        return f"{self.live_server.url}{path}"

    def open_page(self, path: str, user=None, width: int | None = None):
        """A fresh browser context (signed in as `user`), `width` CSS pixels wide if given (390: a phone)."""
        from django.conf import settings
        from django.test import Client

        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(
            **({"viewport": {"width": width, "height": 844}, "is_mobile": True} if width else {})
        )
        if user is not None:
            from tests.conftest import sign_in

            client = sign_in(Client(), user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            self.context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": self.live_server.url}]
            )
        page = self.context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("response", self._response)
        response = page.goto(self.url(path))
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        # The navigation's counts arrive in a request of their own once the page has loaded: let it finish
        # before the test goes on, since on SQLite the live server shares the test's one connection.
        page.wait_for_load_state("networkidle")
        return page

    def _console(self, message) -> None:
        # A failed load is reported by _response with its URL; a page answering 422 or 409 on purpose is not one.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.errors.append(f"{response.status} for {response.url}")

    def assert_clean(self) -> None:
        assert not self.errors, "\n".join(self.errors)


def assert_accessible(page) -> None:
    """Fail with a readable list of every WCAG 2.1 A/AA violation axe-core finds."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]
    assert not problems, f"axe found WCAG 2.1 AA violations on {page.url}:\n" + "\n".join(problems)
    assert_buttons_inside_their_groups(page)


def assert_buttons_inside_their_groups(page) -> None:
    """A button that spills out of its button group covers the text below it; axe-core cannot see that."""
    spills = page.evaluate(
        """() => [...document.querySelectorAll('.usa-button-group')].flatMap((group) => {
          const g = group.getBoundingClientRect();
          return [...group.querySelectorAll('.usa-button')].filter((button) => button.offsetParent).map((button) => {
            const b = button.getBoundingClientRect();
            const out = Math.max(g.top - b.top, b.bottom - g.bottom, g.left - b.left, b.right - g.right);
            return out > 0.5 ? `${button.textContent.trim()}: ${out.toFixed(1)}px outside its group` : null;
          }).filter(Boolean);
        })"""
    )
    assert not spills, f"buttons drawn outside their group on {page.url}: {spills}"


@pytest.fixture
def browser(chromium, live_server, transactional_db):
    session = BrowserSession(chromium, live_server)
    yield session
    if session.context is not None:
        session.context.close()
