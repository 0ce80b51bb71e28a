"""What the tests read of stored ballots: the written ones and those still sealed in the pool."""

from supervision import ballot_seal
from supervision.models import Ballot, SealedBallot


def stored_marks(poll=None) -> list[dict]:
    """Every ballot's marks, written or still waiting sealed in its poll's pool."""
    ballots = Ballot.objects.all() if poll is None else Ballot.objects.filter(poll=poll)
    pool = SealedBallot.objects.all() if poll is None else SealedBallot.objects.filter(poll=poll)
    return [b.marks for b in ballots] + [
        ballot_seal.unseal(s.poll_id, s.sealed) for s in pool.only("poll_id", "sealed")
    ]
