"""Pseudonyms for people in the published site, for teams that share reports outside the
labeling team.

A pseudonym is a keyed hash (HMAC-SHA256) of the identity: the same person gets the same
pseudonym every night as long as the key stays the same, and nobody without the key can
confirm a guessed e-mail address by hashing it. The key comes from ``ANNOLYTICS_PSEUDONYM_KEY``
or, when that is unset, from a random key kept beside the warehouse (never in the site).

Identities are replaced wherever they appear in a query result: as a whole value, and inside
text (alert evidence, "a | b" pair names, comments). Pure-number identities (tool user ids)
are replaced only as whole values of the person columns below, since inside text they cannot
be told from counts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PERSON_COLUMNS = frozenset(
    {"annotator", "person", "reviewer", "author", "editor", "top_editor", "actor", "subject"}
)
# Columns that name a person by the tools' own ids and usernames: withheld under pseudonyms (a
# username is often the person's name, and no pseudonym stands for it).
WITHHELD_COLUMNS = frozenset({"tool_ids"})
_CODE_LENGTH = 6


def pseudonym_key(warehouse: Path, configured: str = "") -> bytes:
    """The configured key (ANNOLYTICS_PSEUDONYM_KEY), else the one kept beside the warehouse
    (created on first use)."""
    if configured:
        return configured.encode()
    path = warehouse.with_name(warehouse.name + ".pseudonym-key")
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _code(key: bytes, identity: str, length: int) -> str:
    digest = hmac.new(key, identity.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:length]


class Pseudonyms:
    def __init__(self, identities: Iterable[str], key: bytes):
        people = sorted({i for i in identities if i})
        length = _CODE_LENGTH
        while True:  # lengthen the codes in the (very unlikely) case two people collide
            names = {person: f"Person {_code(key, person, length)}" for person in people}
            if len(set(names.values())) == len(names):
                break
            length += 2
        self._names = names
        wordy = sorted((p for p in people if not p.isdigit()), key=len, reverse=True)
        # Not inside a longer identity or word: "ann" must not match inside "joann@x" or "anne".
        self._in_text = (
            re.compile(r"(?<![\w.@+-])(?:" + "|".join(map(re.escape, wordy)) + r")(?![\w@+-]|\.\w)")
            if wordy
            else None
        )

    @property
    def fingerprint(self) -> str:
        """Changes when anyone's pseudonym does or someone is added: text naming them changes."""
        mapping = "\n".join(f"{person}\t{name}" for person, name in sorted(self._names.items()))
        return hashlib.sha256(mapping.encode()).hexdigest()

    def name(self, identity: str) -> str:
        return self._names.get(identity, identity)

    def text(self, value: str) -> str:
        if value in self._names and not value.isdigit():
            return self._names[value]
        if self._in_text is None:
            return value
        return self._in_text.sub(lambda match: self._names[match.group(0)], value)

    def value(self, value: Any, column: str | None = None) -> Any:
        if column in WITHHELD_COLUMNS:
            return None
        if isinstance(value, str):
            if column in PERSON_COLUMNS and value in self._names:
                return self._names[value]
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item, column) for item in value]
        if isinstance(value, dict):
            return self.row(value)
        return value

    def row(self, row: dict[str, Any]) -> dict[str, Any]:
        return {column: self.value(value, column) for column, value in row.items()}

    def rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self.row(row) for row in rows]
