"""URL names live in each app's namespace (`suggestions:detail`, `opinions:new` …); the
addresses themselves never moved. Mails, QR codes and printed posters carry addresses, not
names, so the addresses below are pinned: a rename in urls.py must not change one of them."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation

# Names that stay at the root: the home page, the health check, public media, the login and
# Django's own password pages (django.contrib.auth.urls), and the admin's own patterns.
ROOT_NAMES = {
    "home",
    "healthz",
    "media",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}

# name, arguments, the address printed, mailed or linked from outside (DESIGN.md's URL table)
PINNED = [
    ("suggestions:list", [], "/suggestions/"),
    ("suggestions:stats", [], "/suggestions/stats/"),
    ("suggestions:export", [], "/suggestions/export.csv"),
    ("suggestions:detail", [7], "/suggestions/7/"),
    ("suggestions:attachment", [7], "/files/suggestion-attachment/7/"),
    ("suggestions:portal_list", [], "/portal/suggestions/"),
    ("suggestions:portal_new", [], "/portal/suggestions/new/"),
    ("suggestions:portal_detail", [7], "/portal/suggestions/7/"),
    ("suggestions:portal_edit", [7], "/portal/suggestions/7/edit/"),
    ("suggestions:portal_form_pdf", [7], "/portal/suggestions/7/form.pdf"),
    ("suggestions:portal_submit", [7], "/portal/suggestions/7/submit/"),
    ("suggestions:portal_reply_rate", [7], "/portal/replies/7/rate/"),
    ("motions:list", [], "/motions/"),
    ("motions:detail", [7], "/motions/7/"),
    ("motions:portal_list", [], "/portal/motions/"),
    ("motions:portal_new", [], "/portal/motions/new/"),
    ("motions:portal_detail", [7], "/portal/motions/7/"),
    ("motions:portal_edit", [7], "/portal/motions/7/edit/"),
    ("motions:portal_submit", [7], "/portal/motions/7/submit/"),
    ("proposals:cosigner_search", [], "/portal/cosigners/search/"),
    ("proposals:signature", [7], "/portal/signatures/7/"),
    ("proposals:reply_letter", [7], "/files/reply-letter/7/"),
    ("opinions:start", [], "/opinions/start/"),
    ("opinions:new", [], "/opinions/new/"),
    ("opinions:track", [], "/opinions/track/"),
    ("opinions:track_detail", ["K7M2QX9D"], "/opinions/track/K7M2QX9D/"),
    ("opinions:stats", [], "/opinions/stats/"),
    ("opinions:station_poster", [7], "/stations/7/poster.pdf"),
    ("opinions:portal_list", [], "/portal/opinions/"),
    ("opinions:portal_new", [], "/portal/opinions/reception/"),
    ("opinions:portal_detail", [7], "/portal/opinions/7/"),
    ("opinions:portal_photo", [7, 8], "/portal/opinions/7/photos/8/"),
    ("deputies:detail", [7], "/deputies/7/"),
    ("deputies:qr", [7], "/deputies/7/qr.svg"),
    ("deputies:station_detail", [7], "/stations/7/"),
    ("deputies:station_qr", [7], "/stations/7/qr.svg"),
    ("deputies:portal", [], "/portal/"),
    ("supervision:item_detail", [7], "/supervision/7/"),
    ("supervision:vote", [7], "/portal/votes/7/"),
    ("reviews:detail", [2025], "/reviews/2025/"),
    ("reviews:pdf", [2025], "/reviews/2025.pdf"),
    ("opendata:index", [], "/open-data/"),
]


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace, entry.name


def test_the_addresses_people_were_sent_did_not_move():
    for name, args, address in PINNED:
        assert reverse(name, args=args) == address, name
        assert resolve(address).view_name == name, address


def test_the_english_addresses_are_the_same_under_en():
    with translation.override("en"):
        assert reverse("opinions:new") == "/en/opinions/new/"
        assert reverse("suggestions:detail", args=[7]) == "/en/suggestions/7/"


def test_every_page_of_an_app_is_named_in_its_namespace():
    unspaced = sorted(name for space, name in _named_patterns() if not space)
    assert set(unspaced) <= ROOT_NAMES, set(unspaced) - ROOT_NAMES
    spaces = {space.rstrip(":") for space, _name in _named_patterns() if space}
    assert spaces >= {
        "suggestions",
        "motions",
        "proposals",
        "opinions",
        "deputies",
        "supervision",
        "reviews",
        "opendata",
    }
