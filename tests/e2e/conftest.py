"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

They run on production-like settings: DEBUG off (tests/settings.py), the page cache on, and
Redis as the cache when REDIS_URL is set (CI sets it; locmem otherwise), so a page that stays
stale after a write fails a journey here as it would fail a user.
"""

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
# (creating fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REDIS_URL = os.environ.get("REDIS_URL", "")
E2E_PAGE_CACHE_SECONDS = 300
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def e2e_caches():
    if REDIS_URL:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": "e2e",
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def production_cache():
    """The page cache on, on Redis when REDIS_URL is set; an empty cache for every test.

    The middleware reads PAGE_CACHE_SECONDS on each request, so the live server (started once
    for the session) obeys the override. Only the database index in REDIS_URL is flushed
    (FLUSHDB through the cache's clear(), never FLUSHALL).
    """
    with override_settings(CACHES=e2e_caches(), PAGE_CACHE_SECONDS=E2E_PAGE_CACHE_SECONDS):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp only so that axe-core can be injected; the pages' own CSP is tested elsewhere.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return the serious and critical findings."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    found = [v for v in result["violations"] if v["impact"] in impacts]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found
    ]


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
