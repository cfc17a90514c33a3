"""Each workflow's registry holds the code behind its own names, and a name means one function."""

from __future__ import annotations

import pytest

from ifr_service.features import known_names
from ifr_service.workflows.registry import guard, registry


def test_each_workflow_knows_only_the_code_registered_for_it():
    assert "crg_is_known" in known_names("policy").guards
    assert "crg_is_known" not in known_names("ifr").guards
    assert "record_cdf_treatment" in known_names("cdf").effects
    assert "record_cdf_treatment" not in known_names("ifr").effects
    assert "notify_clinician" in known_names("ifr").effects & known_names("cdf").effects


def test_a_second_function_under_a_registered_name_is_refused():
    def case_is_urgent(case, actor, payload):  # not the cases' own
        return None

    with pytest.raises(ValueError, match="already has a guard 'case_is_urgent'"):
        guard("case_is_urgent", workflows=("ifr",))(case_is_urgent)
    assert registry("ifr").guards["case_is_urgent"].__module__ == "ifr_service.cases.actions"


def test_every_case_transition_is_told_to_the_national_record():
    from ifr_service.cet.national import record_transition

    assert record_transition in registry("ifr").listeners and record_transition in registry("cdf").listeners
    assert record_transition not in registry("policy").listeners
