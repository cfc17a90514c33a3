"""Reads of users."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.users.models import User


def find_user(username: str) -> User | None:
    return db.session().exec(select(User).where(User.username == username)).first()


def create_user(user: User) -> User:
    db.session().add(user)
    db.session().flush()
    return user
