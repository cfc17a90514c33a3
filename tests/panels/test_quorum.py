"""The quorum rule, without a database."""

from ifr_service.panels.models import DEFAULT_QUORUM
from ifr_service.panels.quorum import check_quorum


def test_chair_public_health_pharmacist_and_lay_member_are_quorate():
    result = check_quorum(DEFAULT_QUORUM, ["chair", "public_health_consultant", "pharmacist",
                                           "lay_member"])
    assert result.quorate and result.missing == ()


def test_a_vice_chair_may_stand_for_the_chair_and_a_clinician_for_the_pharmacist():
    assert check_quorum(DEFAULT_QUORUM, ["vice_chair", "public_health_consultant", "clinician",
                                         "lay_member"]).quorate


def test_without_a_lay_member_the_meeting_is_not_quorate_and_says_so():
    result = check_quorum(DEFAULT_QUORUM, ["chair", "vice_chair", "public_health_consultant",
                                           "pharmacist"])
    assert not result.quorate
    assert result.missing == ("lay member",)


def test_every_role_present_is_not_enough_below_the_minimum_number():
    rule = {**DEFAULT_QUORUM, "minimum_members": 5}
    result = check_quorum(rule, ["chair", "public_health_consultant", "pharmacist", "lay_member"])
    assert result.missing == ("at least 5 members (has 4)",)
