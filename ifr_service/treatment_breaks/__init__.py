"""Breaks in treatment after approval, for both routes: the breaks a clinician records, the
treatment-break requests decided on their own criteria, and the rule they follow (funding/breaks.py)."""
