"""The suggestions' summary rows (proposals/summaries.py, congress.kit.summaries) agree with a
full re-aggregation after every service that writes what they count, and the pages that read
them show the same figures as the old per-request aggregation."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from congress.kit import summaries
from congress.models import Summary
from proposals import selectors
from proposals import summaries as suggestion_summaries
from proposals.handling import services as hs
from proposals.models import Rating, Suggestion
from proposals.suggestions import services as ss
from tests.factories import SessionFactory
from tests.proposals import helpers


@pytest.fixture
def ctx(lead, session, category, staff):
    return {"lead": lead, "session": session, "category": category, "by": staff}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as if its transaction committed (the after-commit refresh runs)."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


def assert_agree():
    """Every stored slice equals its computation from scratch, and the statistics page's sums
    equal the old aggregation over every published item."""
    assert summaries.check() == []
    public = Suggestion.objects.public()
    counts = suggestion_summaries.public_counts_of()
    whole = selectors.handling_stats(public)
    for key, value in whole.items():
        assert selectors.handling_rates(counts)[key] == value, key
    assert selectors.outcome_rates(counts["outcomes"]) == selectors.outcome_figures(public)
    contacts = selectors.contact_figures(public)
    for key in ("leads", "leads_contacted", "contacts", "contacts_confirmed"):
        assert counts[key] == contacts[key], key
    assert {int(k): v for k, v in counts["units"].items()} == selectors.per_unit_counts(public)


def fresh(year: int) -> bool:
    row = Summary.objects.filter(name="suggestions", year=year).first()
    return row is not None and row.data is not None


def test_every_service_leaves_the_summaries_in_agreement(ctx, unit, other_unit, committed):
    year = ctx["session"].start_date.year
    # Filed, registered, assigned: each step refreshes the year's row after its commit.
    first = committed(helpers.registered, **ctx)
    assert fresh(year)
    assert_agree()
    committed(
        hs.suggestion_assign,
        suggestion=first,
        lead_unit=unit,
        co_units=[],
        by=ctx["by"],
        on=datetime.date(2022, 3, 18),
    )
    assert_agree()
    # A unit replies (class B, a promise), the office publishes it, the signer rates it.
    reply = committed(
        hs.reply_record,
        suggestion=Suggestion.objects.get(pk=first.pk),
        organisation=unit,
        reply_class="B",
        text="已列入计划。",
        by=ctx["by"],
        replied_on=datetime.date(2022, 6, 10),
        promised_by=datetime.date(2022, 10, 31),
    )
    assert_agree()
    committed(hs.reply_publish, reply=reply, by=ctx["by"])
    committed(
        hs.feedback_give,
        reply=reply,
        rater=ctx["lead"],
        process_rating=Rating.SATISFIED,
        result_rating=Rating.BASICALLY,
        by=ctx["by"],
    )
    assert_agree()
    counts = suggestion_summaries.year_counts(year)
    assert counts["ratings"] == 1 and counts["outcomes"]["promised"] == 1
    # A second item: a contact recorded and confirmed, then an A reply.
    second = committed(helpers.assigned, unit=unit, **ctx, title="关于农贸市场改造的建议")
    contact = committed(
        hs.contact_record,
        assignment=second.assignments.get(role="lead"),
        contact_on=datetime.date(2022, 3, 25),
        way="face",
        stage="before",
        participants="徐杰代表；市交通运输局",
        by=ctx["by"],
    )
    committed(hs.contact_answer, contact=contact, deputy=ctx["lead"], confirm=True, by=ctx["by"])
    assert_agree()
    assert suggestion_summaries.year_counts(year)["contacts_confirmed"] == 1
    committed(
        hs.reply_record,
        suggestion=Suggestion.objects.get(pk=second.pk),
        organisation=unit,
        reply_class="A",
        text="已实施。",
        by=ctx["by"],
        replied_on=datetime.date(2022, 5, 10),
    )
    assert_agree()
    # Hidden from the public, then a third item withdrawn (its assignments end in bulk).
    committed(ss.suggestion_set_public, suggestion=second, is_public=False, by=ctx["by"])
    assert_agree()
    third = committed(helpers.assigned, unit=other_unit, **ctx, title="关于河道治理的建议")
    committed(ss.suggestion_withdraw, suggestion=third, by=ctx["lead"].user, reason="已解决")
    assert_agree()
    assert suggestion_summaries.year_counts(year)["total"] == 2


def test_a_row_moved_to_another_year_leaves_both_years_right(ctx, term, committed):
    item = committed(helpers.registered, **ctx)
    year = item.year
    item.year = year + 1
    committed(item.save)
    assert suggestion_summaries.year_counts(year)["total"] == 0
    assert suggestion_summaries.year_counts(year + 1)["total"] == 1
    assert_agree()


def test_a_write_rolled_back_leaves_the_row_as_it_was(ctx, committed):
    item = committed(helpers.registered, **ctx)
    year = item.year
    before = Summary.objects.get(name="suggestions", year=year)
    with pytest.raises(RuntimeError), transaction.atomic():
        Suggestion.objects.filter(pk=item.pk).get().delete()
        raise RuntimeError("rolled back")
    assert Summary.objects.get(name="suggestions", year=year).token == before.token
    assert suggestion_summaries.year_counts(year)["total"] == 1


def test_a_write_marks_the_row_stale_until_it_is_computed_again(ctx, committed):
    item = committed(helpers.registered, **ctx)
    year = item.year
    # Without the after-commit refresh (a crash, say), the next reader computes the slice.
    ss.suggestion_set_public(suggestion=item, is_public=False, by=ctx["by"])
    assert not fresh(year)
    assert suggestion_summaries.public_counts_of(year=year)["total"] == 0
    assert fresh(year)


def test_a_slice_computed_before_a_write_is_not_stored_over_its_mark(ctx, committed):
    item = committed(helpers.registered, **ctx)
    year = item.year
    token = Summary.objects.get(name="suggestions", year=year).token
    summaries.mark_stale("suggestions", [year])  # a write commits while a reader computes
    summaries._compute_and_store(summaries.get("suggestions"), year, token)
    assert not fresh(year)


def test_the_session_filter_sums_only_that_session(ctx, term, committed):
    committed(helpers.registered, **ctx)
    other = SessionFactory(term=term, number=2)
    committed(helpers.registered, **{**ctx, "session": other}, title="关于停车难的建议")
    year = ctx["session"].start_date.year
    assert suggestion_summaries.public_counts_of(session_id=ctx["session"].pk)["total"] == 1
    assert suggestion_summaries.public_counts_of(year=year)["total"] == 2


def test_check_summaries_reports_and_fixes_a_disagreement(ctx, committed, capsys):
    item = committed(helpers.registered, **ctx)
    row = Summary.objects.get(name="suggestions", year=item.year)
    row.data["received"]["total"] = 99
    row.save()
    with pytest.raises(CommandError) as failed:
        call_command("check_summaries", "--fix")
    assert failed.value.returncode == 1
    assert f"suggestions {item.year}: differs in received" in capsys.readouterr().out
    call_command("check_summaries")  # fixed: no disagreement left
    assert suggestion_summaries.year_counts(item.year)["total"] == 1


def test_stats_page_reads_the_same_figures(client, ctx, unit, committed):
    committed(helpers.replied, unit=unit, **ctx)
    html = client.get("/suggestions/stats/").content.decode()
    assert "市交通运输局" in html
    year = ctx["session"].start_date.year
    assert client.get(f"/suggestions/stats/?year={year}").status_code == 200


def test_a_row_computed_under_other_rules_is_computed_again(ctx, unit, committed, settings):
    committed(helpers.replied, unit=unit, reply_class="B", **ctx)
    year = ctx["session"].start_date.year
    assert suggestion_summaries.year_counts(year)["outcomes"]["solved_first"] == 0
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "SOLVED_REPLY_CLASSES": ["A", "B"]}
    assert suggestion_summaries.year_counts(year)["outcomes"]["solved_first"] == 1
    assert summaries.check() == []
