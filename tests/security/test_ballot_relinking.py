"""Attacks on the secret ballot by someone holding a copy of the database or a backup.

Deputies vote through the portal (logged in at /accounts/login/, real POSTs with CSRF tokens);
each test then tries to link ballots back to voters the way an attacker with read access would:
system columns (xmin, ctid), physical and dump order, ids, timestamps, history tables, log lines.
Each voter's choice is unique here, so a guess can be checked. A guess within a batch of K
ballots is right 1 time in K on average; an attack "works" when it relinks far more than that.

The xmin, ctid and pg_dump attacks are PostgreSQL's (CI runs them in its PostgreSQL half); the
rest run on SQLite too.
"""

import itertools
import json
import logging
import re
import shutil
import subprocess
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from supervision import demo, services
from supervision.models import Ballot, BallotReceipt, SealedBallot
from tests.factories import UserFactory

K = 5
VOTERS = 30  # six batches of five
# Fixed points of six random permutations of five: about 6 in 30 on average, 18 well beyond.
CHANCE_CEILING = 18

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's system columns and pg_dump (CI runs this in its PostgreSQL half)",
)

pytestmark = pytest.mark.django_db(transaction=True)


def csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match is not None, "no CSRF token on the page"
    return match.group(1)


def vote_through_the_portal(deputy, poll, option_ids):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()
    response = client.post(
        "/accounts/login/",
        {
            "username": deputy.user.username,
            "password": "pw-for-tests",
            "csrfmiddlewaretoken": csrf(page),
        },
    )
    assert response.status_code == 302, "the deputy could not log in"
    ballot = client.get(f"/portal/votes/{poll.pk}/").content.decode()
    data = {"option": [str(pk) for pk in option_ids], "csrfmiddlewaretoken": csrf(ballot)}
    confirm = client.post(f"/portal/votes/{poll.pk}/", data)
    assert confirm.status_code == 200
    data["csrfmiddlewaretoken"] = csrf(confirm.content.decode())
    done = client.post(f"/portal/votes/{poll.pk}/cast/", data)
    assert done.status_code == 302 and done["Location"].endswith("/done/")


@pytest.fixture
def voted(make_poll, settings, caplog):
    """30 deputies voted, each a different choice; returns the poll and who chose what."""
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "BALLOT_ANONYMITY_SET": K}
    poll, options, deputies = make_poll(options=6, k=3, voters=VOTERS + 2)
    choices = [
        frozenset(o.pk for o in combo)
        for n in (1, 2, 3)
        for combo in itertools.combinations(options, n)
    ]
    truth = {}
    caplog.set_level(logging.DEBUG)
    for deputy, choice in zip(deputies[:VOTERS], choices, strict=False):
        deputy.user = UserFactory()
        deputy.save()
        vote_through_the_portal(deputy, poll, choice)
        truth[deputy.pk] = choice
    return poll, options, deputies, truth


def relinked(truth, voter_order, ballot_order) -> int:
    """How many voters an attack that pairs the two orders position by position gets right."""
    return sum(truth[v] == b for v, b in zip(voter_order, ballot_order, strict=True))


