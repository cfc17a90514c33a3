"""The answers the code reads: every path into a case's answers that Python or a template reads.

A form is data, and most answers are only stored and shown back. These are the few the service acts
on (routing, emails, letters, the national record, the CDF rules), named once here. Each form version
named by a path is checked against it when it loads (`forms.definition.load_form_file`): a version that
drops one, or changes its type, stops the service from starting, naming the file and the path, rather
than failing the first case that reaches the code. Old versions are checked too, since cases stay on
the version they were submitted on.

Read an answer with `read_answer(answers, PATH)` (None if not answered), or, on a submitted case whose
answers the form required, `submitted_answer(answers, PATH)`. A template reads one with the `answer`
filter: `{{ case.answers | answer("intervention.name") }}`. docs/forms.md lists them (a test keeps the
two in step).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ifr_service.forms.definition import FormDefinition

IFR_APPLICATION = "ifr-application"
CDF_APPLICATION = "cdf-application"  # the common part of every CDF entry's criteria form
CDF_UNLISTED_DRUG = "cdf-unlisted-drug"
BOTH_APPLICATIONS = (IFR_APPLICATION, CDF_APPLICATION)

# How sure the code is of an answer, and so what each version of its forms must keep.
REQUIRED = "required"  # every version asks it, and requires an answer on submission
ASKED = "asked"  # every version asks it; the answer may be left blank
MAY_BE_ABSENT = "may be absent"  # an older version may not ask it; where asked, its type must fit


@dataclass(frozen=True)
class AnswerPath:
    path: str  # section key and field key: "clinician.email"
    purpose: str  # what the code reads it for, in a few words
    forms: tuple[str, ...]  # the form keys whose every version must ask it
    types: tuple[str, ...]  # the field types the code can read it as
    presence: str = REQUIRED
    values: tuple[str, ...] = ()  # for a choice the code maps: the only option values it knows

    @property
    def keys(self) -> tuple[str, str]:
        """(section, field): what a JSON expression on the answers column takes."""
        section, field = self.path.split(".")
        return section, field


PATIENT_NHS_NUMBER = AnswerPath(
    "patient.nhs_number", "the CDF duplicate check, the national record's pseudonym, case search and letters",
    BOTH_APPLICATIONS, ("nhs_number",))
PATIENT_GIVEN_NAME = AnswerPath(
    "patient.given_name", "the patient's name in letters, case lists and search",
    BOTH_APPLICATIONS, ("text",))
PATIENT_FAMILY_NAME = AnswerPath(
    "patient.family_name", "the patient's name in letters, case lists and search",
    BOTH_APPLICATIONS, ("text",))
PATIENT_DATE_OF_BIRTH = AnswerPath(
    "patient.date_of_birth", "letters, and the age band of the national record and of similar cases",
    BOTH_APPLICATIONS, ("date",))
PATIENT_SEX = AnswerPath(
    "patient.sex", "the national record and similar cases", BOTH_APPLICATIONS, ("choice",))
PATIENT_COMMISSIONER = AnswerPath(
    "patient.commissioner", "routing to the hub and region, and the CDF team named on a duplicate",
    BOTH_APPLICATIONS, ("commissioner",))
PATIENT_POSTAL_ADDRESS = AnswerPath(
    "patient.postal_address", "the address of the patient's copy of each letter",
    (IFR_APPLICATION,), ("long_text", "text"), presence=MAY_BE_ABSENT)
CLINICIAN_NAME = AnswerPath(
    "clinician.name", "who every email and letter is addressed to", BOTH_APPLICATIONS, ("text",))
CLINICIAN_EMAIL = AnswerPath(
    "clinician.email", "where acknowledgements, reminders and letters are sent",
    BOTH_APPLICATIONS, ("email",))
CLINICIAN_ROLE = AnswerPath(
    "clinician.role", "similar cases (who asked, without their name), and a new application's clinician "
    "section", BOTH_APPLICATIONS, ("choice",), presence=ASKED)
CLINICIAN_REGISTRATION_BODY = AnswerPath(
    "clinician.registration_body", "a new application's clinician section, from the clinician's last",
    BOTH_APPLICATIONS, ("choice",), presence=ASKED)
CLINICIAN_REGISTRATION_NUMBER = AnswerPath(
    "clinician.registration_number", "a new application's clinician section, and what redaction takes out",
    BOTH_APPLICATIONS, ("text",), presence=ASKED)
CLINICIAN_TELEPHONE = AnswerPath(
    "clinician.telephone", "a new application's clinician section, and what redaction takes out",
    BOTH_APPLICATIONS, ("text",), presence=ASKED)
CLINICIAN_PROVIDER_TRUST = AnswerPath(
    "clinician.provider_trust", "the hub queue, letters and similar cases", BOTH_APPLICATIONS, ("text",))
CLINICIAN_PROVIDER_ODS_CODE = AnswerPath(
    "clinician.provider_ods_code", "the check that a clinician applies for their own trust",
    BOTH_APPLICATIONS, ("text",))
DIAGNOSIS_ICD10_CODE = AnswerPath(
    "diagnosis.icd10_code", "the ICD-10 category similar cases are found by, the CDF indication check, "
    "the hub queue and the national record", BOTH_APPLICATIONS, ("icd10",))
DIAGNOSIS_DESCRIPTION = AnswerPath(
    "diagnosis.description", "the diagnosis in words on the case page", BOTH_APPLICATIONS, ("text",))
INTERVENTION_NAME = AnswerPath(
    "intervention.name", "the treatment in the hub queue, panels, letters and the national record",
    (IFR_APPLICATION,), ("text",))
INTERVENTION_TYPE = AnswerPath(
    "intervention.type", "the national record", (IFR_APPLICATION,), ("choice",))
INTERVENTION_DMD_CODE = AnswerPath(
    "intervention.dmd_code", "the intervention key similar cases are found by, and the national record",
    (IFR_APPLICATION,), ("text",), presence=ASKED)
INTERVENTION_OPCS4_CODE = AnswerPath(
    "intervention.opcs4_code", "the intervention key, where there is no dm+d code",
    (IFR_APPLICATION,), ("text",), presence=ASKED)
INTERVENTION_DOSE = AnswerPath(
    "intervention.dose", "the regimen of the funding authorisation", (IFR_APPLICATION,), ("text",),
    presence=MAY_BE_ABSENT)
INTERVENTION_FREQUENCY = AnswerPath(
    "intervention.frequency", "the regimen of the funding authorisation", (IFR_APPLICATION,), ("text",),
    presence=MAY_BE_ABSENT)
INTERVENTION_DURATION = AnswerPath(
    "intervention.duration", "the regimen of the funding authorisation", (IFR_APPLICATION,), ("text",),
    presence=MAY_BE_ABSENT)
CLINICAL_CASE_OUTCOME_MEASURES = AnswerPath(
    "clinical_case.outcome_measures", "the outcome measures the funding authorisation and the outcome "
    "reports name", (IFR_APPLICATION,), ("long_text",), presence=MAY_BE_ABSENT)
COST_AMOUNT_GBP = AnswerPath(
    "cost.amount_gbp", "the estimated cost in the national record", (IFR_APPLICATION,), ("money",))
URGENCY_LEVEL = AnswerPath(
    "urgency.level", "the case's urgency and its place in the queue, ranked by cases.models.URGENCY_RANK",
    (IFR_APPLICATION,), ("choice",), values=("routine", "urgent", "emergency"))
CONSENT_COPY_LETTERS_TO_PATIENT = AnswerPath(
    "consent.copy_letters_to_patient", "whether the patient gets a copy of each letter",
    (IFR_APPLICATION,), ("boolean",), presence=MAY_BE_ABSENT)
TREATMENT_PLANNED_START_DATE = AnswerPath(
    "treatment.planned_start_date", "the CDF entry's start window, and an IFR made from a CDF application",
    (CDF_APPLICATION,), ("date",))
DRUG_NAME = AnswerPath(
    "drug.name", "the treatment of an IFR made from a CDF application, and in case lists",
    (CDF_UNLISTED_DRUG,), ("text",))
DRUG_DOSE = AnswerPath(
    "drug.dose", "the dose of an IFR made from a CDF application", (CDF_UNLISTED_DRUG,), ("text",))
DRUG_FREQUENCY = AnswerPath(
    "drug.frequency", "the frequency of an IFR made from a CDF application", (CDF_UNLISTED_DRUG,), ("text",))
DRUG_DURATION = AnswerPath(
    "drug.duration", "the duration of an IFR made from a CDF application", (CDF_UNLISTED_DRUG,), ("text",))
DRUG_DMD_CODE = AnswerPath(
    "drug.dmd_code", "the dm+d code of an IFR made from a CDF application", (CDF_UNLISTED_DRUG,), ("text",),
    presence=ASKED)

# Every path above, in the order written (so a new one cannot be declared and then left out of the check).
ANSWER_PATHS: tuple[AnswerPath, ...] = tuple(
    value for value in tuple(globals().values()) if isinstance(value, AnswerPath))
BY_PATH = {answer_path.path: answer_path for answer_path in ANSWER_PATHS}


def read_answer(answers: Mapping[str, Any] | None, answer_path: AnswerPath) -> Any:
    """The answer at that path, or None where it (or its whole section) is not answered."""
    section, field = answer_path.keys
    return ((answers or {}).get(section) or {}).get(field)


def submitted_answer(answers: Mapping[str, Any], answer_path: AnswerPath) -> Any:
    """The answer of a submitted case, which its form required (KeyError, naming the path, if not)."""
    section, field = answer_path.keys
    try:
        return answers[section][field]
    except KeyError:
        raise KeyError(answer_path.path) from None


def answer_path(path: str) -> AnswerPath:
    """The declared path of that name: a template naming a path the contract does not know fails."""
    try:
        return BY_PATH[path]
    except KeyError:
        raise KeyError(f"{path!r} is not an answer path the code reads (forms/answers.py)") from None


def check_answer_paths(form: FormDefinition) -> list[str]:
    """What the form version lacks of the answers the code reads from it: a field missing, of a type
    the code cannot read, not required where the code relies on an answer, or offering a value the
    code cannot map."""
    problems = []
    for expected in ANSWER_PATHS:
        if form.key not in expected.forms:
            continue
        field = form.field_at(expected.path)
        says = f"the code reads {expected.path} ({expected.purpose})"
        if field is None:
            if expected.presence != MAY_BE_ABSENT:
                problems.append(f"{says}, and form {form.key} version {form.version} has no such field")
            continue
        if field.type not in expected.types:
            problems.append(f"{says} as {' or '.join(expected.types)}, and form {form.key} version "
                            f"{form.version} makes it {field.type}")
        if expected.presence == REQUIRED and not field.required:
            problems.append(f"{says} from every submitted case, and form {form.key} version {form.version} "
                            "does not require it")
        unknown = [value for value in field.option_values if expected.values and value not in expected.values]
        if unknown:
            problems.append(f"{says}, and form {form.key} version {form.version} offers values the code "
                            f"does not know: {', '.join(map(str, unknown))}")
    return problems
