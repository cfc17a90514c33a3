"""Queue names. A test checks that the worker listens on every one of them."""

NOTIFICATIONS = "ifr-notifications"
LETTERS = "ifr-letters"
DEFAULT = "ifr-default"

# In priority order: the worker takes from the first non-empty queue.
ALL_QUEUES = (NOTIFICATIONS, LETTERS, DEFAULT)
