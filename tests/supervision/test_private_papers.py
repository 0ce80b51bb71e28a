"""Papers of supervision items not yet public: staff open them from the admin, nobody else.

/media/ serves a supervision document or handling report only once its item is public
(congress/kit/media.py); before that the admin links them to a checked view (supervision/files.py).
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision import services
from supervision.models import SupervisionDocument
from tests.factories import StaffFactory, SupervisionItemFactory, UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VIEW_PERMISSIONS = [
    "view_supervisionitem",
    "view_supervisiondocument",
    "view_reviewopinion",
    "view_rectificationreport",
]


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def papers():
    item = SupervisionItemFactory(is_public=False, title="关于全市安全生产工作情况的报告")
    document = SupervisionDocument.objects.create(item=item, title="审议意见书", file=pdf("a.pdf"))
    opinion = services.review_opinion_issue(
        item=item, text="请加强隐患排查。", issued_on=datetime.date(2026, 3, 1)
    )
    report = services.rectification_report_receive(
        opinion=opinion, received_on=datetime.date(2026, 5, 1), file=pdf("report.pdf")
    )
    return {"item": item, "document": document, "opinion": opinion, "report": report}


@pytest.fixture
def staff_client(client):
    """Staff who may only view supervision records, logged in at the admin's door."""
    user = UserFactory(username="viewer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="supervision", codename__in=VIEW_PERMISSIONS
        )
    )
    response = client.post("/admin/login/", {"username": "viewer", "password": "pw-for-tests"})
    assert response.status_code == 302
    return client


def link(page, pattern):
    found = re.findall(rf'href="({pattern})"', page.content.decode())
    assert len(found) == 1, found
    return found[0]


def assert_is_the_pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_the_media_address_does_not_serve_them_while_the_item_is_not_public(staff_client, papers):
    for record in (papers["document"], papers["report"]):
        assert staff_client.get(record.file.url).status_code == 404


def test_staff_open_the_document_through_the_link_on_the_items_admin_page(staff_client, papers):
    item = papers["item"]
    page = staff_client.get(f"/admin/supervision/supervisionitem/{item.pk}/change/")
    assert page.status_code == 200
    assert "/media/" not in page.content.decode()
    url = link(page, r"/files/supervision-document/\d+/")
    assert_is_the_pdf(staff_client.get(url))


def test_staff_open_the_report_through_the_links_on_the_admin_pages(staff_client, papers):
    opinion, report = papers["opinion"], papers["report"]
    # The review opinion's page shows the report inline; the report's own page too.
    for path in (
        f"/admin/supervision/reviewopinion/{opinion.pk}/change/",
        f"/admin/supervision/rectificationreport/{report.pk}/change/",
    ):
        page = staff_client.get(path)
        assert page.status_code == 200, path
        assert "/media/" not in page.content.decode()
        assert_is_the_pdf(staff_client.get(link(page, r"/files/rectification-report/\d+/")))


def test_an_anonymous_visitor_and_staff_without_the_permission_get_404(client, papers):
    urls = [
        f"/files/supervision-document/{papers['document'].pk}/",
        f"/files/rectification-report/{papers['report'].pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    UserFactory(username="other", is_staff=True)
    client.post("/admin/login/", {"username": "other", "password": "pw-for-tests"})
    for url in urls:
        assert client.get(url).status_code == 404


def test_once_the_item_is_public_anyone_opens_them(client, papers):
    services.supervision_item_publish(item=papers["item"])
    assert_is_the_pdf(client.get(f"/files/supervision-document/{papers['document'].pk}/"))
    assert client.get(papers["document"].file.url).status_code == 200


def test_staff_who_may_change_the_item_see_the_checked_link_in_the_file_input(client, papers):
    StaffFactory(username="editor")
    client.post("/admin/login/", {"username": "editor", "password": "pw-for-tests"})
    for path, pattern in (
        (
            f"/admin/supervision/supervisionitem/{papers['item'].pk}/change/",
            r"/files/supervision-document/\d+/",
        ),
        (
            f"/admin/supervision/rectificationreport/{papers['report'].pk}/change/",
            r"/files/rectification-report/\d+/",
        ),
    ):
        page = client.get(path)
        assert page.status_code == 200 and "/media/" not in page.content.decode()
        assert_is_the_pdf(client.get(link(page, pattern)))
