"""Records of messages sent."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ifr_service import db
from ifr_service.notifications.models import Notification


def create_notification_once(notification: Notification) -> bool:
    """Record a message about to be sent; False if the same one was recorded already."""
    try:
        with db.session().begin_nested():
            db.session().add(notification)
        return True
    except IntegrityError:
        return False
