"""Policy development: the CET's queue from cohort candidate to national commissioning policy."""