def marks_key(marks) -> frozenset:
    if isinstance(marks, str):  # raw SQL hands JSON back as text
        marks = json.loads(marks)
    return frozenset(int(pk) for pk in marks)


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@on_postgresql
def test_joining_receipts_and_ballots_on_xmin_relinks_no_one(voted):
    poll, _options, _deputies, truth = voted
    receipts = rows(
        "SELECT xmin::text::bigint, voter_id FROM supervision_ballotreceipt WHERE poll_id = %s",
        [poll.pk],
    )
    ballots = rows(
        "SELECT xmin::text::bigint, ctid::text, marks FROM supervision_ballot WHERE poll_id = %s",
        [poll.pk],
    )
    assert len(ballots) == VOTERS and not SealedBallot.objects.filter(poll=poll).exists()
    # The join of the report: a ballot whose xmin is its receipt's, or one off (the savepoint).
    guesses = 0
    for xid, voter in receipts:
        near = sorted((b for b in ballots if abs(b[0] - xid) <= 1), key=lambda b: ctid(b[1]))
        if near:
            guesses += truth[voter] == marks_key(near[0][2])
    assert guesses <= 1 * VOTERS // K  # at most the voter whose vote set the batch off, by chance
    # Within a batch xmin is one value: it tells the batch, never the ballot.
    batches = Counter(x for x, *_ in ballots)
    assert min(batches.values()) >= K
    assert not set(batches) & {x for x, _v in receipts}
    # The best an xmin attack can do: pair each receipt with the next ballots written.
    by_xid = sorted(receipts)
    ballot_order = [marks_key(m) for _x, _c, m in sorted(ballots, key=lambda b: (b[0], ctid(b[1])))]
    assert relinked(truth, [v for _x, v in by_xid], ballot_order) <= CHANCE_CEILING

    # At close every ballot is rewritten in one shuffled transaction: one xmin for all.
    services.poll_close(poll=poll)
    assert len({x for (x,) in rows("SELECT xmin::text FROM supervision_ballot")}) == 1


def ctid(text: str) -> tuple[int, int]:
    page, item = text.strip("()").split(",")
    return int(page), int(item)


@on_postgresql
def test_physical_order_and_the_order_of_a_pg_dump_relink_no_better_than_chance(voted):
    poll, _options, _deputies, truth = voted
    receipts = rows("SELECT ctid::text, voter_id FROM supervision_ballotreceipt")
    ballots = rows("SELECT ctid::text, marks FROM supervision_ballot")
    voter_order = [v for _c, v in sorted(receipts, key=lambda r: ctid(r[0]))]
    ballot_order = [marks_key(m) for _c, m in sorted(ballots, key=lambda r: ctid(r[0]))]
    assert relinked(truth, voter_order, ballot_order) <= CHANCE_CEILING

    dumped_voters, dumped_ballots = pg_dump_order()
    assert len(dumped_voters) == len(dumped_ballots) == VOTERS
    assert relinked(truth, dumped_voters, dumped_ballots) <= CHANCE_CEILING

    services.poll_close(poll=poll)
    dumped_voters, dumped_ballots = pg_dump_order()
    assert relinked(truth, dumped_voters, dumped_ballots) <= CHANCE_CEILING


