"""Shortcuts that walk a suggestion through the services to a given state."""

import datetime

from proposals.handling import services as handling_services
from proposals.models import Suggestion
from proposals.suggestions import services as suggestion_services


def draft(*, lead, session, category, by, title="关于加快农村道路亮化设施建设的建议"):
    return suggestion_services.suggestion_create_draft(
        lead=lead,
        title=title,
        body="农村道路夜间照明不足，建议加快建设。",
        category=category,
        session=session,
        by=by,
    )


def submitted(**kwargs):
    suggestion = draft(**kwargs)
    return suggestion_services.suggestion_submit(suggestion=suggestion, by=kwargs["by"])


def registered(**kwargs):
    suggestion = submitted(**kwargs)
    return suggestion_services.suggestion_register(suggestion=suggestion, by=kwargs["by"])


def assigned(*, unit, co_units=(), on=datetime.date(2022, 3, 18), **kwargs):
    suggestion = registered(**kwargs)
    handling_services.suggestion_assign(
        suggestion=suggestion, lead_unit=unit, co_units=co_units, by=kwargs["by"], on=on
    )
    return Suggestion.objects.get(pk=suggestion.pk)


def replied(*, unit, reply_class="A", **kwargs):
    suggestion = assigned(unit=unit, **kwargs)
    reply = handling_services.reply_record(
        suggestion=suggestion,
        organisation=unit,
        reply_class=reply_class,
        text="已列入计划并实施。",
        by=kwargs["by"],
        replied_on=datetime.date(2022, 6, 10),
        # A class B reply promises a completion date, a class C one gives its reasons.
        promised_by=datetime.date(2022, 10, 31) if reply_class == "B" else None,
        reasons="受资金条件限制，暂难实施。" if reply_class == "C" else "",
    )
    return Suggestion.objects.get(pk=suggestion.pk), reply
