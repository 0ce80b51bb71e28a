"""A backup that restores: pg_dump the database, pg_restore it into a fresh one, serve from it.

The README's backup commands (`pg_dump --format=custom --no-owner`, `pg_restore --no-owner`),
run against the test database. A separate process with DATABASE_URL pointing at the restored
database serves a public suggestion page and an opinion's tracking page; the counts match, and
the restored ballots are as unlinkable as the originals. The extra database is dropped after.

PostgreSQL only (CI's PostgreSQL half): pg_dump and pg_restore are PostgreSQL's tools.
"""

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from proposals.models import Opinion, Suggestion
from supervision import services
from supervision.models import Ballot, BallotReceipt
from tests.factories import OpinionFactory, SuggestionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump/pg_restore are PostgreSQL's (CI runs this in its PostgreSQL half)",
    ),
]

ROOT = Path(django_settings.BASE_DIR)
VOTERS = 12

SERVE = """
import json, sys
import django
django.setup()
from django.test import Client
from proposals.models import Opinion, Suggestion
suggestion_pk, code = int(sys.argv[1]), sys.argv[2]
client = Client()
suggestion_page = client.get(f"/suggestions/{suggestion_pk}/")
track_page = client.get(f"/opinions/track/{code}/")
print(json.dumps({
    "suggestion_status": suggestion_page.status_code,
    "suggestion_html": suggestion_page.content.decode(),
    "track_status": track_page.status_code,
    "track_html": track_page.content.decode(),
    "suggestions": Suggestion.objects.count(),
    "opinions": Opinion.objects.count(),
}))
"""


def pg(tool, *args, env):
    return subprocess.run([shutil.which(tool), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def conn_args():
    db = connection.settings_dict
    host, port, user = db.get("HOST") or "127.0.0.1", str(db.get("PORT") or 5432), db.get("USER")
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return ["-h", host, "-p", port, "-U", user or "postgres"], env, db


def test_a_pg_dump_restores_into_a_fresh_database_that_serves_the_same_records(
    make_poll, conn_args, tmp_path, settings
):
    args, env, db = conn_args
    # Records: a public suggestion, opinions, and a closed poll whose ballots must stay secret.
    suggestion = SuggestionFactory(status=Suggestion.Status.REGISTERED, is_public=True)
    opinion = OpinionFactory.create_batch(3)[0]
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "BALLOT_ANONYMITY_SET": 4}
    poll, options, deputies = make_poll(options=5, k=2, voters=VOTERS)
    choices = [
        frozenset(c) for n in (1, 2) for c in itertools.combinations([o.pk for o in options], n)
    ]
    truth = {}
    for deputy, choice in zip(deputies, choices, strict=False):
        services.ballot_cast(poll=poll, voter=deputy, option_ids=choice)
        truth[deputy.pk] = choice
    services.poll_close(poll=poll)

    dump = tmp_path / "renda.dump"
    with dump.open("wb") as out:
        subprocess.run(
            [shutil.which("pg_dump"), *args, "--format=custom", "--no-owner", db["NAME"]],
            check=True,
            stdout=out,
            env=env,
        )
    restored = f"{db['NAME']}_restored"[:63]
    pg("dropdb", *args, "--if-exists", "--force", restored, env=env)
    pg("createdb", *args, restored, env=env)
    try:
        pg("pg_restore", *args, "--no-owner", "-d", restored, str(dump), env=env)
        url = (
            f"postgres://{db.get('USER') or 'postgres'}:{db.get('PASSWORD') or ''}"
            f"@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{restored}"
        )
        served = subprocess.run(
            [sys.executable, "-c", SERVE, str(suggestion.pk), opinion.code],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={
                **env,
                "DATABASE_URL": url,
                "DATABASE_POOL": "0",
                "DJANGO_SETTINGS_MODULE": "tests.settings",
            },
        )
        page = json.loads(served.stdout.strip().splitlines()[-1])
        assert page["suggestion_status"] == 200 and suggestion.title in page["suggestion_html"]
        assert page["track_status"] == 200 and opinion.code in page["track_html"]
        assert page["suggestions"] == Suggestion.objects.count()
        assert page["opinions"] == Opinion.objects.count() == 3

        # The restored ballots: the same count, in an order that says nothing of the voters.
        restored_rows = restored_query(
            args,
            env,
            restored,
            "SELECT json_agg(voter_id ORDER BY ctid) FROM supervision_ballotreceipt",
            "SELECT json_agg(marks ORDER BY ctid) FROM supervision_ballot",
        )
        voters, ballots = restored_rows
        assert len(voters) == len(ballots) == VOTERS == Ballot.objects.count()
        assert BallotReceipt.objects.count() == VOTERS
        relinked = sum(
            truth[v] == frozenset(int(k) for k in b) for v, b in zip(voters, ballots, strict=True)
        )
        # One shuffled batch of 12 at close: about one right by chance, 7 would be 1 in ~10⁴.
        assert relinked <= 6
    finally:
        pg("dropdb", *args, "--if-exists", "--force", restored, env=env)


def restored_query(args, env, dbname, *queries):
    out = []
    for sql in queries:
        text = pg("psql", *args, "-d", dbname, "-tAc", sql, env=env).stdout.decode().strip()
        out.append(json.loads(text))
    return out
