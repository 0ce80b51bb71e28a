"""An anonymous visitor walks every URL pattern of the URLconf (the project's, Django's admin and
auth views), in Chinese at / and in English at /en/, on the suite's production settings
(DEBUG off): none answers 500.

The patterns are read from the resolver, never from a hand-kept list; path converters are filled
with ids of rows the factories made (so detail pages render), with years that have data, and
with values nobody has (so the 404 paths run too)."""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern
from django.utils import timezone

from congress.models import AnnualReview
from tests import factories

pytestmark = pytest.mark.django_db

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def walk_patterns(resolver=None, prefix=(), out=None):
    """Every leaf pattern as a tuple of its levels' pattern objects, outermost first."""
    out = [] if out is None else out
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            walk_patterns(entry, (*prefix, entry.pattern), out)
        elif isinstance(entry, URLPattern):
            out.append((*prefix, entry.pattern))
    return out


def pattern_text(levels) -> str:
    return "".join(str(level) for level in levels)


def fill_levels(levels, values: dict[str, list[str]], language: str) -> list[str]:
    """The paths one pattern gives: each parameter takes each of its candidate values."""
    paths = [""]
    for level in levels:
        text = str(level) if not isinstance(level, RegexPattern) else level._regex
        options: list[tuple[str, list[str]]] = []
        if isinstance(level, LocalePrefixPattern):  # "" for zh-hans (the default), "en/"
            text = "" if language == "zh-hans" else f"{language}/"
        elif not isinstance(level, RegexPattern):
            for match in ROUTE_PARAM.finditer(text):
                options.append((match.group(0), candidates(match, values)))
        else:
            text = text.lstrip("^").rstrip("$").replace("\\", "")
            for match in REGEX_GROUP.finditer(text):
                name, body = match.group("name"), match.group("body")
                if re.fullmatch(r"[\w-]+(\|[\w-]+)*", body):  # an alternation: every word
                    choices = body.split("|")
                else:
                    choices = values.get(name) or [body]
                options.append((match.group(0), choices))
        filled = [text]
        for placeholder, choices in options:
            filled = [f.replace(placeholder, str(c), 1) for f in filled for c in choices]
        paths = [p + f for p in paths for f in filled]
    return ["/" + p for p in paths]


def candidates(match, values):
    converter, name = match.group("converter") or "str", match.group("name")
    if name in values:
        return values[name]
    return values.get(f"<{converter}>", ["x"])


@pytest.fixture
def rows():
    """A little of everything, so that detail pages and their files have something to show."""
    deputy = factories.DeputyFactory()
    station = factories.StationFactory()
    suggestion = factories.SuggestionFactory(
        lead=deputy, status="registered", is_public=True, registered_at=timezone.now()
    )
    motion = factories.MotionFactory(lead=deputy)
    item = factories.SupervisionItemFactory()
    poll = factories.PollOptionFactory().poll
    project = factories.LivelihoodProjectFactory(year=2022)
    opinion = factories.OpinionFactory(station=station)
    AnnualReview.objects.create(
        year=2022, title="2022年工作回眸", published=True, published_on=datetime.date(2023, 1, 10)
    )
    ids = {
        obj.pk
        for obj in (deputy, station, suggestion, motion, item, poll, project, opinion)
        if obj is not None
    }
    return {"ids": sorted(ids), "opinion_code": opinion.code}


def candidate_values(rows) -> dict[str, list[str]]:
    ids = [str(pk) for pk in rows["ids"]] + ["999999"]
    this_year = str(timezone.localdate().year)
    return {
        "<int>": ids,
        "<str>": ["1", "x"],
        "<slug>": ["x"],
        "<path>": ["1", "x/y.pdf"],
        "<uuid>": ["00000000-0000-0000-0000-000000000000"],
        "year": ["2022", this_year, "1999"],
        "code": [rows["opinion_code"], "NOSUCHCODE"],
        "object_id": ["1", "999999", "x"],
        "content_type_id": ["1", "999999"],
        "uidb64": ["MQ", "x"],
        "token": ["set-password", "abc-def"],
        "slug": ["deputies", "suggestions", "livelihood-projects", "no-such-set"],
        "path": ["x.pdf", "opinions/2022/x.jpg"],
        "language": ["zh-hans", "en"],
    }