def pg_dump_order():
    """The receipts' voters and the ballots' choices in the order `pg_dump --data-only` writes."""
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed on the machine that runs the PostgreSQL half"
    db = connection.settings_dict
    env = {"PGPASSWORD": db.get("PASSWORD") or ""}
    out = subprocess.run(
        [
            pg_dump,
            "--data-only",
            "-h",
            db.get("HOST") or "127.0.0.1",
            "-p",
            str(db.get("PORT") or 5432),
            "-U",
            db.get("USER") or "postgres",
            "-t",
            "supervision_ballotreceipt",
            "-t",
            "supervision_ballot",
            "-t",
            "supervision_sealedballot",
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    tables = {}
    for match in re.finditer(
        r"^COPY public\.(\w+) \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$", out, re.M | re.S
    ):
        columns = [c.strip() for c in match.group(2).split(",")]
        tables[match.group(1)] = [
            dict(zip(columns, line.split("\t"), strict=True))
            for line in match.group(3).splitlines()
        ]
    voters = [int(r["voter_id"]) for r in tables["supervision_ballotreceipt"]]
    ballots = [marks_key(json.loads(r["marks"])) for r in tables["supervision_ballot"]]
    return voters, ballots


def test_ids_and_insertion_order_relink_no_better_than_chance(voted):
    _poll, _options, _deputies, truth = voted
    # Sorting by the random keys, or by the order the database hands rows back in.
    for order in (["id"], []):
        voters = list(BallotReceipt.objects.order_by(*order).values_list("voter_id", flat=True))
        ballots = [
            marks_key(m) for m in Ballot.objects.order_by(*order).values_list("marks", flat=True)
        ]
        assert relinked(truth, voters, ballots) <= CHANCE_CEILING
    # On SQLite the physical order is the rowid's.
    if connection.vendor == "sqlite":
        voters = [
            v for (v,) in rows("SELECT voter_id FROM supervision_ballotreceipt ORDER BY rowid")
        ]
        ballots = [
            marks_key(json.loads(m))
            for (m,) in rows("SELECT marks FROM supervision_ballot ORDER BY rowid")
        ]
        assert relinked(truth, voters, ballots) <= CHANCE_CEILING


def test_no_timestamp_history_table_or_log_line_ties_a_ballot_to_a_voter(voted, caplog):
    poll, options, deputies, truth = voted
    tables = set(connection.introspection.table_names())
    # Only the receipt, the ballot and the sealed pool mention ballots: no history copy of them.
    assert {t for t in tables if "ballot" in t} == {
        "supervision_ballot",
        "supervision_ballotreceipt",
        "supervision_sealedballot",
    }
    with connection.cursor() as cursor:
        for table in (
            "supervision_ballot",
            "supervision_ballotreceipt",
            "supervision_sealedballot",
        ):
            columns = connection.introspection.get_table_description(cursor, table)
            assert {c.name for c in columns} <= {
                "id",
                "poll_id",
                "voter_id",
                "marks",
                "valid",
                "sealed",
            }
    # The timeline says the poll opened, nothing per vote.
    from proposals.models import TimelineEntry

    actions = set(TimelineEntry.objects.for_object(poll).values_list("action", flat=True))
    assert actions <= {"poll_created", "poll_opened"}
    # No log line written while they voted carries a choice.
    text = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert caplog.get_records("setup"), "logging was captured"
    for option in options:
        assert option.label not in text
    assert '"yes"' not in text and "'yes'" not in text and "marks" not in text


def test_a_backup_taken_while_ballots_wait_holds_only_sealed_marks_of_one_length(voted, settings):
    poll, options, deputies, truth = voted
    late = deputies[VOTERS:]
    for deputy, choice in zip(late, [{options[0].pk}, {o.pk for o in options[:3]}], strict=True):
        deputy.user = UserFactory()
        deputy.save()
        vote_through_the_portal(deputy, poll, choice)
    sealed = [
        bytes(s) for s in SealedBallot.objects.filter(poll=poll).values_list("sealed", flat=True)
    ]
    assert len(sealed) == 2 and Ballot.objects.filter(poll=poll).count() == VOTERS
    # One mark or three: the same length, and nothing readable without the key.
    assert len({len(s) for s in sealed}) == 1
    for blob in sealed:
        assert b'": "yes"' not in blob
    # A copy of the database without the key (it lives in the app's environment) opens nothing.
    from supervision import ballot_seal

    settings.BALLOT_SEAL_KEY = "a key guessed by whoever holds the backup"
    with pytest.raises(ballot_seal.SealBroken):
        ballot_seal.unseal(poll.pk, sealed[0])
    del settings.BALLOT_SEAL_KEY
    services.poll_close(poll=poll)
    assert (
        not SealedBallot.objects.exists() and Ballot.objects.filter(poll=poll).count() == VOTERS + 2
    )


def test_the_demo_ballots_cannot_be_relinked_by_rerunning_its_seeded_draw(make_poll):
    """The demo draws the marks from a seed; the order they are stored in must not follow it."""
    orders = []
    for _run in range(2):
        poll, options, deputies = make_poll(options=1, k=1, voters=20)
        ballots = [{str(options[0].pk): "yes", "n": i} for i in range(20)]  # the same each run
        demo._store_ballots(poll, deputies, ballots)
        orders.append([m["n"] for m in ballots])
    assert orders[0] != orders[1]
