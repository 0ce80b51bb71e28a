"""The inbox (站内信), the preferences page and the short links texts carry.

Every logged-in person has an inbox at /notices/: deputies reach it from their workspace's
navigation (with the unread count), unit clerks from the back office's front page.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from congress.kit.rules import rule
from congress.notices.delivery import user_phone
from congress.notices.forms import PreferencesForm
from congress.notices.models import Notice, ShortLink


@never_cache
@login_required
def inbox(request):
    notices = Notice.objects.filter(user=request.user).only(
        "subject", "body", "url", "event", "created_at", "read_at"
    )
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/inbox.html",
        {
            "page_obj": page,
            "notices": page.object_list,
            "unread": Notice.objects.filter(user=request.user).unread().count(),
            "is_deputy": hasattr(request.user, "deputy"),
        },
    )


@require_POST
@login_required
def mark_read(request, pk):
    notice = get_object_or_404(Notice, pk=pk, user=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    if request.POST.get("open") and _safe(request, notice.url):
        return HttpResponseRedirect(notice.url)
    return redirect("notices:inbox")


@require_POST
@login_required
def mark_all_read(request):
    count = Notice.objects.filter(user=request.user).unread().update(read_at=timezone.now())
    if count:
        messages.success(request, _("All notices are marked as read."))
    return redirect("notices:inbox")


@never_cache
@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choices are saved."))
        return redirect("notices:preferences")
    return render(
        request,
        "notices/preferences.html",
        {
            "form": form,
            "rows": form.rows(),
            "has_phone": bool(user_phone(request.user)),
            "is_deputy": hasattr(request.user, "deputy"),
        },
    )


@never_cache
def short_link(request, code):
    """/n/<code>/: the action a text points to, after the login it needs. Unknown, or older
    than SHORT_LINK_DAYS days (a forwarded text, a lost phone) → 404."""
    oldest = timezone.now() - datetime.timedelta(days=rule("SHORT_LINK_DAYS"))
    link = ShortLink.objects.filter(code=code, created_at__gte=oldest).first()
    if link is None or not _safe(request, link.target):
        raise Http404
    if link.login and not request.user.is_authenticated:
        return redirect_to_login(link.target)
    return HttpResponseRedirect(link.target)


def _safe(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
