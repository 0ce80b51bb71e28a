"""Permission audit: every back-office and workspace URL refuses visitors who may not use it.

Generic over the URL resolver, so a page added later is audited too.
"""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _portal_paths():
    paths = set()
    for route in _routes():
        if route.startswith("portal/"):
            paths.add("/" + re.sub(r"<(int:)?\w+>", "1", re.sub(r"<str:\w+>", "x", route)))
    return sorted(paths)


def _admin_changelists():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_every_workspace_page_sends_anonymous_visitors_to_login(client):
    paths = _portal_paths()
    assert len(paths) >= 10
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            if response.status_code == 405:  # a POST-only step refuses GET before anything else
                continue
            assert response.status_code == 302, path
            assert response["Location"].startswith("/accounts/login/"), path


def test_workspace_pages_refuse_an_account_that_is_not_a_deputy(client):
    client.force_login(UserFactory())
    for path in _portal_paths():
        assert client.get(path).status_code in (403, 404, 405), path


def test_a_deputy_cannot_reach_other_peoples_items(client):
    deputy = DeputyFactory(user=UserFactory())
    client.force_login(deputy.user)
    for path in _portal_paths():
        if re.search(r"/1/", path):  # an item of someone else's (or none): never shown
            assert client.get(path).status_code in (403, 404, 405), path


def test_every_admin_page_is_closed_to_anonymous_and_to_non_staff(client):
    changelists = _admin_changelists()
    assert len(changelists) >= 30
    for path in changelists:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path
    client.force_login(DeputyFactory(user=UserFactory()).user)  # a deputy is not staff
    for path in changelists:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path


def test_staff_without_permissions_see_no_register(client):
    client.force_login(UserFactory(is_staff=True))
    for path in _admin_changelists():
        assert client.get(path).status_code in (403, 302), path
