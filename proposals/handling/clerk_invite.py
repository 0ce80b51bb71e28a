"""Inviting a handling-unit clerk (承办单位经办人) from the unit's admin page.

Staff give a user name, a name and an e-mail address; the service creates the login (staff flag,
the unit-clerk group, a UnitMembership for the unit, no usable password yet) and mails a link to
Django's own set-password page (the password-reset machinery: a one-time token that expires after
PASSWORD_RESET_TIMEOUT). What a clerk may see follows from the membership (proposals.admin)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from congress.kit.errors import DomainError
from congress.models import Organisation
from proposals.models import UnitMembership

# A group, so that staff can find every clerk in the user list and grant them more in one place.
UNIT_CLERK_GROUP = "承办单位经办人"


def set_password_link(user, *, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )


def unit_clerk_invite(
    *, organisation: Organisation, username: str, email: str, full_name: str, base_url: str, by
):
    """Create a clerk's login for the unit and mail them a link to choose their password."""
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError(_("The user name %(name)s is taken.") % {"name": username})
        user = User(username=username, email=email, first_name=full_name, is_staff=True)
        user.set_unusable_password()
        user.save()
        group, _created = Group.objects.get_or_create(name=UNIT_CLERK_GROUP)
        user.groups.add(group)
        UnitMembership.objects.create(user=user, organisation=organisation)
        link = set_password_link(user, base_url=base_url)
        subject = _("Your login for the handling unit %(unit)s") % {"unit": organisation.name}
        body = _(
            "%(by)s has made you a login to answer for %(unit)s on the congress platform.\n\n"
            "User name: %(username)s\n"
            "Choose your password here (the link works once and expires): %(link)s\n\n"
            "Then log in at %(login)s"
        ) % {
            "by": by.get_full_name() or by.get_username(),
            "unit": organisation.name,
            "username": username,
            "link": link,
            "login": base_url.rstrip("/") + reverse("admin:login"),
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]), robust=True)
    return user
