"""Reads and writes of policy items, their events and the policy library."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.queries import allocate_reference_number
from ifr_service.errors import NotFound
from ifr_service.policy.models import Policy, PolicyEvent, PolicyIntervention, PolicyItem
from ifr_service.reference.models import ClinicalReferenceGroup
from ifr_service.text import shortened
from ifr_service.users.models import Role, User

# A treatment has a handful of policies at most (one per indication); more is a library to tidy,
# and matching never reads without a bound.
MATCH_LIMIT = 200


def find_item(intervention_key: str, icd10_category: str, for_update: bool = False) -> PolicyItem | None:
    query = select(PolicyItem).where(PolicyItem.intervention_key == intervention_key,
                                     PolicyItem.icd10_category == icd10_category)
    return db.session().exec(query.with_for_update() if for_update else query).first()


def find_item_references(cohorts: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The reference of each cohort's item, for those of the (intervention key, ICD-10 category)
    pairs that are filed."""
    if not cohorts:
        return {}
    keys = {key for key, _ in cohorts}
    query = select(PolicyItem.intervention_key, PolicyItem.icd10_category, PolicyItem.reference).where(
        PolicyItem.intervention_key.in_(keys))
    wanted = set(cohorts)
    return {(key, category): reference for key, category, reference in db.session().exec(query)
            if (key, category) in wanted}


def get_item(reference: str, for_update: bool = False) -> PolicyItem:
    query = select(PolicyItem).where(PolicyItem.reference == reference)
    item = db.session().exec(query.with_for_update() if for_update else query).first()
    if item is None:
        raise NotFound(f"There is no policy-development item {shortened(reference)}.", field="reference")
    return item


def find_items(state: str | None, page: int, page_size: int) -> tuple[list[PolicyItem], int]:
    """The queue, highest priority first."""
    where = [PolicyItem.state == state] if state else []
    total = db.session().exec(select(func.count()).select_from(PolicyItem).where(*where)).one()
    query = (select(PolicyItem).where(*where)
             .order_by(PolicyItem.priority_score.desc(), PolicyItem.id)
             .offset((page - 1) * page_size).limit(page_size))
    return list(db.session().exec(query)), total


def create_item_once(item: PolicyItem) -> bool:
    """Insert the item; False if its cohort's item was made meanwhile (the unique key clashed)."""
    return db.insert_once(item)


def allocate_number(year: int) -> int:
    return allocate_reference_number("policy", year)


def record_event(event: PolicyEvent) -> PolicyEvent:
    last = db.session().exec(select(func.max(PolicyEvent.sequence))
                             .where(PolicyEvent.item_id == event.item_id)).one()
    event.sequence = (last or 0) + 1
    db.session().add(event)
    db.session().flush()
    return event


def find_events(item: PolicyItem) -> list[PolicyEvent]:
    query = select(PolicyEvent).where(PolicyEvent.item_id == item.id).order_by(PolicyEvent.sequence)
    return list(db.session().exec(query))


def find_stage_entered(item: PolicyItem) -> PolicyEvent | None:
    """The event by which the item entered the state it is in (the latest move into it)."""
    moved_in = PolicyEvent.from_state.is_(None) | (PolicyEvent.from_state != item.state)
    query = (select(PolicyEvent)
             .where(PolicyEvent.item_id == item.id, PolicyEvent.to_state == item.state, moved_in)
             .order_by(PolicyEvent.sequence.desc()).limit(1))
    return db.session().exec(query).first()


def find_crg_code(text: str) -> str | None:
    """The CRG code as the reference data prints it, for a code typed in any case, or None."""
    query = select(ClinicalReferenceGroup.code).where(
        func.upper(ClinicalReferenceGroup.code) == text.strip().upper())
    return db.session().exec(query).first()


