"""The handling units' scorecard (承办单位考评, issue 16): staff write the rules as data, the
figures come from the records, each drills down to the items behind it, and the public sees
every unit's scorecard beside the rules once the scheme is published. Deputies rate each unit
once a year through the vote engine."""

import datetime

import pytest
from django.utils import timezone, translation

from proposals.models import (
    Assignment,
    Contact,
    Feedback,
    Reply,
    ScorecardCriterion,
    ScorecardScheme,
    Suggestion,
)
from proposals.scorecards import selectors
from supervision import services as supervision_services
from supervision.models import Poll, PollVoter, UnitEvaluation
from tests.factories import DeputyFactory, OrganisationFactory, SuggestionFactory

D = datetime.date
K = ScorecardCriterion.Kind
ASSIGNED, DUE = D(2022, 3, 18), D(2022, 6, 18)  # a Friday; 7 working days later: 29 March
REPLIED = D(2022, 6, 10)
TODAY = D(2023, 1, 10)  # the 2022 scorecard is counted as of 31 December 2022


def at(day: D) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


_codes = iter(range(1, 10_000))


def item(
    unit,
    *,
    role=Assignment.Role.LEAD,
    signed: D | None = ASSIGNED,
    replied: D | None = REPLIED,
    reply_class="A",
    promised: D | None = None,
    done: D | None = None,
    contact: str | None = Contact.Status.CONFIRMED,
    ratings=(("satisfied", "satisfied"),),
    public=True,
    due=DUE,
):
    """One 2022 suggestion handled by `unit`, with the records a scorecard reads."""
    number = next(_codes)
    suggestion = SuggestionFactory.create(
        code=f"十六届一次会议第{number:03d}号",
        status=Suggestion.Status.REPLIED if replied else Suggestion.Status.HANDLING,
        is_public=public,
    )
    assignment = Assignment.objects.create(
        suggestion=suggestion,
        organisation=unit,
        role=role,
        assigned_at=ASSIGNED,
        due_date=due,
        accepted_at=at(signed) if signed else None,
    )
    if role != Assignment.Role.LEAD:
        return suggestion
    if replied:
        reply = Reply.objects.create(
            suggestion=suggestion,
            organisation=unit,
            reply_class=reply_class,
            text="答复",
            replied_at=replied,
            promised_by=promised,
        )
        if done:
            Reply.objects.create(
                suggestion=suggestion,
                organisation=unit,
                reply_class="A",
                text="已完成",
                replied_at=done,
                is_followup=True,
            )
        for process, result in ratings:
            Feedback.objects.create(
                reply=reply,
                suggestion=suggestion,
                rater=DeputyFactory.create(term=suggestion.term),
                process_rating=process,
                result_rating=result,
                comment="" if "unsatisfied" not in (process, result) else "没有解决",
            )
    if contact:
        Contact.objects.create(
            assignment=assignment,
            suggestion=suggestion,
            contact_on=ASSIGNED + datetime.timedelta(days=5),
            way=Contact.Way.FACE,
            stage=Contact.Stage.BEFORE,
            participants="代表；局长",
            status=contact,
            answered_at=None if contact == Contact.Status.PENDING else at(ASSIGNED),
            dispute_reason="没有见面" if contact == Contact.Status.DISPUTED else "",
        )
    return suggestion


def scheme(*criteria, year=2022, published=True, **fields):
    made = ScorecardScheme.objects.create(
        year=year, name="2022年度建议办理考评", published=published, **fields
    )
    for order, (kind, extra) in enumerate(criteria):
        ScorecardCriterion.objects.create(scheme=made, kind=kind, order=order, **extra)
    return made


def card_of(made, unit, today=TODAY):
    return next(c for c in selectors.scorecards(made, today=today) if c.pk == unit.pk)


def codes(rows):
    return sorted(row.code for row in rows)


# -- each criterion kind fires exactly when it should ---------------------------------------


