"""What the steps of a deputy's activity and a station's reception session are called (the
timeline's vocabulary, congress/kit/events.py). Their codes were written namespaced from the start
("activity.recorded"); they are kept as stored."""

from django.utils.translation import pgettext_lazy

from congress.kit.events import TimelineEvent, register_events


class ActivityEvent(TimelineEvent):
    RECORDED = "activity.recorded", pgettext_lazy("timeline event", "Activity recorded")
    VERIFIED = "activity.verified", pgettext_lazy("timeline event", "Activity verified")


class ReceptionSessionEvent(TimelineEvent):
    OPENED = "reception_session.opened", pgettext_lazy("timeline event", "Reception opened")
    EXTENDED = "reception_session.extended", pgettext_lazy("timeline event", "Reception extended")
    CLOSED = "reception_session.closed", pgettext_lazy("timeline event", "Reception closed")


register_events("deputies.activity", ActivityEvent)
register_events("deputies.receptionsession", ReceptionSessionEvent)
