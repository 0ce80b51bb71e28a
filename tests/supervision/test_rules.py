"""The counting rules, as pure functions: validity, threshold bases, majorities, ties, evaluation."""

import pytest

from supervision import rules
from supervision.rules import Base, Majority, Method, Rule

OPTIONS = [1, 2, 3, 4]


def pick(k=2, seats=2, base=Base.ELIGIBLE, majority=Majority.MORE_THAN_HALF):
    return Rule(Method.CHOOSE, max_choices=k, seats=seats, base=base, majority=majority)


def decide(rule, counts, *, eligible=10, present=None, valid=None, invalid=0, options=OPTIONS):
    grades = rules.grade_codes(rule.method)
    full = {o: {g: counts.get(o, {}).get(g, 0) for g in grades} for o in options}
    return rules.decide(
        rule,
        options,
        full,
        eligible=eligible,
        present=present,
        electronic=valid if valid is not None else eligible,
        paper_returned=0,
        valid=valid if valid is not None else eligible,
        invalid=invalid,
    )


def yes(**votes):
    return {int(k[1:]): {"yes": v} for k, v in votes.items()}


class TestBallotValidity:
    def test_k_marks_are_valid_and_k_plus_one_invalid(self):
        rule = pick(k=2)
        assert rules.ballot_is_valid(rule, {"1": "yes", "2": "yes"}, OPTIONS)
        assert not rules.ballot_is_valid(rule, {"1": "yes", "2": "yes", "3": "yes"}, OPTIONS)

    def test_a_blank_ballot_is_a_valid_abstention(self):
        assert rules.ballot_is_valid(pick(), {}, OPTIONS)

    def test_unknown_option_or_grade_is_invalid(self):
        assert not rules.ballot_is_valid(pick(), {"99": "yes"}, OPTIONS)
        assert not rules.ballot_is_valid(pick(), {"1": "for"}, OPTIONS)
        evaluation = Rule(Method.EVALUATION)
        assert rules.ballot_is_valid(evaluation, {"1": "basic", "2": "unsatisfied"}, OPTIONS)
        assert not rules.ballot_is_valid(evaluation, {"1": "yes"}, OPTIONS)


class TestThresholdBase:
    def test_each_base(self):
        assert (
            rules.base_count(pick(base=Base.ELIGIBLE), eligible=282, present=276, valid=251) == 282
        )
        assert (
            rules.base_count(pick(base=Base.PRESENT), eligible=282, present=276, valid=251) == 276
        )
        assert rules.base_count(pick(base=Base.VALID), eligible=282, present=276, valid=251) == 251

    def test_present_base_needs_the_number_present(self):
        with pytest.raises(ValueError):
            rules.base_count(pick(base=Base.PRESENT), eligible=10, present=None, valid=8)

    @pytest.mark.parametrize(
        ("base", "selected"),
        [(Base.ELIGIBLE, [1]), (Base.PRESENT, [1, 2]), (Base.VALID, [1, 2, 3])],
    )
    def test_the_base_decides_who_reaches_more_than_half(self, base, selected):
        # 20 on the roll, 14 present, 10 valid ballots: 11 votes pass every base,
        # 8 pass "present" (8 > 7) and "valid", 6 passes only "valid".
        outcome = decide(
            pick(k=3, seats=3, base=base), yes(o1=11, o2=8, o3=6), eligible=20, present=14, valid=10
        )
        assert outcome.selected == selected


class TestMajority:
    def test_more_than_half_excludes_an_exact_half(self):
        assert rules.passes(Majority.MORE_THAN_HALF, 142, 282)
        assert not rules.passes(Majority.MORE_THAN_HALF, 141, 282)
        assert not rules.passes(Majority.MORE_THAN_HALF, 0, 0)

    def test_more_than_half_can_leave_places_unfilled(self):
        outcome = decide(pick(seats=2), yes(o1=6, o2=5, o3=4))
        assert outcome.selected == [1]
        assert outcome.seats_unfilled == 1
        assert not outcome.tied

    def test_plurality_fills_the_places_with_the_most_votes(self):
        outcome = decide(pick(seats=2, majority=Majority.PLURALITY), yes(o1=3, o2=5, o3=4))
        assert sorted(outcome.selected) == [2, 3]
        assert outcome.seats_unfilled == 0
        assert [line.rank for line in outcome.lines] == [1, 2, 3, 4]

    def test_shares_are_percentages_of_the_base(self):
        outcome = decide(pick(), yes(o1=211), eligible=282)
        assert outcome.line_for(1).share == "74.82"


