"""Sealing small secrets at rest: what the database must keep but an insider reading it must
not (a secret ballot while its poll is open, a stored response to replay).

Keys are derived from SECRET_KEY with a label (HMAC-SHA256), so nothing in the database opens
them. AES-GCM (the `cryptography` package) both hides and authenticates: `aad` binds a sealed
value to the row it belongs to, so it cannot be moved to another row. The plaintext is padded
to a multiple of `block` bytes, so the length of what is stored does not tell what it says
(how many options a ballot chose, how long a response was).
"""
import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

BLOCK = 256
NONCE = 12


def derive(label):
    """A 32-byte key for `label`, from SECRET_KEY."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), label.encode(), hashlib.sha256).digest()


def seal(key, plaintext, aad, block=BLOCK):
    """`plaintext` (bytes) as text: a fresh nonce and its AES-GCM ciphertext, base64."""
    padded = plaintext + b"\x80" + b"\x00" * ((-len(plaintext) - 1) % block)
    nonce = os.urandom(NONCE)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, padded, aad)).decode()


def unseal(key, sealed, aad):
    """The plaintext `seal` was given; `cryptography.exceptions.InvalidTag` if the key, the
    row (`aad`) or a byte differs."""
    raw = base64.b64decode(sealed)
    padded = AESGCM(key).decrypt(raw[:NONCE], raw[NONCE:], aad)
    return padded[:padded.rindex(b"\x80")]
