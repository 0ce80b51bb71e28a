"""The deputy's suggestions and motions: drafting, co-signing, submitting, rating; every bad
input re-renders the form with the message beside the field and writes nothing.

Requests go to the English pages (/en/…): messages are asserted in their English source text.
"""

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from proposals import services
from proposals.handling import services as handling_services
from proposals.models import (
    Feedback,
    Motion,
    Signature,
    Suggestion,
    SuggestionAttachment,
)
from proposals.motions import services as motion_services
from proposals.suggestions import services as suggestion_services
from tests.factories import (
    CategoryFactory,
    MotionFactory,
    SessionFactory,
    SignatureFactory,
    StaffFactory,
    TermFactory,
)
from tests.proposals import helpers

pytestmark = pytest.mark.django_db
S = Suggestion.Status

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def me(client, lead):
    client.force_login(lead.user)
    return client


@pytest.fixture
def colleague(make_deputy):
    return make_deputy("王芳")


def form_data(the_category, the_session=None, **overrides):
    data = {
        "title": "关于加快农村道路亮化设施建设的建议",
        "category": the_category.pk,
        "session": the_session.pk if the_session else "",
        "body": "农村道路夜间照明不足，建议加快建设。",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


# -- access -------------------------------------------------------------------------------------


def test_portal_pages_need_a_deputy(client):
    assert client.get("/en/portal/suggestions/").status_code == 302
    client.force_login(StaffFactory())
    assert client.get("/en/portal/suggestions/").status_code == 403
    assert client.get("/en/portal/suggestions/new/").status_code == 403


def test_another_deputys_draft_is_404_everywhere(me, session, category, colleague):
    theirs = helpers.draft(lead=colleague, session=session, category=category, by=colleague.user)
    for url in ("", "edit/", "submit/"):
        assert me.get(f"/en/portal/suggestions/{theirs.pk}/{url}").status_code == 404
    assert me.post(f"/en/portal/suggestions/{theirs.pk}/submit/").status_code == 404
    assert Suggestion.objects.get(pk=theirs.pk).status == S.DRAFT
    assert theirs.title not in me.get("/en/portal/suggestions/").content.decode()


def test_another_deputys_signature_and_reply_are_404(me, session, category, colleague, make_deputy):
    third = make_deputy("第三人")
    draft = helpers.draft(lead=colleague, session=session, category=category, by=colleague.user)
    signature = services.signature_request(item=draft, deputy=third, by=colleague.user)
    assert me.get(f"/en/portal/signatures/{signature.pk}/").status_code == 404
    assert (
        me.post(f"/en/portal/signatures/{signature.pk}/", {"answer": "confirm"}).status_code == 404
    )
    assert Signature.objects.get(pk=signature.pk).status == Signature.Status.REQUESTED


def test_every_form_has_csrf(me, session, category, lead, colleague):
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    urls = [
        "/en/portal/suggestions/new/",
        f"/en/portal/suggestions/{draft.pk}/edit/",
        f"/en/portal/suggestions/{draft.pk}/submit/",
        "/en/portal/motions/new/",
    ]
    for url in urls:
        assert "csrfmiddlewaretoken" in me.get(url).content.decode(), url


# -- drafting and submitting a suggestion -------------------------------------------------------


def test_draft_with_attachments_and_cosigner_then_submit(
    me, lead, colleague, session, category, django_capture_on_commit_callbacks
):
    data = form_data(category, session, cosigners=colleague.card_number)
    data["attachments"] = [
        SimpleUploadedFile("说明.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("附件.docx", docx_bytes(), "application/octet-stream"),
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = me.post("/en/portal/suggestions/new/", data)
    assert response.status_code == 302
    item = Suggestion.objects.get()
    assert response["Location"] == f"/en/portal/suggestions/{item.pk}/"
    assert item.status == S.DRAFT and item.lead == lead and item.session == session
    assert sorted(a.original_name for a in item.attachments.all()) == ["说明.pdf", "附件.docx"]
    signature = item.signatures.get()
    assert signature.deputy == colleague and signature.status == Signature.Status.REQUESTED
    assert mail.outbox[-1].to == [colleague.user.email]

    # The co-signer confirms from their workspace.
    me.force_login(colleague.user)
    assert item.title in me.get("/en/portal/suggestions/").content.decode()
    page = me.get(f"/en/portal/signatures/{signature.pk}/")
    assert page.status_code == 200 and item.body in page.content.decode()
    assert (
        me.post(f"/en/portal/signatures/{signature.pk}/", {"answer": "confirm"}).status_code == 302
    )
    assert Signature.objects.get(pk=signature.pk).status == Signature.Status.CONFIRMED

    # The lead reads the confirmation page, then submits.
    me.force_login(lead.user)
    confirm = me.get(f"/en/portal/suggestions/{item.pk}/submit/").content.decode()
    assert "王芳" in confirm and "csrfmiddlewaretoken" in confirm
    assert Suggestion.objects.get(pk=item.pk).status == S.DRAFT  # GET changes nothing
    response = me.post(f"/en/portal/suggestions/{item.pk}/submit/")
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=item.pk).status == S.SUBMITTED


def test_declining_a_request(me, lead, colleague, session, category):
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    signature = services.signature_request(item=draft, deputy=colleague, by=lead.user)
    me.force_login(colleague.user)
    me.post(f"/en/portal/signatures/{signature.pk}/", {"answer": "decline"})
    assert Signature.objects.get(pk=signature.pk).status == Signature.Status.DECLINED
    # Answering twice is refused with a message, not a 500.
    response = me.post(f"/en/portal/signatures/{signature.pk}/", {"answer": "confirm"}, follow=True)
    assert "answered already" in response.content.decode()
    response = me.post(f"/en/portal/signatures/{signature.pk}/", {"answer": "maybe"}, follow=True)
    assert response.status_code == 200
    assert Signature.objects.get(pk=signature.pk).status == Signature.Status.DECLINED


def test_editing_a_draft(me, lead, session, category):
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    page = me.get(f"/en/portal/suggestions/{draft.pk}/edit/").content.decode()
    assert draft.title in page
    response = me.post(
        f"/en/portal/suggestions/{draft.pk}/edit/", form_data(category, None, title="新标题")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "新标题" and draft.session is None


def test_a_submitted_suggestion_cannot_be_edited(me, lead, session, category):
    item = helpers.submitted(lead=lead, session=session, category=category, by=lead.user)
    assert me.get(f"/en/portal/suggestions/{item.pk}/edit/").status_code == 404
    assert me.get(f"/en/portal/suggestions/{item.pk}/").status_code == 200


def test_submit_refusal_is_a_message_and_nothing_changes(me, lead, session):
    draft = suggestion_services.suggestion_create_draft(
        lead=lead, title="没有正文", session=session, by=lead.user
    )
    response = me.post(f"/en/portal/suggestions/{draft.pk}/submit/", follow=True)
    assert "before submitting" in response.content.decode()
    assert Suggestion.objects.get(pk=draft.pk).status == S.DRAFT


def test_submit_after_the_session_deadline_is_refused(me, lead, session, category):
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    session.suggestion_deadline = timezone.now() - datetime.timedelta(hours=1)
    session.save()
    response = me.post(f"/en/portal/suggestions/{draft.pk}/submit/", follow=True)
    assert "between-session" in response.content.decode()
    assert Suggestion.objects.get(pk=draft.pk).status == S.DRAFT


# Every bad input: the field's message, nothing written.
def _bad_inputs(category, session, colleague, lead):
    other_term = TermFactory(number=15, start_date=datetime.date(2017, 1, 1))
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    return [
        ("title", {"title": ""}, "required"),
        ("title", {"title": "   "}, "required"),
        ("title", {"title": "长" * 201}, "at most 200"),
        ("category", {"category": CategoryFactory(term=other_term).pk}, "valid choice"),
        ("category", {"category": "abc"}, "valid choice"),
        ("session", {"session": SessionFactory(term=other_term, number=9).pk}, "valid choice"),
        ("body", {"body": "字" * 20_001}, "at most 20000"),
        (
            "attachments",
            {"attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", "application/pdf")]},
            "PDF, PNG, JPEG or Word",
        ),
        ("attachments", {"attachments": [big]}, "at most 10 MB"),
        (
            "attachments",
            {"attachments": [SimpleUploadedFile("假.docx", b"PK\x03\x04notazip", "x")]},
            "PDF, PNG, JPEG or Word",
        ),
        ("cosigners", {"cosigners": lead.name}, "no serving deputy"),
        ("cosigners", {"cosigners": "abc"}, "no serving deputy"),
        ("cosigners", {"cosigners": f"{colleague.name}、无此人"}, "“无此人”: no serving deputy"),
    ]


def test_every_bad_suggestion_input_is_shown_beside_its_field(
    me, lead, colleague, session, category
):
    for field, override, message in _bad_inputs(category, session, colleague, lead):
        data = form_data(category, session, **override)
        response = me.post("/en/portal/suggestions/new/", data)
        assert response.status_code == 200, field
        found = " ".join(str(e) for e in errors_of(response, field))
        assert message in found, (field, found)
        assert f'id="id_{field}_error"' in response.content.decode()
        assert Suggestion.objects.count() == 0
        assert SuggestionAttachment.objects.count() == 0


def test_a_deputy_of_another_term_cannot_co_sign(me, lead, session, category):
    from tests.factories import DeputyFactory

    outsider = DeputyFactory(term=TermFactory(number=15, start_date=datetime.date(2017, 1, 1)))
    response = me.post(
        "/en/portal/suggestions/new/",
        form_data(category, session, cosigners=outsider.card_number),
    )
    assert "no serving deputy" in str(errors_of(response, "cosigners"))
    assert Suggestion.objects.count() == 0


def test_too_many_attachments(me, lead, session, category):
    files = [SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(11)]
    response = me.post(
        "/en/portal/suggestions/new/", {**form_data(category, session), "attachments": files}
    )
    assert "at most 10 attachments" in str(errors_of(response, "attachments"))
    assert Suggestion.objects.count() == 0


def test_a_service_refusal_during_save_writes_nothing(me, lead, session, category):
    from deputies.models import Deputy

    Deputy.objects.filter(pk=lead.pk).update(status="ended", ended_on=datetime.date(2022, 9, 1))
    response = me.post("/en/portal/suggestions/new/", form_data(category, session))
    assert response.status_code == 200
    assert "serving deputy" in " ".join(response.context["form"].non_field_errors())
    assert Suggestion.objects.count() == 0


# -- my items -----------------------------------------------------------------------------------


def test_my_items_list_led_and_co_signed_with_due_dates(
    me, lead, colleague, session, category, unit
):
    mine = helpers.assigned(lead=lead, session=session, category=category, by=lead.user, unit=unit)
    theirs = helpers.draft(
        lead=colleague, session=session, category=category, by=colleague.user, title="同事的草稿"
    )
    html = me.get("/en/portal/suggestions/").content.decode()
    assert mine.title in html and "June 18, 2022" in html and "市交通运输局" in html
    assert theirs.title not in html


def test_my_items_query_count_is_flat(me, lead, session, category, unit, count_queries):
    def count():
        return count_queries(me, "/en/portal/suggestions/")

    for i in range(3):
        helpers.assigned(
            lead=lead, session=session, category=category, by=lead.user, unit=unit, title=f"建议{i}"
        )
    small = count()
    for i in range(3, 25):
        helpers.assigned(
            lead=lead, session=session, category=category, by=lead.user, unit=unit, title=f"建议{i}"
        )
    # 5 queries: the session; the user with their deputy record and unread notices
    # (deputies.auth.WorkspaceBackend); the requests to co-sign, the replies to rate, the page
    # of suggestions with their count. None per suggestion.
    assert count() == small == 5


def test_my_motions_list_shows_each_row_in_a_flat_number_of_queries(
    me, lead, session, count_queries
):
    """Title with its link, session, number and status for the motions I lead or signed (not a
    colleague's draft I was asked to sign), 20 a page with their total, none per row."""
    MotionFactory(lead=lead, session=session, title="我领衔的议案", code="16-1-1")
    theirs = MotionFactory(session=session, title="我联名的议案", status=Motion.Status.SUBMITTED)
    SignatureFactory(motion=theirs, suggestion=None, deputy=lead)
    MotionFactory(session=session, title="别人的草稿")
    small = count_queries(me, "/en/portal/motions/")
    html = me.get("/en/portal/motions/").content.decode()
    assert "我领衔的议案" in html and "我联名的议案" in html and "别人的草稿" not in html
    assert f'href="/en/portal/motions/{theirs.pk}/"' in html
    assert session.label in html and "16-1-1" in html
    assert f'status-{Motion.Status.SUBMITTED}">{Motion.Status.SUBMITTED.label}<' in html
    MotionFactory.create_batch(21, lead=lead, session=SessionFactory(term=session.term, number=2))
    # The session; the user with the deputy and the unread notices; the page with its total.
    assert count_queries(me, "/en/portal/motions/") == small == 3
    page = me.get("/en/portal/motions/", {"page": 2})
    assert "Page 2 of 2" in page.content.decode() and len(page.context["motions"]) == 3


def test_my_items_rows_escape_what_people_typed(me, lead, session, category, unit):
    """The rows are built in Python (proposals.suggestions.portal._suggestion_rows): a title
    and a unit's name are escaped as the template escaped them."""
    unit.name = '市<交通>局 & "港"'
    unit.save()
    helpers.assigned(
        lead=lead,
        session=session,
        category=category,
        by=lead.user,
        unit=unit,
        title="<b>'标题'</b>",
    )
    html = me.get("/en/portal/suggestions/").content.decode()
    assert "&lt;b&gt;&#x27;标题&#x27;&lt;/b&gt;</a>" in html and "<b>'标题'" not in html
    assert ">市&lt;交通&gt;局 &amp; &quot;港&quot;</td>" in html


def test_my_items_pages_answer_as_the_paginator_does(me, lead, session, category, unit):
    """The page and its total come in one query; a page before the first or past the last is
    the last page, a page that is not a number the first (Paginator.get_page)."""
    assert "You have no suggestion yet." in me.get("/en/portal/suggestions/").content.decode()
    for i in range(23):
        helpers.assigned(
            lead=lead, session=session, category=category, by=lead.user, unit=unit, title=f"建议{i}"
        )
    for page, shown, rows in [
        ("", "Page 1 of 2", 20),
        ("2", "Page 2 of 2", 3),
        ("0", "Page 2 of 2", 3),
        ("99", "Page 2 of 2", 3),
        ("x", "Page 1 of 2", 20),
    ]:
        response = me.get("/en/portal/suggestions/", {"page": page})
        assert shown in response.content.decode()
        assert len(response.context["suggestions"]) == rows
        assert response.context["page_obj"].paginator.count == 23


# -- rating a reply -----------------------------------------------------------------------------


@pytest.fixture
def replied(lead, session, category, unit, staff):
    suggestion, reply = helpers.replied(
        lead=lead, session=session, category=category, by=staff, unit=unit
    )
    return suggestion, reply


def test_rating_satisfied_closes(me, replied, django_capture_on_commit_callbacks):
    suggestion, reply = replied
    assert reply.text in me.get(f"/en/portal/suggestions/{suggestion.pk}/").content.decode()
    assert (
        f"/en/portal/replies/{reply.pk}/rate/" in me.get("/en/portal/suggestions/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = me.post(
            f"/en/portal/replies/{reply.pk}/rate/",
            {"process_rating": "satisfied", "result_rating": "basically"},
        )
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.CLOSED


def test_rating_unsatisfied_needs_a_reason_and_mails_staff(
    me, replied, staff, django_capture_on_commit_callbacks
):
    suggestion, reply = replied
    url = f"/en/portal/replies/{reply.pk}/rate/"
    response = me.post(url, {"process_rating": "satisfied", "result_rating": "unsatisfied"})
    assert response.status_code == 200
    assert "Say why" in str(errors_of(response, "comment"))
    assert Feedback.objects.count() == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        me.post(
            url,
            {
                "process_rating": "unsatisfied",
                "result_rating": "unsatisfied",
                "comment": "路灯仍未安装",
            },
        )
    assert Feedback.objects.get().comment == "路灯仍未安装"
    assert staff.email in mail.outbox[-1].to
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.REPLIED


@pytest.mark.parametrize(
    "data,field",
    [
        ({"result_rating": "satisfied"}, "process_rating"),
        ({"process_rating": "satisfied"}, "result_rating"),
        ({"process_rating": "great", "result_rating": "satisfied"}, "process_rating"),
        ({"process_rating": "satisfied", "result_rating": "bad"}, "result_rating"),
        (
            {"process_rating": "unsatisfied", "result_rating": "satisfied", "comment": "  "},
            "comment",
        ),
        (
            {"process_rating": "satisfied", "result_rating": "satisfied", "comment": "字" * 20_001},
            "comment",
        ),
    ],
)
def test_every_bad_rating_is_shown_beside_its_field(me, replied, data, field):
    _suggestion, reply = replied
    response = me.post(f"/en/portal/replies/{reply.pk}/rate/", data)
    assert response.status_code == 200
    assert errors_of(response, field)
    assert Feedback.objects.count() == 0


def test_rating_twice_is_a_message(me, replied):
    _suggestion, reply = replied
    url = f"/en/portal/replies/{reply.pk}/rate/"
    me.post(url, {"process_rating": "satisfied", "result_rating": "satisfied"})
    response = me.post(
        url, {"process_rating": "satisfied", "result_rating": "satisfied"}, follow=True
    )
    assert response.status_code == 200
    assert Feedback.objects.count() == 1


def test_another_deputys_reply_is_404(client, replied, colleague):
    _suggestion, reply = replied
    client.force_login(colleague.user)
    assert client.get(f"/en/portal/replies/{reply.pk}/rate/").status_code == 404


def test_a_reply_mails_every_signer(
    lead, colleague, session, category, unit, staff, django_capture_on_commit_callbacks
):
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    signature = services.signature_request(item=draft, deputy=colleague, by=lead.user)
    services.signature_confirm(signature=signature, by=colleague.user)
    suggestion_services.suggestion_submit(suggestion=draft, by=lead.user)
    suggestion_services.suggestion_register(suggestion=draft, by=staff)
    handling_services.suggestion_assign(
        suggestion=draft, lead_unit=unit, by=staff, on=datetime.date(2022, 3, 18)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        handling_services.reply_record(
            suggestion=draft, organisation=unit, reply_class="A", text="已解决", by=staff
        )
    # One mail per signer (each person's notice follows their own preferences).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.user.email, colleague.user.email])


# -- motions ------------------------------------------------------------------------------------


def motion_data(the_session, **overrides):
    data = {
        "title": "关于推进共同富裕的议案",
        "session": the_session.pk,
        "reason": "案由",
        "grounds": "案据",
        "proposal": "方案",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def test_motion_draft_signatures_and_submit(me, lead, session, make_deputy, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "MOTION_MIN_SIGNERS": 3}
    others = [make_deputy(f"联名{i}") for i in range(3)]
    response = me.post(
        "/en/portal/motions/new/", motion_data(session, cosigners="，".join(d.name for d in others))
    )
    assert response.status_code == 302
    motion = Motion.objects.get()
    page = me.get(f"/en/portal/motions/{motion.pk}/").content.decode()
    assert "1 of the 3" in page  # only the lead so far
    # Submitting too early is refused with the count.
    response = me.post(f"/en/portal/motions/{motion.pk}/submit/", follow=True)
    assert "at least 3 deputies" in response.content.decode()
    assert Motion.objects.get().status == Motion.Status.DRAFT
    for deputy in others[:2]:
        signature = motion.signatures.get(deputy=deputy)
        services.signature_confirm(signature=signature, by=deputy.user)
    assert "3 of the 3" in me.get(f"/en/portal/motions/{motion.pk}/submit/").content.decode()
    me.post(f"/en/portal/motions/{motion.pk}/submit/")
    assert Motion.objects.get().status == Motion.Status.SUBMITTED
    assert me.get(f"/en/portal/motions/{motion.pk}/edit/").status_code == 404


@pytest.mark.parametrize(
    "override,field",
    [
        ({"title": ""}, "title"),
        ({"title": "  "}, "title"),
        ({"session": ""}, "session"),
        ({"session": "999999"}, "session"),
        ({"reason": "字" * 20_001}, "reason"),
        ({"cosigners": "x"}, "cosigners"),
    ],
)
def test_every_bad_motion_input_is_shown_beside_its_field(me, session, override, field):
    response = me.post("/en/portal/motions/new/", motion_data(session, **override))
    assert response.status_code == 200
    assert errors_of(response, field)
    assert Motion.objects.count() == 0


def test_a_session_past_its_motion_deadline_is_not_offered(me, session):
    session.motion_deadline = timezone.now() - datetime.timedelta(hours=1)
    session.save()
    response = me.post("/en/portal/motions/new/", motion_data(session))
    assert errors_of(response, "session")
    assert Motion.objects.count() == 0


def test_another_deputys_motion_draft_is_404(me, session, colleague):
    motion = motion_services.motion_create_draft(
        lead=colleague, session=session, title="他人议案", by=colleague.user
    )
    for url in ("", "edit/", "submit/"):
        assert me.get(f"/en/portal/motions/{motion.pk}/{url}").status_code == 404
