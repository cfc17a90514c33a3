"""The features that plug into the case engine, and so what each workflow file may name.

Importing a feature's module registers its guards, effects and handlers into the registries of the
workflows that use them (workflows/registry.py), and its rules into the case's (who else sees a case:
cases/access.py; where a closed case's request went on to: cases/onward.py). This is the one place
that knows every feature; the
app and the commands load the workflows through it, and the case engine knows none of them.
"""

from __future__ import annotations

from ifr_service.cases import actions as _case_actions  # noqa: F401  (registers: case guards, handlers)
from ifr_service.cases.clocks import SIGNALS
from ifr_service.cdf import treatment as _cdf_treatment  # noqa: F401  (registers: CDF treatment rules)
from ifr_service.cet import national as _cet_national  # noqa: F401  (listens: the national record)
from ifr_service.cet import referrals as _cet_referrals  # noqa: F401  (registers: refer_to_cet)
from ifr_service.funding import guards as _funding_guards  # noqa: F401  (registers: authorisations)
from ifr_service.letters.content import letter_names
from ifr_service.outcomes import service as _outcomes  # noqa: F401  (registers: after an IFR approval)
from ifr_service.panels import access as _panel_access  # noqa: F401  (registers: the lead hub sees)
from ifr_service.panels import guards as _panel_guards  # noqa: F401  (registers: the panel's rules)
from ifr_service.panels.models import PanelKind
from ifr_service.policy import progress as _policy_progress  # noqa: F401  (registers: a cohort's stage)
from ifr_service.policy import service as _policy_service  # noqa: F401  (registers: policy's)
from ifr_service.treatment_breaks import service as _treatment_breaks  # noqa: F401  (registers: breaks)
from ifr_service.users.models import Role
from ifr_service.workflows.definition import KnownNames
from ifr_service.workflows.registry import registry


def known_names(workflow: str) -> KnownNames:
    """What the workflow with this key may name: the roles, and the code in *its* registry."""
    found = registry(workflow)
    return KnownNames(roles=frozenset(role.value for role in Role), guards=frozenset(found.guards),
                      effects=frozenset(found.effects), handlers=frozenset(found.handlers),
                      signals=SIGNALS, letters=letter_names(),
                      panel_kinds=frozenset(kind.value for kind in PanelKind))