def find_crg_names() -> dict[str, str]:
    """Each coded CRG's name by its code, in code order; a code printed for two CRGs (MSD) names
    both ("Multi-System Disorders or Specialised Mental Health Services for the Deaf")."""
    rows = db.session().exec(select(ClinicalReferenceGroup.code, ClinicalReferenceGroup.name)
                             .where(ClinicalReferenceGroup.code.is_not(None))
                             .order_by(ClinicalReferenceGroup.code, ClinicalReferenceGroup.name))
    names: dict[str, list[str]] = {}
    for code, name in rows:
        names.setdefault(code, []).append(name)
    return {code: " or ".join(both) for code, both in names.items()}


def find_cet_analysts() -> list[User]:
    """The active CET analysts, by name: who may own a policy-development item."""
    query = select(User).where(User.role == Role.CET_ANALYST.value, User.is_active).order_by(
        User.display_name, User.username)
    return list(db.session().exec(query))


def find_cet_analyst(text: str) -> User | None:
    """The active CET analyst with this username, or else this name (either in any case)."""
    wanted = text.strip().lower()
    analysts = find_cet_analysts()
    return (next((user for user in analysts if user.username.lower() == wanted), None)
            or next((user for user in analysts if user.display_name.strip().lower() == wanted), None))


def create_policy(policy: Policy) -> Policy:
    """Add the policy; it is found by its own intervention key (more are added by
    set_policy_interventions)."""
    db.session().add(policy)
    db.session().flush()
    set_policy_interventions(policy, [policy.intervention_key])
    return policy


def set_policy_interventions(policy: Policy, keys: list[str]) -> bool:
    """Make the policy found by exactly these intervention keys; True if that changed anything."""
    session = db.session()
    rows = list(session.exec(select(PolicyIntervention).where(PolicyIntervention.policy_id == policy.id)))
    wanted, have = set(keys), {row.intervention_key for row in rows}
    for row in rows:
        if row.intervention_key not in wanted:
            session.delete(row)
    session.add_all(PolicyIntervention(policy_id=policy.id, intervention_key=key) for key in wanted - have)
    session.flush()
    return wanted != have


def find_policies_by_reference(references: list[str]) -> dict[str, Policy]:
    found: dict[str, Policy] = {}
    for start in range(0, len(references), 500):  # bounded IN lists
        query = select(Policy).where(Policy.reference.in_(references[start:start + 500]))
        found.update((policy.reference, policy) for policy in db.session().exec(query))
    return found


def find_policies_for_interventions(keys: list[str], on: date) -> list[Policy]:
    """The policies covering any of these intervention keys and in force on the day (published by
    then, not withdrawn), newest first: the candidates matching narrows by diagnosis."""
    if not keys:
        return []
    covered = select(PolicyIntervention.policy_id).where(PolicyIntervention.intervention_key.in_(keys))
    query = (select(Policy).where(Policy.id.in_(covered), Policy.published_on <= on,
                                  or_(Policy.withdrawn_on.is_(None), Policy.withdrawn_on > on))
             .order_by(Policy.published_on.desc(), Policy.id.desc()).limit(MATCH_LIMIT))
    return list(db.session().exec(query))


def find_intervention_keys(policy_ids: list[int]) -> dict[int, list[str]]:
    query = (select(PolicyIntervention.policy_id, PolicyIntervention.intervention_key)
             .where(PolicyIntervention.policy_id.in_(policy_ids)).order_by(PolicyIntervention.id))
    keys: dict[int, list[str]] = {}
    for policy_id, key in db.session().exec(query):
        keys.setdefault(policy_id, []).append(key)
    return keys


def find_policy(reference: str) -> Policy | None:
    return db.session().exec(select(Policy).where(Policy.reference == reference)).first()


def find_policy_for_item(item_id: int) -> Policy | None:
    return db.session().exec(select(Policy).where(Policy.item_id == item_id)).first()


def find_policies(intervention_key: str | None = None, icd10_category: str | None = None) -> list[Policy]:
    query = select(Policy).order_by(Policy.published_on.desc(), Policy.id.desc())
    if intervention_key:
        query = query.where(Policy.intervention_key == intervention_key)
    if icd10_category:
        query = query.where(Policy.icd10_category == icd10_category)
    return list(db.session().exec(query))