@pytest.mark.django_db
def test_signed_within_counts_working_days_and_co_handlers():
    unit = OrganisationFactory(name="市交通运输局")
    on_day = item(unit, signed=D(2022, 3, 29))  # the 7th working day: met
    late = item(unit, signed=D(2022, 3, 30))  # the 8th: missed
    never = item(unit, signed=None)  # not signed for, deadline long past
    co_late = item(unit, role=Assignment.Role.CO, signed=D(2022, 4, 8))
    made = scheme((K.SIGNED_WITHIN, {"days": 7}))

    figure = card_of(made, unit).figures[0]

    assert (figure.counted, figure.met, figure.passed) == (4, 1, False)
    assert codes(figure.failing) == sorted([late.code, never.code, co_late.code])
    assert codes(figure.meeting) == [on_day.code]


@pytest.mark.django_db
def test_signed_within_still_running_is_not_counted():
    unit = OrganisationFactory()
    item(unit, signed=None)
    made = scheme((K.SIGNED_WITHIN, {"days": 7}))

    figure = card_of(made, unit, today=D(2022, 3, 25)).figures[0]

    assert (figure.counted, figure.passed) == (0, True)


@pytest.mark.django_db
def test_replied_on_time_share_against_threshold():
    unit = OrganisationFactory()
    for _ in range(3):
        item(unit, replied=D(2022, 6, 18))  # on the due date: on time
    late = item(unit, replied=D(2022, 6, 20))
    unreplied = item(unit, replied=None)  # due date passed, no reply: late
    item(unit, replied=None, due=D(2023, 3, 1))  # not yet due at year end: not counted

    at_60 = scheme((K.REPLIED_ON_TIME, {"min_share": 60}))
    figure = card_of(at_60, unit).figures[0]
    assert (figure.counted, figure.met, figure.share, figure.passed) == (5, 3, 60.0, True)
    assert codes(figure.failing) == sorted([late.code, unreplied.code])

    ScorecardCriterion.objects.filter(scheme=at_60).update(min_share=80)
    assert card_of(at_60, unit).figures[0].passed is False


@pytest.mark.django_db
def test_satisfied_counts_ratings_and_lists_items_with_a_poor_one():
    unit = OrganisationFactory()
    item(unit, ratings=[("satisfied", "satisfied"), ("basically", "satisfied")])
    poor = item(unit, ratings=[("satisfied", "satisfied"), ("satisfied", "unsatisfied")])
    made = scheme((K.SATISFIED, {"min_share": 80}))

    figure = card_of(made, unit).figures[0]

    assert (figure.counted, figure.met, figure.share, figure.passed) == (4, 3, 75.0, False)
    assert codes(figure.failing) == [poor.code]
    assert "1" in figure.failing[0].note and "2" in figure.failing[0].note


@pytest.mark.django_db
def test_contact_confirmed_for_every_lead_item():
    unit = OrganisationFactory()
    item(unit)
    disputed = item(unit, contact=Contact.Status.DISPUTED)
    pending = item(unit, contact=Contact.Status.PENDING)
    missing = item(unit, contact=None)
    item(unit, role=Assignment.Role.CO, contact=None)  # a co-handler meets no one: not counted
    made = scheme((K.CONTACT_CONFIRMED, {}))

    figure = card_of(made, unit).figures[0]

    assert (figure.counted, figure.met, figure.passed) == (4, 1, False)
    assert codes(figure.failing) == sorted([disputed.code, pending.code, missing.code])


@pytest.mark.django_db
def test_class_b_on_schedule():
    unit = OrganisationFactory()
    item(unit, reply_class="B", promised=D(2022, 10, 1), done=D(2022, 9, 20))  # kept
    late = item(unit, reply_class="B", promised=D(2022, 10, 1), done=D(2022, 11, 2))
    undone = item(unit, reply_class="B", promised=D(2022, 11, 30))  # passed at year end
    item(unit, reply_class="B", promised=D(2023, 6, 30))  # not yet due: on schedule
    item(unit, reply_class="A")  # no promise: not counted
    made = scheme((K.PROMISES_KEPT, {}))

    figure = card_of(made, unit).figures[0]

    assert (figure.counted, figure.met, figure.passed) == (4, 2, False)
    assert codes(figure.failing) == sorted([late.code, undone.code])


# -- the overall result ------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_failed_criterion_fails_the_unit_unless_the_scheme_is_lenient():
    good, poor = OrganisationFactory(name="市教育局"), OrganisationFactory(name="市水利局")
    item(good)
    item(poor, contact=None)
    strict = scheme((K.REPLIED_ON_TIME, {}), (K.CONTACT_CONFIRMED, {}))

    cards = {c.name: c for c in selectors.scorecards(strict, today=TODAY)}
    assert cards["市教育局"].passed is True
    assert (cards["市水利局"].met_count, cards["市水利局"].passed) == (1, False)

    strict.fail_on_any, strict.min_met = False, 1
    strict.save()
    assert card_of(strict, poor).passed is True


