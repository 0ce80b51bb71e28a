"""Login throttling: django-axes' database handler plus a ceiling per address across accounts.

Axes locks a (user name, address) pair after AXES_FAILURE_LIMIT failures, so a stranger cannot
lock a named deputy out for everyone: the deputy logging in from elsewhere is not affected. On
top, an address with LOGIN_FAILURE_LIMIT_PER_ADDRESS failures over any accounts within the
cool-off time is locked for every account — guessing passwords for many accounts from one
address is throttled too. Both counts are read from axes' AccessAttempt table (the database),
so they hold across app servers and without the cache. The address is
congress.kit.ratelimit.client_address (AXES_CLIENT_IP_CALLABLE).
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LoginGuardHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no types
    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return self.address_failures(request) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS

    def user_login_failed(
        self,
        sender: object,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # Axes answers with its lockout page when the failure it has just recorded reached its
        # own limit; the address ceiling is one more reason.
        if request is not None and not getattr(request, "axes_locked_out", False):
            ceiling = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
            if self.address_failures(request) >= ceiling:
                request.axes_locked_out = True  # type: ignore[attr-defined]
                request.axes_credentials = credentials  # type: ignore[attr-defined]

    @staticmethod
    def address_failures(request: HttpRequest) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
