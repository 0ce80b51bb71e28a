"""A suggestion's attachments and signed reply letter open for the item's people, through the
link on the page each of them sees, and answer 404 to everyone else (issue 10 finding 2)."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals import services
from proposals.handling import services as handling_services
from proposals.models import SuggestionAttachment
from proposals.suggestions import services as suggestion_services
from tests.factories import (
    DeputyFactory,
    SignatureFactory,
    UnitMembershipFactory,
    UserFactory,
)
from tests.proposals import helpers

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "pw-for-tests"


def login(client, path, username):
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


@pytest.fixture
def item(lead, session, category, staff, unit, other_unit, make_deputy):
    """An item with an attachment and a reply with a signed letter; 王芳 co-signed."""
    suggestion = helpers.draft(lead=lead, session=session, category=category, by=staff)
    suggestion_services.suggestion_attach(
        suggestion=suggestion,
        file=SimpleUploadedFile("现场照片说明.pdf", PDF, content_type="application/pdf"),
        by=lead.user,
    )
    cosigner = make_deputy("王芳")
    SignatureFactory(suggestion=suggestion, deputy=cosigner)
    suggestion_services.suggestion_submit(suggestion=suggestion, by=lead.user)
    suggestion_services.suggestion_register(suggestion=suggestion, by=staff)
    handling_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=staff)
    reply = handling_services.reply_record(
        suggestion=suggestion,
        organisation=unit,
        reply_class="A",
        text="已实施。",
        file=SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf"),
        by=staff,
    )
    clerk = UnitMembershipFactory(
        organisation=unit, user=UserFactory(username="clerk", is_staff=True)
    ).user
    stranger_clerk = UnitMembershipFactory(
        organisation=other_unit, user=UserFactory(username="other-clerk", is_staff=True)
    ).user
    return {
        "suggestion": suggestion,
        "reply": reply,
        "attachment": SuggestionAttachment.objects.get(suggestion=suggestion),
        "cosigner": cosigner,
        "clerk": clerk,
        "stranger_clerk": stranger_clerk,
    }


def hrefs(response, pattern):
    return re.findall(rf'href="([^"]*{pattern}[^"]*)"', response.content.decode())


NAMES = {quote("现场照片说明.pdf"), quote("答复函.pdf")}


def assert_opens_pdf(client, url) -> str:
    """The file opens as a PDF, inline, sandboxed; returns the (encoded) name offered."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename*=utf-8''"), disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    return disposition.split("''", 1)[1]


def test_staff_and_the_units_clerk_open_both_files_from_the_admin_page(client, item, staff):
    login(client, "/admin/login/", staff.username)
    page = client.get(f"/admin/proposals/suggestion/{item['suggestion'].pk}/change/")
    links = hrefs(page, "/files/")
    assert {assert_opens_pdf(client, url) for url in links} == NAMES
    client.logout()

    login(client, "/admin/login/", "clerk")
    page = client.get(f"/admin/proposals/suggestion/{item['suggestion'].pk}/change/")
    assert page.status_code == 200
    links = hrefs(page, "/files/")
    assert len(links) == 2
    for url in links:
        assert client.get(url).status_code == 200


def test_a_staff_member_with_the_view_permission_only_opens_them(client, item):
    reader = UserFactory(username="reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_suggestion"))
    login(client, "/admin/login/", "reader")
    page = client.get(f"/admin/proposals/suggestion/{item['suggestion'].pk}/change/")
    for url in hrefs(page, "/files/"):
        assert client.get(url).status_code == 200


def test_lead_and_cosigner_open_them_from_the_workspace(client, item, lead):
    for deputy in (lead, item["cosigner"]):
        login(client, "/accounts/login/", deputy.user.username)
        page = client.get(f"/portal/suggestions/{item['suggestion'].pk}/")
        links = hrefs(page, "/files/")
        assert len(links) == 2, links
        assert "打开签章答复函" in page.content.decode() or "signed reply letter" in (
            page.content.decode()
        )
        assert {assert_opens_pdf(client, url) for url in links} == NAMES
        client.logout()


def test_strangers_get_404_never_the_file(client, item):
    urls = [
        f"/files/suggestion-attachment/{item['attachment'].pk}/",
        f"/files/reply-letter/{item['reply'].pk}/",
    ]
    other_deputy = DeputyFactory(user=UserFactory(username="other-deputy"))
    assert other_deputy.pk
    for url in urls:  # anonymous
        assert client.get(url).status_code == 404
    for username, path in (
        ("other-clerk", "/admin/login/"),
        ("other-deputy", "/accounts/login/"),
    ):
        login(client, path, username)
        for url in urls:
            assert client.get(url).status_code == 404
        client.logout()
    # Published or not, the letter stays with the item's people; the media URL never serves it.
    handling_services.reply_publish(reply=item["reply"], by=item["clerk"])
    assert client.get(urls[1]).status_code == 404
    assert client.get(f"/media/{item['reply'].file.name}").status_code == 404
    assert client.get("/files/reply-letter/999999/").status_code == 404


def test_a_clerk_of_a_unit_no_longer_assigned_gets_404(client, item, unit):
    item["suggestion"].assignments.update(active=False)
    login(client, "/admin/login/", "clerk")
    assert client.get(f"/files/reply-letter/{item['reply'].pk}/").status_code == 404


def test_file_names_are_sanitised():
    from proposals.files import safe_name

    assert safe_name('../../etc/pa"ss\r\nwd.pdf', "x") == "pa_sswd.pdf"
    assert safe_name("", "attachment-1") == "attachment-1"
    assert safe_name("答复函.pdf", "x") == "答复函.pdf"


def test_a_drafts_attachment_opens_for_its_author_and_the_deputy_asked_to_co_sign(
    client, lead, session, category, staff, make_deputy
):
    suggestion = helpers.draft(lead=lead, session=session, category=category, by=staff)
    suggestion_services.suggestion_attach(
        suggestion=suggestion,
        file=SimpleUploadedFile("草稿附件.pdf", PDF, content_type="application/pdf"),
        by=lead.user,
    )
    asked = make_deputy("李明")
    signature = services.signature_request(item=suggestion, deputy=asked, by=lead.user)
    login(client, "/accounts/login/", asked.user.username)
    page = client.get(f"/portal/signatures/{signature.pk}/")
    (url,) = hrefs(page, "/files/")
    assert assert_opens_pdf(client, url) == quote("草稿附件.pdf")
    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    (url,) = hrefs(client.get(f"/portal/suggestions/{suggestion.pk}/edit/"), "/files/")
    assert client.get(url).status_code == 200
    client.logout()
    # Not the office's yet: a draft is the deputy's.
    login(client, "/admin/login/", staff.username)
    assert client.get(url).status_code == 404
    client.logout()
    services.signature_decline(signature=signature, by=asked.user)
    login(client, "/accounts/login/", asked.user.username)
    assert client.get(url).status_code == 404
