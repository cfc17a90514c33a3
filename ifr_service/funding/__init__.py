"""After approval: the funding authorisation every approved case gets, IFR and CDF alike, and the
treatment given under it."""