class TestTies:
    def test_a_tie_for_the_last_place_is_reported_not_broken(self):
        outcome = decide(pick(seats=2, majority=Majority.PLURALITY), yes(o1=9, o2=7, o3=7, o4=1))
        assert outcome.selected == [1]
        assert outcome.tied == [2, 3]
        assert outcome.seats_unfilled == 1
        assert {line.option: line.outcome for line in outcome.lines} == {
            1: "selected",
            2: "tied",
            3: "tied",
            4: "not_selected",
        }

    def test_a_tie_inside_the_places_is_no_tie(self):
        outcome = decide(pick(seats=2, majority=Majority.PLURALITY), yes(o1=7, o2=7, o3=1))
        assert sorted(outcome.selected) == [1, 2]
        assert not outcome.tied

    def test_more_equal_options_than_places_are_all_tied(self):
        outcome = decide(pick(seats=3), yes(o1=8, o2=8, o3=8, o4=8))
        assert not outcome.selected and outcome.tied == [1, 2, 3, 4]


class TestEvaluationRule:
    """满意 > half of ALL members → satisfied; else 满意+基本满意 > half → basically satisfied;
    else unsatisfied. Abstentions stay in the base."""

    rule = Rule(Method.EVALUATION, base=Base.ELIGIBLE, majority=Majority.MORE_THAN_HALF)

    def verdict(self, satisfied, basic, unsatisfied, members=30):
        counts = {1: {"satisfied": satisfied, "basic": basic, "unsatisfied": unsatisfied}}
        outcome = decide(self.rule, counts, eligible=members, valid=28, options=[1])
        return outcome.lines[0].outcome

    def test_satisfied_when_satisfied_votes_exceed_half_of_all_members(self):
        assert self.verdict(16, 10, 2) == "satisfied"

    def test_exactly_half_satisfied_is_not_satisfied(self):
        assert self.verdict(15, 1, 12) == "basic"

    def test_basically_satisfied_when_the_two_together_exceed_half(self):
        assert self.verdict(10, 6, 12) == "basic"

    def test_exactly_half_together_is_unsatisfied(self):
        assert self.verdict(10, 5, 13) == "unsatisfied"

    def test_abstentions_and_absences_count_against(self):
        # 16 of 28 ballots say satisfied, but the base is all 40 members.
        assert self.verdict(16, 4, 0, members=40) == "unsatisfied"

    def test_the_same_rule_on_valid_ballots_is_a_configuration_not_new_code(self):
        rule = Rule(Method.EVALUATION, base=Base.VALID)
        counts = {1: {"satisfied": 16, "basic": 4, "unsatisfied": 0}}
        outcome = decide(rule, counts, eligible=40, valid=20, options=[1])
        assert outcome.lines[0].outcome == "satisfied"


class TestApproval:
    def test_for_votes_above_half_carry_each_option(self):
        rule = Rule(Method.APPROVAL)
        counts = {
            1: {"for": 30, "against": 1, "abstain": 2},
            2: {"for": 16, "against": 15, "abstain": 2},
            3: {"for": 17, "against": 2, "abstain": 14},
        }
        outcome = decide(rule, counts, eligible=33, options=[1, 2, 3])
        assert sorted(outcome.selected) == [1, 3]


class TestPaperTallyRules:
    def test_a_consistent_tally_has_no_errors(self):
        assert not rules.paper_tally_errors(
            pick(k=2), issued=10, returned=10, valid=9, invalid=1, counts=yes(o1=9, o2=9)
        )

    @pytest.mark.parametrize(
        ("figures", "counts", "fragment"),
        [
            ({"issued": 10, "returned": 11, "valid": 11, "invalid": 0}, {}, "than issued"),
            ({"issued": 10, "returned": 10, "valid": 8, "invalid": 1}, {}, "must add up"),
            ({"issued": 10, "returned": 10, "valid": 9, "invalid": 1}, yes(o1=10), "more than the"),
            (
                {"issued": 10, "returned": 10, "valid": 2, "invalid": 8},
                yes(o1=2, o2=2, o3=1),
                "at most 2 choices",
            ),
            ({"issued": -1, "returned": 0, "valid": 0, "invalid": 0}, {}, "negative"),
        ],
    )
    def test_each_inconsistency_has_its_message(self, figures, counts, fragment):
        errors = rules.paper_tally_errors(pick(k=2), counts=counts, **figures)
        assert any(fragment in e for e in errors), errors
