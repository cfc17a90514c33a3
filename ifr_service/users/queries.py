"""Reads of users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import delete, or_, select, update

from ifr_service import db
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.reference.models import Hub
from ifr_service.text import quoted, shortened
from ifr_service.users.models import ApiClient, PageSession, User


def find_user(username: str) -> User | None:
    return db.session().exec(select(User).where(User.username == username)).first()


def get_user_by_id(user_id: int) -> User:
    return db.session().get(User, user_id)


def find_hub_staff(hub_id: int, role: str, leads_only: bool = False) -> list[User]:
    query = select(User).where(User.hub_id == hub_id, User.role == role, User.is_active)
    if leads_only:
        query = query.where(User.leads_hub)
    return list(db.session().exec(query.order_by(User.id)))


def set_hub_leads(hub_id: int, usernames: list[str]) -> list[User]:
    """Make exactly these case officers of the hub its IFR leads."""
    officers = {user.username: user for user in find_hub_staff(hub_id, "case_officer")}
    unknown = sorted(set(usernames) - set(officers))
    if unknown:
        raise ValidationFailed({"usernames": "Not case officers of this hub: "
                                             f"{shortened(', '.join(unknown), 200)}."})
    for username, user in officers.items():
        user.leads_hub = username in usernames
    db.session().flush()
    return [officers[username] for username in sorted(set(usernames))]


SYSTEM_USERNAME = "ifr-service"


def get_system_user() -> User:
    """The service itself, as the actor of what a clock makes happen."""
    user = find_user(SYSTEM_USERNAME)
    if user is None:  # made on first need; two first needs at once make it once
        user = User(username=SYSTEM_USERNAME, display_name="ifr-service (automatic)",
                    email="ifr-service@nhs.net", role="system")
        if not db.insert_once(user):
            user = find_user(SYSTEM_USERNAME)
    return user


def create_user(user: User) -> User:
    db.session().add(user)
    db.session().flush()
    return user


def find_users() -> list[User]:
    return list(db.session().exec(select(User).order_by(User.role, User.display_name)))


def find_user_ignoring_case(username: str) -> User | None:
    return db.session().exec(select(User).where(func.lower(User.username) == username.lower())).first()


def find_people(words: str = "", role: str | None = None, limit: int | None = None) -> list[User]:
    """The people of the service (not the service itself, nor registered systems), by name:
    those whose name, username or email holds `words`, of `role` if given; at most `limit`."""
    query = select(User).where(User.role != "system", ~User.username.startswith("client:"))
    if words:
        query = query.where(or_(*(func.lower(column).contains(words.lower(), autoescape=True)
                                  for column in (User.display_name, User.username, User.email))))
    if role:
        query = query.where(User.role == role)
    return list(db.session().exec(query.order_by(User.display_name, User.username).limit(limit)))


def count_people_by_role() -> dict[tuple[str, bool], int]:
    """How many people hold each role, switched on (True) and off (False)."""
    query = (select(User.role, User.is_active, func.count())
             .where(User.role != "system", ~User.username.startswith("client:"))
             .group_by(User.role, User.is_active))
    return {(role, active): count for role, active, count in db.session().exec(query)}


def count_active_users(role: str) -> int:
    return db.session().exec(select(func.count()).where(User.role == role, User.is_active)).one()


def flush() -> None:
    db.session().flush()


def find_api_client(client_id: str) -> ApiClient | None:
    return db.session().exec(select(ApiClient).where(ApiClient.client_id == client_id)).first()


def get_api_client(client_id: str) -> ApiClient:
    client = find_api_client(client_id)
    if client is None:
        raise NotFound(f"There is no API client {quoted(client_id)}.", field="client_id")
    return client


def find_api_clients() -> list[tuple[ApiClient, User]]:
    """Every registered system with the user it acts as, newest first."""
    query = select(ApiClient, User).join(User, ApiClient.user_id == User.id)
    return list(db.session().exec(query.order_by(ApiClient.created_utc.desc(), ApiClient.id.desc())))


def create_api_client(client: ApiClient) -> ApiClient:
    db.session().add(client)
    db.session().flush()
    return client


def create_page_session(page_session: PageSession) -> PageSession:
    db.session().add(page_session)
    db.session().flush()
    return page_session


def find_page_session(token_hash: str) -> PageSession | None:
    """The sign-in, read with its person and their hub in the same round trip: every page reads the
    person next, and a hub's pages their hub, which then come from the session's identity map
    (`get_user_by_id`, `get_hub_by_id`). The identity map holds rows weakly, so the two are kept
    with the session until its unit of work ends."""
    query = (select(PageSession, User, Hub).join(User, User.id == PageSession.user_id)
             .outerjoin(Hub, Hub.id == User.hub_id).where(PageSession.token_hash == token_hash))
    row = db.session().exec(query).first()
    if row is None:
        return None
    db.session().info.setdefault("signed_in", []).extend(row[1:])
    return row[0]


def end_page_sessions(user_id: int, ended_utc: datetime, token_hash: str | None = None) -> None:
    """End the user's open sessions: the one with this token (this browser), or all of them."""
    query = update(PageSession).where(PageSession.user_id == user_id, PageSession.ended_utc.is_(None))
    if token_hash is not None:
        query = query.where(PageSession.token_hash == token_hash)
    db.session().exec(query.values(ended_utc=ended_utc))


def delete_page_sessions_before(user_id: int, signed_in_before: datetime) -> None:
    """Forget the user's sessions that have ended or are past the absolute limit anyway."""
    db.session().exec(delete(PageSession).where(
        PageSession.user_id == user_id,
        or_(PageSession.ended_utc.is_not(None), PageSession.signed_in_utc < signed_in_before)))