# -- the public pages ------------------------------------------------------------------------


@pytest.fixture
def published(db):
    good, poor = OrganisationFactory(name="市教育局"), OrganisationFactory(name="市水利局")
    item(good)
    item(good)
    ok = item(poor)
    missing = item(poor, contact=None, public=True)
    hidden = item(poor, contact=None, public=False)
    made = scheme(
        (K.SIGNED_WITHIN, {"days": 7}),
        (K.REPLIED_ON_TIME, {"min_share": 80}),
        (K.SATISFIED, {"min_share": 80}),
        (K.CONTACT_CONFIRMED, {}),
        (K.PROMISES_KEPT, {}),
    )
    return {
        "scheme": made,
        "good": good,
        "poor": poor,
        "ok": ok,
        "missing": missing,
        "hidden": hidden,
    }


def test_public_year_page_shows_every_unit_and_the_rules(client, published):
    response = client.get("/units/scorecards/2022/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "市教育局" in page and "市水利局" in page
    assert "承办单位考评" in page  # the page's title in Chinese
    assert "7个工作日内签收" in page  # the rule in a clerk's words
    assert "不达标" in page
    assert f"/units/scorecards/2022/{published['poor'].pk}/" in page
    # Each figure opens the unit's page at that criterion's items.
    assert f"/units/scorecards/2022/{published['poor'].pk}/#criterion-4" in page
    assert [c.passed for c in response.context["cards"]] == [True, False]


def test_public_year_page_filters_by_result(client, published):
    response = client.get("/units/scorecards/2022/?result=failed")

    assert [c.name for c in response.context["cards"]] == ["市水利局"]


def test_unit_page_drills_down_to_exactly_the_failing_items(client, published):
    poor = published["poor"]
    response = client.get(f"/units/scorecards/2022/{poor.pk}/")

    assert response.status_code == 200
    contact = response.context["card"].figures[3]
    assert contact.criterion.kind == K.CONTACT_CONFIRMED
    assert codes(contact.failing) == sorted([published["missing"].code, published["hidden"].code])
    page = response.content.decode()
    # A public item links to its page; one not public is named by its number only.
    assert f'href="/suggestions/{published["missing"].pk}/"' in page
    assert f"/suggestions/{published['hidden'].pk}/" not in page
    assert published["hidden"].title not in page
    assert "未记录面商" in page


def test_unpublished_scheme_is_not_public_but_staff_preview_it(client, published, staff):
    ScorecardScheme.objects.filter(pk=published["scheme"].pk).update(published=False)

    assert client.get("/units/scorecards/2022/").status_code == 404
    from congress.review import registry

    # nor do the annual review's figures count by it
    figures = registry.compute(["scorecards.units_passed", "scorecards.units_failed"], 2022)
    assert figures == {"scorecards.units_passed": None, "scorecards.units_failed": None}
    assert client.get(f"/units/scorecards/2022/{published['poor'].pk}/").status_code == 404
    assert "2022" not in client.get("/units/scorecards/").content.decode().split("<main")[-1]

    client.force_login(staff)
    preview = client.get(f"/admin/proposals/scorecardscheme/{published['scheme'].pk}/preview/")
    assert preview.status_code == 200
    assert "市水利局" in preview.content.decode()
    unit = client.get(
        f"/admin/proposals/scorecardscheme/{published['scheme'].pk}/preview/{published['poor'].pk}/"
    )
    assert published["hidden"].title in unit.content.decode()  # staff see every item


@pytest.mark.parametrize(
    "url",
    ["/units/scorecards/2021/", "/units/scorecards/2022/999999/", "/units/scorecards/2099/1/"],
)
def test_unknown_year_or_unit_is_404(client, published, url):
    assert client.get(url).status_code == 404


def test_unit_with_nothing_that_year_is_404(client, published):
    idle = OrganisationFactory(name="市档案馆")
    assert client.get(f"/units/scorecards/2022/{idle.pk}/").status_code == 404


def test_bad_filter_is_400(client, published):
    assert client.get("/units/scorecards/2022/?result=maybe").status_code == 400


def test_query_count_does_not_grow_with_units(client, published, count_queries):
    small = count_queries(client, "/units/scorecards/2022/")
    for n in range(4):
        unit = OrganisationFactory(name=f"市第{n}局")
        item(unit, contact=None)
        item(unit, role=Assignment.Role.CO)
    large = count_queries(client, "/units/scorecards/2022/")
    assert large == small
    poor = published["poor"].pk
    unit_small = count_queries(client, f"/units/scorecards/2022/{poor}/")
    for _ in range(5):
        item(published["poor"], contact=None)
    assert count_queries(client, f"/units/scorecards/2022/{poor}/") == unit_small


def test_selector_runs_in_a_fixed_number_of_queries(published, count_queries):
    made = ScorecardScheme.objects.get(pk=published["scheme"].pk)
    with count_queries.capture() as queries:
        selectors.scorecards(made, today=TODAY)
    # the criteria, the assignments with their replies and contacts, the holidays, the ratings
    assert len(queries) == 4


# -- the admin: rules as data ------------------------------------------------------------------


def _scheme_form(**criterion):
    data = {
        "year": "2023",
        "name": "2023年度建议办理考评",
        "fail_on_any": "on",
        "min_met": "",
        "note": "",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-kind": K.REPLIED_ON_TIME,
        "criteria-0-days": "",
        "criteria-0-min_share": "80",
        "criteria-0-order": "1",
    }
    data.update({f"criteria-0-{k}": v for k, v in criterion.items()})
    return data


def test_admin_writes_a_scheme_with_its_criteria(client, staff):
    client.force_login(staff)
    response = client.post("/admin/proposals/scorecardscheme/add/", _scheme_form())

    assert response.status_code == 302
    made = ScorecardScheme.objects.get(year=2023)
    assert [(c.kind, c.min_share) for c in made.criteria.all()] == [(K.REPLIED_ON_TIME, 80)]


@pytest.mark.parametrize(
    ("criterion", "field", "message"),
    [
        ({"min_share": "150"}, "min_share", "100"),
        ({"min_share": "-1"}, "min_share", "0"),
        ({"kind": K.SIGNED_WITHIN, "days": ""}, "days", "工作日"),
    ],
)
def test_admin_refuses_a_bad_threshold_beside_the_field(client, staff, criterion, field, message):
    client.force_login(staff)
    response = client.post("/admin/proposals/scorecardscheme/add/", _scheme_form(**criterion))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert field in formset.forms[0].errors
    assert message in " ".join(formset.forms[0].errors[field])
    assert not ScorecardScheme.objects.exists()
    assert not ScorecardCriterion.objects.exists()


def test_admin_refuses_a_lenient_scheme_without_its_count(client, staff):
    client.force_login(staff)
    data = _scheme_form()
    del data["fail_on_any"]
    response = client.post("/admin/proposals/scorecardscheme/add/", data)

    assert response.status_code == 200
    assert "min_met" in response.context["adminform"].form.errors
    assert not ScorecardScheme.objects.exists()


# -- the deputies' satisfaction poll on each unit ------------------------------------------------


def test_staff_open_a_satisfaction_poll_per_unit(client, staff, published):
    deputies = [DeputyFactory() for _ in range(3)]
    client.force_login(staff)
    response = client.post(
        "/admin/supervision/unitevaluation/add/",
        {
            "year": "2022",
            "organisations": [published["good"].pk, published["poor"].pk],
            "opens_at": "2022-12-01 09:00:00",
            "closes_at": "2022-12-20 17:00:00",
        },
    )

    assert response.status_code == 302
    evaluations = UnitEvaluation.objects.select_related("poll")
    assert {e.organisation for e in evaluations} == {published["poor"], published["good"]}
    for evaluation in evaluations:
        poll = evaluation.poll
        assert (poll.kind, poll.status) == (Poll.Kind.SATISFACTION, Poll.Status.OPEN)
        evidence = f"/units/scorecards/2022/{evaluation.organisation_id}/"
        assert evidence in poll.description
        assert [o.label for o in poll.options.all()] == [evaluation.organisation.name]
        assert PollVoter.objects.filter(poll=poll).count() == poll.roll_size >= len(deputies)

    # Once a year: asking again for the same units is refused, nothing written.
    again = client.post(
        "/admin/supervision/unitevaluation/add/",
        {
            "year": "2022",
            "organisations": [published["good"].pk],
            "opens_at": "2022-12-01 09:00:00",
            "closes_at": "2022-12-20 17:00:00",
        },
    )
    assert again.status_code == 200
    assert UnitEvaluation.objects.count() == 2


def test_published_poll_result_shows_on_the_scorecard(client, staff, published):
    voters = [DeputyFactory() for _ in range(3)]
    (poll,) = supervision_services.unit_evaluations_open(
        year=2022,
        organisations=[published["poor"]],
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(hours=1),
    )
    option = poll.options.get()
    for deputy in voters:
        supervision_services.ballot_cast(poll=poll, voter=deputy, marks={option.pk: "satisfied"})
    supervision_services.poll_close(poll=poll)
    supervision_services.poll_publish(poll=poll)

    page = client.get(f"/units/scorecards/2022/{published['poor'].pk}/").content.decode()

    assert "代表满意度测评" in page


# -- the demo year ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_year_fails_exactly_two_units_each_on_one_rule(client):
    from congress.demo import DemoContext, run
    from congress.review import registry
    from proposals.demo import MISSES_PROMISES, SKIPS_MEETINGS

    run(DemoContext(password="demo-password-for-tests"))
    made = ScorecardScheme.objects.get(year=2022, published=True)
    with translation.override("zh-hans"):
        assert [c.rule_text for c in made.criteria.all()][0] == "每件均在7个工作日内签收"

    cards = selectors.scorecards(made)
    failed = {c.name: [f.criterion.kind for f in c.figures if not f.passed] for c in cards}
    failed = {name: kinds for name, kinds in failed.items() if kinds}
    assert failed == {SKIPS_MEETINGS: [K.CONTACT_CONFIRMED], MISSES_PROMISES: [K.PROMISES_KEPT]}
    figures = registry.compute(["scorecards.units_passed", "scorecards.units_failed"], 2022)
    assert figures == {
        "scorecards.units_passed": len(cards) - 2,
        "scorecards.units_failed": 2,
    }

    page = client.get("/units/scorecards/2022/?result=failed")
    assert {c.name for c in page.context["cards"]} == set(failed)
    # The deputies rated five units at the year's end; the two failing ones among them.
    assert UnitEvaluation.objects.filter(year=2022, poll__status=Poll.Status.PUBLISHED).count() == 5
    assert all(card.parts for card in page.context["cards"])
    assert "代表满意度测评" in page.content.decode()


def test_admin_pages_open(client, staff, published):
    client.force_login(staff)
    pk = published["scheme"].pk
    for url in [
        "/admin/proposals/scorecardscheme/",
        f"/admin/proposals/scorecardscheme/{pk}/change/",
        "/admin/supervision/unitevaluation/",
        "/admin/supervision/unitevaluation/add/",
    ]:
        assert client.get(url).status_code == 200, url


def test_years_page_lists_published_years(client, published):
    page = client.get("/units/scorecards/").content.decode()
    assert 'href="/units/scorecards/2022/"' in page
    assert client.get("/en/units/scorecards/2022/").status_code == 200


# -- the page cache: a scorecard is never stale ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cached_scorecard_drops_after_a_contact_or_a_rule_changes(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    unit = OrganisationFactory(name="市水利局")
    lacking = item(unit, contact=None)
    made = scheme((K.CONTACT_CONFIRMED, {}))
    url = f"/units/scorecards/2022/{unit.pk}/"
    assert client.get(url).context["card"].passed is False
    assert client.get(url)["X-Page-Cache"] == "hit"

    Contact.objects.create(
        assignment=lacking.assignments.get(),
        suggestion=lacking,
        contact_on=D(2022, 4, 1),
        way=Contact.Way.SITE,
        stage=Contact.Stage.DURING,
        participants="代表；局长",
        status=Contact.Status.CONFIRMED,
        answered_at=at(D(2022, 4, 2)),
    )
    fresh = client.get(url)
    assert "X-Page-Cache" not in fresh
    assert fresh.context["card"].passed is True

    made.published = False
    made.save()
    assert client.get(url).status_code == 404
