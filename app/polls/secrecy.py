"""How a ballot is kept so that it counts once and, in a secret poll, stays secret (README:
Polls → Secrecy).

- `ballot_key`: the ballot's primary key, a keyed hash of poll and voter. The database refuses
  a second ballot from one voter; the server finds a voter's ballot again (to change it, to
  show it to its caster); no column joins a ballot to its voter.
- `stored` / `contents`: a real-name ballot keeps its choices and tracker in clear; a secret
  one keeps them, with who cast it, sealed under a per-poll key derived from SECRET_KEY, until
  the close erases them.
- `new_code`: receipts (回执码) and trackers (核对码), drawn independently, so neither tells the
  other.
"""
import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from flask import current_app

from app.errors import ApiError, invalid
from app.sealing import derive, seal, unseal

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
CODE_LENGTH = 10
_FROM_BASE32 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CODE_ALPHABET)


def new_code():
    """CODE_LENGTH characters of CODE_ALPHABET, five random bits each (50 bits), from one read of
    the system's random source: base32 of random bytes, spelled in our alphabet. Drawing each
    character on its own read the source about forty times per ballot."""
    return base64.b32encode(secrets.token_bytes(7)).decode()[:CODE_LENGTH].translate(_FROM_BASE32)


def key_check():
    """A fingerprint of SECRET_KEY, stored on the poll when it opens."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"poll-ballot-key", hashlib.sha256).hexdigest()[:16]


def _same_key(poll):
    """A SECRET_KEY changed while the poll is open would let every voter vote again and leaves
    its sealed ballots unreadable: voting and counting stop (503) until the old key is back."""
    if poll.key_check != key_check():
        current_app.logger.error("SECRET_KEY changed while poll %s is open; voting and counting stopped", poll.id)
        raise ApiError(503, "ballot_key_changed", "系统配置变更，投票和计票暂停，请联系社区")


def ballot_key(poll, voter_key):
    """The ballot's primary key."""
    _same_key(poll)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"ballot:{poll.id}:{voter_key}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Contents:
    choices: dict
    tracker: str | None
    caster_id: int | None  # secret polls: the member who cast it (None: entered on paper)


def _seal_key(poll):
    _same_key(poll)
    return derive(f"ballot-seal:{poll.id}")


def stored(poll, ballot_id, choices, tracker, caster_id):
    """The columns that hold a ballot's contents."""
    if not poll.secret:
        return {"choices": choices, "tracker": tracker, "sealed": None}
    plaintext = json.dumps({"choices": choices, "tracker": tracker, "caster_id": caster_id}).encode()
    return {"choices": None, "tracker": None, "sealed": seal(_seal_key(poll), plaintext, ballot_id.encode())}


def contents(poll, ballot):
    """What the ballot says, or None once the close has erased it."""
    if ballot.sealed is not None:
        return Contents(**json.loads(unseal(_seal_key(poll), ballot.sealed, ballot.id.encode())))
    if ballot.choices is not None:
        return Contents(ballot.choices, ballot.tracker, None)
    return None


PAPER_CODE_LETTERS = 8  # 40 bits: a mistyped or made-up code does not check


def paper_code(poll_id, household_id):
    """The code printed on a household's paper ballot (选票编码, app/printing/polls.py): poll,
    household and a MAC under a key derived from SECRET_KEY. Scanned when the ballot is entered,
    it names the household, so a ballot cannot be entered for the neighbour next on the list; a
    code of another poll, or one that does not check, is refused. Derived, never stored; it
    says no more than the address printed beside it, and nothing of the receipt or tracker,
    which are drawn at random."""
    mac = hmac.new(derive("paper-ballot-code"), f"{poll_id}:{household_id}".encode(), hashlib.sha256).digest()
    letters = "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in mac[:PAPER_CODE_LETTERS])
    return f"{poll_id}-{household_id}-{letters}"


def household_of_paper_code(poll, code):
    """The household id a scanned ballot code names, for `poll` (422 otherwise)."""
    parts = code.strip().upper().split("-")
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts[:2]):
        raise invalid("ballot_code", "选票编码无效，请重新扫描", code="invalid_ballot_code")
    poll_id, household_id = int(parts[0]), int(parts[1])
    if not hmac.compare_digest("-".join(parts).encode(), paper_code(poll_id, household_id).encode()):
        raise invalid("ballot_code", "选票编码无效，请重新扫描", code="invalid_ballot_code")
    if poll_id != poll.id:
        raise invalid("ballot_code", "这张选票属于另一次表决，不能录入本次表决", code="ballot_code_other_poll")
    return household_id
