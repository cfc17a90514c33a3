"""The suite's app lives for the whole session and keeps its users and panel seats between tests:
a test that adds, changes or switches off people puts them back as they were afterwards."""

from __future__ import annotations

import pytest
from sqlmodel import delete, select

from ifr_service import db
from ifr_service.panels.models import PanelMember
from ifr_service.users.models import ApiClient, PageSession, User

USER_FIELDS = ("display_name", "email", "role", "organisation_code", "organisation_name", "hub_id",
               "region_id", "leads_hub", "managed_here", "is_active")


@pytest.fixture
def restore_people(in_db):
    def snapshot():
        users = {user.id: {name: getattr(user, name) for name in USER_FIELDS}
                 for user in db.session().exec(select(User))}
        seats = {member.id: (member.panel_role, member.is_active)
                 for member in db.session().exec(select(PanelMember))}
        return users, seats

    users, seats = in_db(snapshot)
    yield

    def restore():
        session = db.session()
        session.exec(delete(PanelMember).where(PanelMember.id.not_in(list(seats))))
        for member in session.exec(select(PanelMember)):
            member.panel_role, member.is_active = seats[member.id]
        added = [user.id for user in session.exec(select(User)) if user.id not in users]
        if added:
            session.exec(delete(PageSession).where(PageSession.user_id.in_(added)))
            session.exec(delete(ApiClient).where(ApiClient.user_id.in_(added)))
            session.exec(delete(User).where(User.id.in_(added)))
        for user in session.exec(select(User)):
            for name, value in users[user.id].items():
                setattr(user, name, value)

    in_db(restore)
