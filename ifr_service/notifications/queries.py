"""Records of messages sent."""

from __future__ import annotations

from ifr_service import db
from ifr_service.notifications.models import Notification


def create_notification_once(notification: Notification) -> bool:
    """Record a message about to be sent; False if the same one was recorded already."""
    return db.insert_once(notification)
