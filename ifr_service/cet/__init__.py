"""The Clinical Effectiveness Team: cohort referrals from screening now; trends and policy later."""
