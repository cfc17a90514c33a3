"""Records of messages sent."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.errors import NotFound
from ifr_service.notifications.models import Notification


def get_notification(notification_id: int) -> Notification:
    notification = db.session().get(Notification, notification_id)
    if notification is None:
        raise NotFound(f"There is no notification {notification_id}.")
    return notification


def find_notification(case_id: int, kind: str) -> Notification | None:
    query = select(Notification).where(Notification.case_id == case_id, Notification.kind == kind)
    return db.session().exec(query).first()


def create_notification_once(notification: Notification) -> bool:
    """Record a message about to be sent; False if the same one was recorded already."""
    return db.insert_once(notification)
