"""A question a person answers, served by the site itself: what limits ask instead of refusing.

A rate limit that refuses is a switch anyone can flip: fill a station's quota from a few
addresses and the genuine resident behind them is turned away. Beyond a limit the forms ask
this instead: a small sum in words and digits ("3 加 5 等于几？"), no third-party service, no
JavaScript. It does not stop a determined program — nothing served by the site can — but it
turns a flood into work per message, while a person is never shut out.

The question travels in a signed, time-limited token (django.core.signing); each token is
good for one answer (remembered in the shared cache for as long as it is valid; without a
reachable cache a correct answer is accepted, like the rate limits themselves fail open).
"""

import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from congress.kit.sharedcache import shared

SALT = "congress.kit.challenge"
MAX_AGE = 15 * 60  # seconds a question stays answerable


@dataclass(frozen=True)
class Challenge:
    token: str
    question: str


def new() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(8)}, salt=SALT, compress=True)
    return Challenge(token, _("What is %(a)s plus %(b)s?") % {"a": a, "b": b})


def passed(token: str, answer: str) -> bool:
    """True once for a valid, unexpired token and the right sum."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
        expected = int(data["a"]) + int(data["b"])
        nonce = str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    answer = (answer or "").strip().translate(_FULL_WIDTH)
    if not answer.isdigit() or int(answer) != expected:
        return False
    if not shared.available():
        return True  # no cache to remember used tokens: accept, like the limits fail open
    return shared.add(f"challenge:used:{nonce}", 1, MAX_AGE + 60) or not shared.available()


# Phones with a Chinese keyboard often type full-width digits.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
