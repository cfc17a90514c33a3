"""Letters: the PDF a clinician receives for a screening outcome, a decision or a review."""
