"""What a person typed is not lost when their sign-in ends before they send it.

A form posted to a page after the sender's sign-in went idle (or passed its absolute limit) is not
acted on: it is kept on the server, for the person the ended sign-in belonged to, for
SAVED_FORM_MINUTES (30 by default). The browser's session cookie carries only a random token naming
it; the row keeps the token's SHA-256, whose answers they are, where they were sent and when they
expire. Signed in again, its owner is shown the answers and sends them again, with a fresh CSRF token,
only if they choose to (`/saved-answers`).

The rules, as an attacker would try them:
- only a form posted with this service's CSRF token, from a browser whose sign-in ended by time (not
  by signing out) and whose person is still active, is kept; someone never signed in keeps nothing;
- another person signing in on the same browser never sees it: it is deleted when they sign in;
- it expires, is replaced by the person's next kept form (one each), and is deleted when it is sent
  again, discarded, or its owner signs out; the clock sweep deletes expired ones, so that what was
  typed (patients' details, often) stays no longer than SAVED_FORM_MINUTES and a sweep's interval;
- it is bounded: at most SAVED_FORM_MAX_FIELDS fields and SAVED_FORM_MAX_BYTES of answers; larger
  ones are not kept. A file's bytes are never kept (the person chooses the file again).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, request, session
from sqlmodel import Field, SQLModel, delete, select

from ifr_service import db
from ifr_service.db import as_utc, utc_now

SAVED_FORM_MAX_BYTES = 64 * 1024  # far more than any form here holds typed; less than a cookie would carry
SAVED_FORM_MAX_FIELDS = 500
NEVER_KEPT = {"csrf_token"}  # the old page's token: a fresh one is given when the form is sent again
SESSION_KEY = "saved_form"


class SavedForm(SQLModel, table=True):
    """A form posted after its sender's sign-in ended, kept for them to send again."""

    __tablename__ = "saved_form"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    path: str = Field(max_length=2000)  # where it was posted: this service's own address
    fields: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON: [[name, value], ...]
    files_left_out: bool = False
    saved_utc: datetime = Field(default_factory=utc_now)
    expires_utc: datetime = Field(index=True)

    @property
    def answers(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in json.loads(self.fields)]

    def has_expired(self, now: datetime) -> bool:
        return as_utc(self.expires_utc) <= now


def keep_posted_form(user_id: int) -> bool:
    """Keep the form this request posts for `user_id`, naming it in this browser's session. Returns
    whether it was kept (not when it holds nothing, or more than the limits)."""
    answers = [(name, value) for name, value in request.form.items(multi=True) if name not in NEVER_KEPT]
    text = json.dumps(answers)
    path = request.full_path.removesuffix("?")
    if not answers or len(answers) > SAVED_FORM_MAX_FIELDS or len(text.encode()) > SAVED_FORM_MAX_BYTES \
            or len(path) > 2000 or not path.startswith("/") or path.startswith("//"):
        return False  # too much to keep, or an address that is not plainly this service's own
    now, token = utc_now(), secrets.token_urlsafe(32)
    minutes = current_app.config["IFR"].saved_form_minutes
    _forget(SavedForm.expires_utc <= now)
    _forget(SavedForm.user_id == user_id)  # one each: the latest
    db.session().add(SavedForm(token_hash=_hash(token), user_id=user_id, path=path, fields=text,
                               files_left_out=any(file.filename for file in request.files.values()),
                               saved_utc=now, expires_utc=now + timedelta(minutes=minutes)))
    db.session().flush()
    session[SESSION_KEY] = token
    return True


def kept_in_this_browser() -> SavedForm | None:
    """The unexpired form this browser's session names, whoever's it is (to say that it was kept)."""
    token = session.get(SESSION_KEY)
    saved = _find(token) if isinstance(token, str) else None
    return saved if saved is not None and not saved.has_expired(utc_now()) else None


def saved_form_for(user_id: int) -> SavedForm | None:
    """The form this browser kept for this person, if it has not expired; never another's."""
    saved = kept_in_this_browser()
    return saved if saved is not None and saved.user_id == user_id else None


def carry_over_sign_in(token: object, user_id: int) -> bool:
    """At sign-in (the session is new): the form the browser had kept goes on for the person it belongs
    to; anyone else's, or an expired one, is deleted. Returns whether there is one to offer."""
    saved = _find(token) if isinstance(token, str) else None
    if saved is None:
        return False
    if saved.user_id != user_id or saved.has_expired(utc_now()):
        _forget(SavedForm.id == saved.id)
        return False
    session[SESSION_KEY] = token
    return True


def note_sent_again(user_id: int) -> None:
    """A form posted by its signed-in owner to the address the kept one was sent to replaces it."""
    saved = saved_form_for(user_id)
    if saved is not None and saved.path.partition("?")[0] == request.path:
        forget_saved_forms(user_id)


def forget_saved_forms(user_id: int) -> None:
    """Delete the person's kept form (discarded, sent again, or they signed out)."""
    _forget(SavedForm.user_id == user_id)
    session.pop(SESSION_KEY, None)


def forget_expired_saved_forms() -> int:
    """Delete every expired kept form. Run by the clock sweep, in a unit of work of its own; returns how
    many it deleted."""
    from ifr_service.runtime import runtime

    with db.unit_of_work(runtime().engine):
        expired = db.session().exec(select(SavedForm.id).where(SavedForm.expires_utc <= utc_now())).all()
        if expired:
            _forget(SavedForm.id.in_(expired))
        return len(expired)


def _find(token: str) -> SavedForm | None:
    return db.session().exec(select(SavedForm).where(SavedForm.token_hash == _hash(token))).first()


def _forget(condition) -> None:
    db.session().exec(delete(SavedForm).where(condition))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
