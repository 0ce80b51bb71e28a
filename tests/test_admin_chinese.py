"""The Chinese admin speaks the trade's Chinese: no English leftovers on the main pages, the
labels officials read are the right ones, history rows show labelled events in Beijing time."""

import re

import pytest
from django.contrib import admin

from tests import factories

pytestmark = pytest.mark.django_db

# English that leaked into the zh-hans admin before (third-party apps, widgets, history).
ENGLISH_LEFTOVERS = [
    "Access attempts",
    "Access failures",
    "Access logs",
    "Task Results",
    "Task results",
    "Historical",
    "Select an option",
    "Axes",
    "Simple history",
    "Import export",
    "Filter by",
    "Can add",
    "Can change",
    "as of",
    "History date",
    "Label",
    "Tasks Database Backend",
    "Select all",  # django-import-export's export page
    "Resource",
]


@pytest.fixture
def office(client):
    factories.StaffFactory(username="office")
    response = client.post(
        "/admin/login/", {"username": "office", "password": "pw-for-tests", "next": "/admin/"}
    )
    assert response.status_code == 302
    return client


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def headers(html: str) -> list[str]:
    return [
        re.sub(r"\s+", "", visible_text(th))
        for th in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, flags=re.S)
    ]


def test_main_admin_pages_show_no_english(office):
    factories.AssignmentFactory()
    from proposals.models import Suggestion

    suggestion = Suggestion.objects.get()
    pages = [
        "/admin/",
        f"/admin/proposals/historicalsuggestion/{suggestion.history.get().pk}/change/",
    ]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(f"/admin/{opts.app_label}/{opts.model_name}/")
        pages.append(f"/admin/{opts.app_label}/{opts.model_name}/add/")
        pages.append(f"/admin/{opts.app_label}/{opts.model_name}/export/")
        pages.append(f"/admin/{opts.app_label}/{opts.model_name}/import/")
    leftovers = {}
    for page in pages:
        response = office.get(page)
        if response.status_code != 200:
            continue
        text = visible_text(response.content.decode())
        found = [word for word in ENGLISH_LEFTOVERS if word in text]
        if found:
            leftovers[page] = found
    assert not leftovers, leftovers


def test_the_labels_officials_read(office, client):
    import datetime

    from django.utils import timezone

    from proposals.models import Signature, Suggestion
    from proposals.suggestions import services as suggestion_services

    staff = factories.StaffFactory(username="office")
    suggestion = factories.SuggestionFactory(
        status=Suggestion.Status.SUBMITTED, submitted_at=timezone.now()
    )
    factories.SignatureFactory(
        suggestion=suggestion, status=Signature.Status.REQUESTED, responded_at=None
    )
    # 2022-03-01 01:30 UTC is 09:30 in Beijing.
    at = datetime.datetime(2022, 3, 1, 1, 30, tzinfo=datetime.UTC)
    suggestion_services.suggestion_register(suggestion=suggestion, by=staff)
    suggestion.history.update(history_date=at)

    changelist = office.get("/admin/proposals/suggestion/").content.decode()
    assert "编号" in headers(changelist)
    assert "数量" not in headers(changelist)

    page = visible_text(
        office.get(f"/admin/proposals/suggestion/{suggestion.pk}/change/").content.decode()
    )
    assert "待确认" in page and "邀请时间" in page  # the co-signature, not 申请时间
    assert "立案" in page and "registered" not in page and "signature_requested" not in page
    assert "附议" in page

    history = office.get("/admin/proposals/historicalsuggestion/").content.decode()
    text = visible_text(history)
    assert "代表建议修改记录" in text or "建议修改记录" in text
    assert "2022年3月1日 09:30" in text, "history times are Beijing time"
    assert "创建" in headers(history) or "创建" in text or "修改" in text
    assert "history" not in text.lower().replace("historicalsuggestion", "")


def test_public_statistics_call_a_share_of_reply_classes_a_share(client):
    text = visible_text(client.get("/suggestions/stats/").content.decode())
    assert "得票率" not in text
