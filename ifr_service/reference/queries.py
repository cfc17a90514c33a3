"""Reads of the reference data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from weakref import WeakKeyDictionary

from sqlmodel import select

from ifr_service import db
from ifr_service.errors import NotFound
from ifr_service.reference.models import Commissioner, CommissionerHub, Hub, Provider, Region
from ifr_service.text import quoted

# Reference data changes only by a release or `reference load` (which forgets this), so what a
# submission routes by and a case is described with (a commissioner, its hubs, a hub, a region) is read
# once per process and database, as copies belonging to no session.
_CACHED: WeakKeyDictionary = WeakKeyDictionary()


def _cached(key: tuple, load: Callable):
    cache = _CACHED.setdefault(db.session().get_bind(), {})
    if key not in cache:
        found = load()
        if found is None:
            return None  # not kept: a code nobody has is the caller's mistake, not reference data
        cache[key] = found
    return cache[key]


def _copy(row):
    return None if row is None else type(row)(**row.model_dump())


def forget_cached() -> None:
    """Forget the reference data read so far: `reference load` has changed it."""
    _CACHED.clear()


def find_hub(code: str) -> Hub | None:
    return db.session().exec(select(Hub).where(Hub.code == code)).first()


def get_hub(code: str) -> Hub:
    hub = find_hub(code)
    if hub is None:
        raise NotFound(f"There is no hub with the code {quoted(code)}.")
    return hub


def find_hubs() -> list[Hub]:
    return list(db.session().exec(select(Hub).order_by(Hub.name)))


def find_commissioner(code: str) -> Commissioner | None:
    return _cached(("commissioner", code), lambda: _copy(
        db.session().exec(select(Commissioner).where(Commissioner.code == code)).first()))


def find_commissioners(on: date | None = None) -> list[Commissioner]:
    rows = db.session().exec(select(Commissioner).order_by(Commissioner.name))
    return [row for row in rows if on is None or row.is_valid_on(on)]


def find_hub_for_commissioner(commissioner: Commissioner, on: date) -> Hub | None:
    """The hub serving a commissioner's patients on a given day (the latest membership wins)."""
    memberships = _cached(("memberships", commissioner.id), lambda: [_copy(row) for row in db.session().exec(
        select(CommissionerHub).where(CommissionerHub.commissioner_id == commissioner.id)
        .order_by(CommissionerHub.valid_from.desc())
    )])
    for membership in memberships:
        if membership.is_valid_on(on):
            return get_hub_by_id(membership.hub_id)
    return None


def find_region(code: str) -> Region | None:
    return db.session().exec(select(Region).where(Region.code == code)).first()


def find_regions() -> list[Region]:
    return list(db.session().exec(select(Region).order_by(Region.name)))


def get_region(region_id: int) -> Region:
    return _cached(("region", region_id), lambda: _copy(db.session().get(Region, region_id)))


def get_hub_by_id(hub_id: int) -> Hub:
    return _cached(("hub", hub_id), lambda: _copy(db.session().get(Hub, hub_id)))


def find_organisation(model: type[Region | Hub | Commissioner], row_id: int | None) -> dict | None:
    """A region, hub or commissioner as {code, name}, or None when not yet set."""
    if row_id is None:
        return None
    row = _cached((model.__tablename__, row_id), lambda: _copy(db.session().get(model, row_id)))
    return None if row is None else {"code": row.code, "name": row.name}


def find_provider(code: str) -> Provider | None:
    return db.session().exec(select(Provider).where(Provider.code == code)).first()


def find_providers() -> list[Provider]:
    return list(db.session().exec(select(Provider).order_by(Provider.name)))


def find_provider_names(codes: Iterable[str | None]) -> dict[str, str]:
    """The names of the providers (trusts) with these ODS codes, in one query; a code the reference
    data does not hold is left out, and shown as it is."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    query = select(Provider.code, Provider.name).where(Provider.code.in_(wanted))
    return dict(db.session().exec(query).all())
