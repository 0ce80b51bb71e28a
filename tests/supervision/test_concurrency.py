"""Many deputies voting at the same moment: one receipt per voter, as many ballots as receipts.

Real threads against a real database. SQLite serialises writers on a file lock, so the test
proves nothing there; it runs on PostgreSQL (CI runs the suite on both).
"""

import threading

import pytest
from django.conf import settings
from django.db import connection

from congress.kit.errors import DomainError
from supervision import services
from supervision.models import BallotReceipt
from tests.supervision.ballots import stored_marks

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks and concurrent transactions need PostgreSQL (CI runs it there)",
    ),
]


def run_at_once(jobs):
    """Run each job in its own thread, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def work(i, job):
        try:
            barrier.wait(timeout=30)
            job()
            results[i] = "ok"
        except DomainError as error:
            results[i] = error.code
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            results[i] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_twenty_simultaneous_ballots_from_one_deputy_leave_one_receipt(make_poll):
    poll, options, (voter, *_rest) = make_poll()
    jobs = [
        lambda: services.ballot_cast(poll=poll, voter=voter, option_ids=[options[0].pk])
        for _ in range(20)
    ]
    results = run_at_once(jobs)
    assert results.count("ok") == 1
    assert results.count("already_voted") == 19, results
    assert BallotReceipt.objects.filter(poll=poll).count() == 1
    assert len(stored_marks(poll)) == 1


def test_thirty_deputies_voting_at_once_are_all_counted_once(make_poll):
    poll, options, voters = make_poll(voters=30)

    def job(voter):
        return lambda: services.ballot_cast(poll=poll, voter=voter, option_ids=[options[1].pk])

    # Each deputy twice, all at once: 60 requests, 30 ballots.
    results = run_at_once([job(v) for v in voters] + [job(v) for v in voters])
    assert results.count("ok") == 30, results
    assert results.count("already_voted") == 30
    assert BallotReceipt.objects.filter(poll=poll).count() == 30
    assert len(stored_marks(poll)) == 30
    outcome = services.poll_close(poll=poll).summary
    assert outcome.line_for(options[1].pk).votes == 30
