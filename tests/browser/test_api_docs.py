"""Issue 17, finding 9: `/docs` works offline, and its "Authorize" button authorises.

Swagger UI used to come from a CDN, so on a machine without a way out `/docs` was a blank page. The
browser here may reach only the server on loopback: every other request is refused and recorded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from playwright.sync_api import BrowserContext, Route

from tests.browser.conftest import Site


def _loopback_only(context: BrowserContext) -> list[str]:
    """Refuse every request that would leave the machine; the list records what was attempted."""
    refused: list[str] = []

    def handle(route: Route) -> None:
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return refused


def test_docs_render_offline_and_authorize_with_an_api_key(site: Site, context: BrowserContext) -> None:
    html = httpx.get(f"{site.url}/docs", timeout=10).text
    assert "https://" not in html and "cdn" not in html.lower(), html
    refused = _loopback_only(context)
    page = context.new_page()

    page.goto(f"{site.url}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)

    assert page.locator(".opblock").count() >= 40  # every operation of the API is listed
    page.click("button.authorize")
    page.fill(".modal-ux input", site.admin_key)
    page.click(".modal-ux button.authorize")
    page.click(".modal-ux button.btn-done")
    leads = page.locator(".opblock-get", has=page.locator('[data-path="/v1/leads"]')).first
    leads.locator(".opblock-summary").click()
    leads.locator("button.try-out__btn").click()
    leads.locator("button.execute").click()
    status = leads.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=30_000)
    assert status.inner_text().strip() == "200"  # the key from "Authorize" was sent as a bearer token
    assert refused == []
