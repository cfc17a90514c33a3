"""After an IFR approval: review-date reminders, the clinician's outcome reports, and continuing or
extending a time-limited approval (docs/after-approval/outcomes.md)."""
