"""Trusts' invoice schedules checked against the funding authorisations."""
