"""Sealing a ballot's marks while it waits in the pool (AES-256-GCM).

The key is derived from `BALLOT_SEAL_KEY` (or, when that is empty, from `SECRET_KEY`), never
stored in the database: a copy of the database or a backup holds only ciphertext for the ballots
still waiting, each padded to one length per poll so that its size says nothing of the marks.
Earlier keys (`BALLOT_SEAL_KEY_FALLBACKS`, or `SECRET_KEY_FALLBACKS`) still open what they sealed.
"""

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from supervision import rules

NONCE_BYTES = 12
BLOCK = 64


class SealBroken(Exception):
    """A sealed ballot that no configured key opens."""


def _secrets() -> list[str]:
    if getattr(settings, "BALLOT_SEAL_KEY", ""):
        return [settings.BALLOT_SEAL_KEY, *getattr(settings, "BALLOT_SEAL_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _key(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"renda ballot seal v1"
    ).derive(secret.encode())


def padded_size(option_ids, method) -> int:
    """One plaintext length for every ballot of a poll: that of the longest valid ballot."""
    longest = max((len(code) for code in rules.grade_codes(method)), default=3)
    widest = json.dumps({str(pk): "x" * longest for pk in option_ids})
    return (len(widest) // BLOCK + 1) * BLOCK


def seal(poll_id: int, marks: dict, size: int) -> bytes:
    plain = json.dumps(marks, sort_keys=True).encode()
    plain += b" " * max(0, size - len(plain))
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key(_secrets()[0])).encrypt(nonce, plain, str(poll_id).encode())


def unseal(poll_id: int, sealed: bytes | memoryview) -> dict:
    sealed = bytes(sealed)
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    for secret in _secrets():
        try:
            plain = AESGCM(_key(secret)).decrypt(nonce, body, str(poll_id).encode())
        except InvalidTag:
            continue
        return json.loads(plain)
    raise SealBroken("no configured BALLOT_SEAL_KEY opens this ballot")
