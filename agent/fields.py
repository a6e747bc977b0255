"""What a stored text field may hold: its length (its database column's) and its characters.

One source of truth for lengths: ``agent/db/models.py`` sizes its columns with these numbers and
``api/schemas.py`` validates with the same ones, so the API never accepts a value the database would
refuse (``tests/api/test_field_limits.py`` walks every API field stored in a column and compares).

Characters. PostgreSQL text cannot hold NUL (U+0000), and a lone surrogate (U+D800-U+DFFF) is not
text at all (it has no UTF-8 encoding), so both are refused at the edge with the field named, on every
database alike. A field that ends up in an email header (a name in the To line, a subject) must also
be one line: a CR or LF there would make the message unsendable, or add a header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

EMAIL = 320  # RFC 5321's 64 + 1 + 255
PHONE = 32
PERSON_NAME = 100  # a lead's first or last name
COMPANY = 200
ROLE = 120
SLUG = 60  # an industry, a source, a sequence
TIMEZONE = 64
SUBJECT = 300
TASK_TITLE = 300  # a task's one-line title, shown in the rep's list
IDEMPOTENCY_KEY = 200  # the column: a client's key is stored with a prefix ("inquiry:", "event:")
CLIENT_IDEMPOTENCY_KEY = 150  # what a client may send, leaving room for the prefix

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _unstorable_character(value: str) -> str | None:
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group(0) == "\x00":
        return "a NUL character (U+0000)"
    return f"a lone surrogate (U+{ord(found.group(0)):04X}, not valid Unicode)"


def unstorable(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL, a lone surrogate), or None when it can."""
    found = _unstorable_character(value)
    return f"contains {found}; remove it" if found else None


def unstorable_within(value: object) -> str | None:
    """``unstorable`` for a value and everything nested in it (a JSON payload's keys and values),
    saying where: ``"contains a NUL character (U+0000) at note.text; remove it"``. Iterative: a
    payload nested a thousand deep is walked like a flat one."""
    pending: list[tuple[object, str]] = [(value, "")]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            found = _unstorable_character(item)
            if found is not None:
                return f"contains {found} at {where}; remove it" if where else f"contains {found}; remove it"
        elif isinstance(item, Mapping):
            for key, child in reversed(list(item.items())):
                name = str(key)
                if _unstorable_character(name):
                    readable = name.encode("unicode_escape").decode("ascii")
                    pending.append((name, f"the key {where + '.' if where else ''}{readable}"))
                pending.append((child, f"{where}.{name}" if where else name))
        elif isinstance(item, Sequence) and not isinstance(item, bytes | bytearray):
            pending.extend((child, f"{where}[{index}]") for index, child in reversed(list(enumerate(item))))
    return None


def not_one_line(value: str) -> str | None:
    """Why ``value`` cannot go into an email header as it is (a line break, a control character)."""
    problem = unstorable(value)
    if problem is not None:
        return problem
    if _LINE_BREAK.search(value):
        return "must be one line: remove the line break"
    control = _CONTROL.search(value)
    if control is not None:
        return f"contains a control character (U+{ord(control.group(0)):04X}); remove it"
    return None


def one_line(value: str) -> str:
    """``value`` made safe for a header: line breaks and runs of spaces become one space, control
    characters go. For text stored before it was checked (an import, an old row): better a name on one
    line than a message that can never be sent."""
    spaced = " ".join(_LINE_BREAK.sub(" ", value).split())
    return _UNSTORABLE.sub("", _CONTROL.sub("", spaced))
