from tests.users.restore import restore_people  # noqa: F401  (a fixture)
