"""The "is this an IFR?" check: a treatment and a diagnosis, answered against the policy library
(policy/matching.py), for the clinician's page before an application and for GET
/api/v1/policies/match. docs/workflows.md#is-this-an-ifr says what each answer means and why.

- A policy funds the treatment for this diagnosis (NHS England routinely commissions it, or NICE
  recommends it, for a restricted group or within the Cancer Drugs Fund): a patient who meets its
  criteria is treated through the policy's own route (Blueteq or the provider's process), and that
  is not an IFR. A patient outside its criteria may still need one: the clinician goes on only by
  saying why the patient falls outside it, the question the IFR panel asks against a policy
  (DOMAIN.md, the test: (a) a policy exists).
- A policy says the treatment is not funded (not routinely commissioned, not recommended, only in
  research): an IFR is the route, and the application is made against that policy.
- No policy: an IFR, with no policy to compare against ((b) in the test).
"""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, validate

from ifr_service.forms.fields import Icd10Code, Text
from ifr_service.policy.matching import MatchedPolicy, intervention_keys, policies_matching
from ifr_service.web.requests import SearchDate

POLICY_ROUTE, AGAINST_POLICY, NO_POLICY = "policy_route", "ifr_against_policy", "no_policy"
ANSWERS = (POLICY_ROUTE, AGAINST_POLICY, NO_POLICY)


class Required(Text):
    """Text that must be given, with the message naming what to enter."""

    def __init__(self, blank: str, **kwargs):
        self.blank = blank
        super().__init__(required=True, error_messages={"required": blank}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            raise ValidationError(self.blank)
        return text


class Diagnosis(Icd10Code):
    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not (value or "").strip():
            raise ValidationError("Enter the ICD-10 code of the patient's diagnosis, for example C34.1.")
        return super()._deserialize(value, attr, data, **kwargs)


class CheckArgs(Schema):
    """What the check asks: the treatment (its name, and its dm+d or OPCS-4 code where there is one)
    and the diagnosis's ICD-10 code; the API may ask about another day than today."""

    intervention = Required("Enter the name of the treatment, for example the medicine's name.",
                            validate=validate.Length(max=200, error="Enter the treatment's name in "
                                                                    "200 characters or fewer."))
    icd10 = Diagnosis(required=True, error_messages={
        "required": "Enter the ICD-10 code of the patient's diagnosis, for example C34.1."})
    dmd_code = Text(load_default=None, validate=validate.Regexp(
        r"^[0-9]{6,18}$", error="A dm+d code is 6 to 18 digits."))
    opcs4_code = Text(load_default=None, validate=validate.Regexp(
        r"^[A-Z][0-9]{2}(\.[0-9])?$", error="An OPCS-4 code is a capital letter and two digits, "
                                              "optionally a dot and one more digit, for example K40.1."))
    on = SearchDate(load_default=None, metadata={"description": "The day to check on [default: today]"})


def check_request(args: dict, today: date) -> tuple[str, list[MatchedPolicy]]:
    """The answer for the checked arguments, and the matching policies (funded ones first)."""
    keys = intervention_keys(args["intervention"], (args.get("dmd_code"), args.get("opcs4_code")))
    policies = policies_matching(keys, args["icd10"], args.get("on") or today)
    return answer_for(policies), policies


def answer_for(policies: list[MatchedPolicy]) -> str:
    if any(policy.funded for policy in policies):
        return POLICY_ROUTE
    return AGAINST_POLICY if policies else NO_POLICY
