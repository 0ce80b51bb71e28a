"""Walk every public page of the demo site: with hostile parameters nothing answers 500 or
reflects markup unescaped, and no private field of any deputy appears anywhere."""

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from deputies.models import Deputy
from proposals.models import Opinion

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "99999999999999999999999",
    "x" * 3000,
    "２０２２",
]
# Parameters the public pages read, plus one nobody reads.
PARAMS = [
    "page",
    "year",
    "q",
    "name",
    "delegation",
    "town",
    "group",
    "gender",
    "party",
    "station",
    "deputy",
    "category",
    "status",
    "unknown",
]
SKIP_PREFIXES = ("admin/", "accounts/", "portal/", "healthz")


def _public_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _public_routes(entry, route)
        elif isinstance(entry, URLPattern):
            if route.startswith("en/"):
                continue
            yield route


def _fill(route, pk):
    path = re.sub(r"<int:\w+>", str(pk), route)
    return None if "<" in path else "/" + path


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses a non-demo database otherwise
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def test_public_pages_survive_hostile_parameters(client, demo):
    routes = sorted(
        set(_public_routes()) - {r for r in _public_routes() if r.startswith(SKIP_PREFIXES)}
    )
    assert len(routes) >= 6
    failures = []
    checked = 0
    paths = sorted({p for route in routes for pk in (1, 999999) if (p := _fill(route, pk))})
    for path in paths:
        # Files (PDF posters, CSV, QR codes) read no parameters and cost a render each: a few do.
        params = PARAMS[:2] if path.endswith((".pdf", ".csv", ".svg", ".json")) else PARAMS
        for param in params:
            for value in HOSTILE_VALUES:
                response = client.get(path, {param: value})
                checked += 1
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {path}?{param}={value[:20]}")
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                if b"<script>alert(1)</script>" in body:
                    failures.append(f"reflected unescaped: {path}?{param}")
    assert not failures, "\n".join(failures[:30])
    assert checked > 500


def test_no_private_field_reaches_a_public_page(client, demo):
    private = set()
    for phone, id_number in Deputy.objects.values_list("phone", "id_number"):
        private.update(v for v in (phone, id_number) if v)
    assert len(private) > 500
    residents = set(Opinion.objects.exclude(phone="").values_list("phone", flat=True))
    assert residents, "the demo has residents who left a phone number"
    private |= residents
    pages = ["/", "/deputies/", "/stations/", "/en/deputies/"]
    pages += [f"/deputies/{pk}/" for pk in Deputy.objects.values_list("pk", flat=True)[:40]]
    pages += [f"/stations/{pk}/" for pk in range(1, 12)]
    pages += [f"/deputies/?page={n}" for n in range(2, 13)]
    pages += ["/opinions/stats/", "/suggestions/", "/suggestions/stats/", "/open-data/"]
    pages += [
        f"/opinions/track/{code}/" for code in Opinion.objects.values_list("code", flat=True)[:30]
    ]
    seen = 0
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue
        seen += 1
        html = response.content.decode()
        leaked = [value for value in private if value in html]
        assert not leaked, f"{page} shows private values {leaked[:3]}"
    assert seen >= 50
