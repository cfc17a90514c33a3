"""Funding after approval, for both routes."""