def test_every_url_pattern_answers_an_anonymous_visitor_without_a_500(client, rows, capsys):
    client.raise_request_exception = False  # count the 500s instead of stopping at the first
    patterns = walk_patterns()
    values = candidate_values(rows)
    walked, failures, requests = [], [], 0
    for levels in patterns:
        text = pattern_text(levels)
        walked.append(text)
        localised = any(isinstance(level, LocalePrefixPattern) for level in levels)
        languages = ["zh-hans", "en"] if localised else [""]
        for language in languages:
            for path in fill_levels(levels, values, language or "zh-hans"):
                response = client.get(path)
                requests += 1
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {path}  ({text})")
    with capsys.disabled():
        print(f"\nanonymous walk: {len(walked)} URL patterns, {requests} requests")
        for text in sorted(walked):
            print("  ", text)
    assert not failures, "\n".join(failures[:40])
    # The walk really reached the admin's and auth's own patterns.
    assert any("admin/login/" in t for t in walked)
    assert any("password_reset" in t or "password-reset" in t for t in walked)
    assert len(walked) > 150


@pytest.mark.parametrize("path", ["/admin/login/", "/en/admin/login/", "/admin/", "/en/admin/"])
def test_the_admin_door_opens_to_an_anonymous_visitor(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_an_expired_session_is_sent_to_the_login_page(client, django_user_model):
    from django.contrib.sessions.models import Session

    factories.StaffFactory(username="clerk-office")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "clerk-office", "password": "pw-for-tests", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    # The session ends on the server (expired and cleared by clearsessions, or flushed).
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    for path in ["/admin/", "/admin/proposals/suggestion/", "/en/admin/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert b'name="username"' in response.content, path
    Session.objects.all().delete()
    assert client.get("/admin/login/").status_code == 200


def test_a_clerk_whose_account_was_disabled_meets_the_login_page(client):
    membership = factories.UnitMembershipFactory(user__username="unit-clerk")
    client.post(
        "/admin/login/", {"username": "unit-clerk", "password": "pw-for-tests", "next": "/admin/"}
    )
    assert client.get("/admin/").status_code == 200
    membership.user.is_active = False
    membership.user.save()
    response = client.get("/admin/proposals/suggestion/", follow=True)
    assert response.status_code == 200
    assert b'name="username"' in response.content


@pytest.mark.parametrize("role", ["deputy", "bare_staff", "clerk", "inactive_staff"])
def test_every_admin_page_answers_each_kind_of_login_without_a_500(client, rows, role):
    """The siblings of the anonymous login page: whoever holds a session (a deputy who is not
    staff, staff with no permission, a unit clerk, an account disabled after login) meets every
    admin index, app page and changelist with a page or a redirect, never a 500."""
    from django.contrib import admin

    if role == "deputy":
        user = factories.DeputyFactory(user=factories.UserFactory(username="a-deputy")).user
    elif role == "clerk":
        user = factories.UnitMembershipFactory(user__username="a-clerk").user
    else:
        user = factories.UserFactory(username="a-staff", is_staff=True)
    client.force_login(user)
    if role == "inactive_staff":
        user.is_active = False
        user.save()
    client.raise_request_exception = False
    paths = ["/admin/", "/en/admin/", "/admin/login/", "/admin/password_change/"]
    for model in admin.site._registry:
        opts = model._meta
        paths += [
            f"/admin/{opts.app_label}/",
            f"/admin/{opts.app_label}/{opts.model_name}/",
            f"/admin/{opts.app_label}/{opts.model_name}/add/",
            f"/admin/{opts.app_label}/{opts.model_name}/1/change/",
        ]
    failures = [p for p in paths if client.get(p).status_code >= 500]
    assert not failures, failures
