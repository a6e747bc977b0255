"""Where a click on a tracked link may lead: only to a link the company put in that message.

The click token is signed, so nobody can make one without the secret; this is the second lock behind
that one. A token names a touch and a URL, and the redirect follows it only if the URL is one of the
links the outbox tracked in that touch (``Outbox.links_in``). A leaked or development secret, or a bug
that signs the wrong link, then still cannot send a reader to a page a lead or an attacker chose.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.orm import Session

from agent.db.models import Touch
from agent.db.repositories.touches import TouchRepository
from agent.signing import link_key


class TrackedLinks(Protocol):
    """What the check needs of the outbox (``agent.outbox.Outbox``): the same rule it tracked by."""

    def links_in(self, touch: Touch) -> tuple[str, ...]: ...

    def own_links(self) -> Iterable[str]: ...


def may_redirect(session: Session, outbox: TrackedLinks, touch_id: uuid.UUID, url: str) -> bool:
    """Whether the click redirect for ``touch_id`` may send the reader to ``url``.

    A touch erased with its lead (the lead asked to be forgotten) leaves only the company's own links
    working: the reader of an old email can still reach the company's pages, and nothing else.
    """
    touch = TouchRepository(session).get(touch_id)
    if touch is None:
        return link_key(url) in {link_key(own) for own in outbox.own_links()}
    return url in outbox.links_in(touch)
