"""Official numbers: 十六届一次会议第001号 for a session's suggestions, 十六届闭会期间第001号 between sessions.

Numbers are given in order of registration within their scope (a session, or a term's
between-session items). The scope's row is locked while the next number is read, so that two
clerks registering at once cannot take the same one; the unique constraints back this up.
"""

from django.db.models import Max

from congress.models import Session, Term
from proposals.models import Motion, Suggestion, proposal_code


def next_suggestion_number(suggestion) -> tuple[int, str]:
    if suggestion.session_id:
        session = (
            Session.objects.select_for_update().select_related("term").get(pk=suggestion.session_id)
        )
        scope = Suggestion.objects.filter(session=session)
        term_number, session_number = session.term.number, session.number
    else:
        term = Term.objects.select_for_update().get(pk=suggestion.term_id)
        scope = Suggestion.objects.filter(term=term, session__isnull=True)
        term_number, session_number = term.number, None
    number = (scope.aggregate(top=Max("number"))["top"] or 0) + 1
    return number, proposal_code(
        term_number=term_number, session_number=session_number, number=number
    )


def next_motion_number(motion) -> tuple[int, str]:
    session = Session.objects.select_for_update().select_related("term").get(pk=motion.session_id)
    number = (Motion.objects.filter(session=session).aggregate(top=Max("number"))["top"] or 0) + 1
    return number, proposal_code(
        term_number=session.term.number, session_number=session.number, number=number, motion=True
    )
