# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Quay's rules for tag writes (_rules), each pinned to what a real Quay server answered.

Immutability and expiration were recorded with FEATURE_IMMUTABLE_TAGS on and FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE off
(Quay's default): one PUT applies expiration, then immutable, then manifest_digest, and keeps what it applied when a
later field is refused.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._rules import (
    EXPIRATION_MAX_OFFSET,
    EXPIRATION_MIN_OFFSET,
    FlagReader,
    TagFacts,
    can_expire_from_config,
    check_writes,
    clamp_expiration,
    expiration_cap_passed,
    overwrite_refused,
)

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
LATER = 1900000000

MUTABLE = TagFacts(True)
EXPIRING = TagFacts(True, expires=True)
IMMUTABLE = TagFacts(True, immutable=True)
ABSENT = TagFacts(False)


def flag(value):
    """A FlagReader answering ``value`` (its ``asked`` says whether a rule needed the server's flag)."""
    return FlagReader(lambda: value)


def change(**body):
    return ("change", body)


MOVE = ("move", {"manifest_digest": D2})


def test_clamp_expiration_matches_the_real_server():
    # Recorded from a real Quay (tests/emulator/README.md): start 1795906020; now + 10 min was stored as
    # start + 1 h, now + 3 years as start + 104 weeks.
    start = 1795906020
    assert clamp_expiration(start, 1795906620) == 1795909620
    assert clamp_expiration(start, 1890514020) == 1858805220
    assert clamp_expiration(start, start + 86400) == start + 86400
    assert clamp_expiration(start, start + EXPIRATION_MIN_OFFSET) == start + EXPIRATION_MIN_OFFSET
    assert clamp_expiration(start, start + EXPIRATION_MAX_OFFSET + 1) == start + EXPIRATION_MAX_OFFSET


def test_expiration_cap_passed_only_for_rows_older_than_104_weeks():
    now = 1800000000
    assert expiration_cap_passed("t", now - EXPIRATION_MAX_OFFSET, now) is None
    assert expiration_cap_passed("t", None, now) is None
    assert "more than 104 weeks ago" in expiration_cap_passed("t", now - EXPIRATION_MAX_OFFSET - 1, now)


def test_overwrite_refused_names_both_digests():
    assert overwrite_refused("v1", D1, D2) == "v1 points to %s, not %s, and overwrite is false" % (D1, D2)


# -- FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE off: what Quay refuses ---------------------------------------------------------

def test_immutable_true_on_an_expiring_tag_is_refused():
    # PUT {"immutable": true} on a tag with an expiration: 400 "Cannot make tag ... immutable: tag has expiration set".
    problem = check_writes("c", EXPIRING, [change(immutable=True)], flag(False))
    assert problem == ("c has an expiration, and this Quay server does not let immutable tags expire "
                       "(FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE is off), so Quay would refuse to make it immutable: give "
                       "expiration: never together with immutable: true (Quay then clears the expiration and locks the tag "
                       "in one request), or enable FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE on the Quay server")


def test_immutable_true_with_expiration_null_on_an_expiring_tag_is_accepted():
    # PUT {"immutable": true, "expiration": null}: 201, the expiration is cleared first, then the tag is locked.
    reader = flag(False)
    assert check_writes("c", EXPIRING, [change(expiration=None, immutable=True)], reader) is None
    assert reader.asked is False  # no rule depended on the flag


def test_an_expiration_on_an_immutable_tag_is_refused():
    # PUT {"expiration": <future>} on an immutable tag: 400 "Cannot set expiration on immutable tag".
    problem = check_writes("latest", IMMUTABLE, [change(expiration=LATER)], flag(False))
    assert problem.startswith("latest is immutable and this Quay server does not let immutable tags expire")
    assert "immutable: false" in problem and "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE" in problem


def test_clearing_the_expiration_of_an_immutable_tag_is_accepted():
    # PUT {"expiration": null} on an immutable tag: 201.
    assert check_writes("latest", IMMUTABLE, [change(expiration=None)], flag(False)) is None


def test_expiration_and_immutable_in_one_put_on_a_mutable_tag_is_refused():
    # PUT {"expiration": <future>, "immutable": true}: 400, and the expiration stays applied (no rollback).
    problem = check_writes("exp2", MUTABLE, [change(expiration=LATER, immutable=True)], flag(False))
    assert problem.startswith("exp2 would get an expiration in this task, and this Quay server does not let")


def test_a_new_tag_with_an_expiration_and_immutable_is_refused():
    # The create goes alone (Quay answers 404 to a PUT that creates a tag with immutable or expiration), then
    # expiration and immutable together: refused after the expiration was applied.
    problem = check_writes("imm-a", ABSENT, [("move", {"manifest_digest": D1}), change(expiration=LATER, immutable=True)],
                           flag(False))
    assert problem.startswith("imm-a would get an expiration in this task")


def test_a_put_that_creates_a_tag_with_immutable_or_expiration_is_refused():
    assert "only an active tag" in check_writes("n", ABSENT, [change(immutable=True, manifest_digest=D1)], flag(True))
    assert "only on an active tag" in check_writes("n", ABSENT, [change(expiration=LATER, manifest_digest=D1)], flag(True))


@pytest.mark.parametrize("writes", [[MOVE], [change(immutable=True, manifest_digest=D2)]])
def test_moving_an_immutable_tag_is_refused(writes):
    # A move of an immutable tag: 409; {"immutable": true, "manifest_digest"} on a mutable tag locks it, then 409.
    facts = IMMUTABLE if writes == [MOVE] else MUTABLE
    assert "is immutable and would have to move" in check_writes("v1", facts, writes, flag(True))


def test_clearing_immutability_then_moving_is_accepted():
    assert check_writes("v1", IMMUTABLE, [change(immutable=False), MOVE], flag(False)) is None


def test_deleting_an_immutable_tag_is_refused():
    assert "is immutable" in check_writes("v1", IMMUTABLE, [("delete", None)], flag(True))
    assert check_writes("v1", EXPIRING, [("delete", None)], flag(False)) is None


def test_a_move_drops_the_expiration_so_immutable_may_follow():
    # The moved tag is a new row: mutable, without an expiration.
    assert check_writes("t", EXPIRING, [MOVE, change(immutable=True)], flag(False)) is None


# -- FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE on -------------------------------------------------------------------------------

@pytest.mark.parametrize("facts, writes", [
    (EXPIRING, [change(immutable=True)]),
    (IMMUTABLE, [change(expiration=LATER)]),
    (MUTABLE, [change(expiration=LATER, immutable=True)]),
    (ABSENT, [("move", {"manifest_digest": D1}), change(expiration=LATER, immutable=True)]),
])
def test_with_the_flag_on_immutable_tags_may_expire(facts, writes):
    reader = flag(True)
    assert check_writes("t", facts, writes, reader) is None
    assert reader.asked is True


def test_the_flag_is_read_once_and_only_when_a_rule_depends_on_it():
    reader = flag(True)
    check_writes("a", MUTABLE, [change(expiration=LATER)], reader)
    check_writes("b", MUTABLE, [change(immutable=True)], reader)
    assert reader.asked is False
    check_writes("c", EXPIRING, [change(immutable=True)], reader)
    check_writes("d", IMMUTABLE, [change(expiration=LATER)], reader)
    assert reader.asked is True


def test_a_server_that_does_not_say_counts_as_off_and_the_message_says_so():
    problem = check_writes("c", EXPIRING, [change(immutable=True)], flag(None))
    assert "does not say whether immutable tags may expire (no FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE in its /config)" in problem


def test_facts_of_a_row():
    assert vars(TagFacts.of_row(None)) == {"active": False, "immutable": False, "expires": False, "new_row": False}
    assert vars(TagFacts.of_row({"name": "t", "end_ts": LATER})) == {
        "active": True, "immutable": False, "expires": True, "new_row": False}
    assert vars(TagFacts.of_row({"name": "t", "immutable": True})) == {
        "active": True, "immutable": True, "expires": False, "new_row": False}


def test_check_writes_does_not_change_the_facts_it_is_given():
    facts = TagFacts(True, expires=True)
    check_writes("t", facts, [change(expiration=None, immutable=True)], flag(False))
    assert vars(facts) == {"active": True, "immutable": False, "expires": True, "new_row": False}


# -- GET /config ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    # Quay lists the flag under features (without FEATURE_) and again under config (with it).
    ({"features": {"IMMUTABLE_TAGS": True, "IMMUTABLE_TAGS_CAN_EXPIRE": False},
      "config": {"FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE": False}}, False),
    ({"features": {"IMMUTABLE_TAGS": True, "IMMUTABLE_TAGS_CAN_EXPIRE": True},
      "config": {"FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE": True}}, True),
    ({"features": {}, "config": {"FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE": True}}, True),
    ({"features": {"IMMUTABLE_TAGS": True}, "config": {}}, None),
    ({"features": {"IMMUTABLE_TAGS_CAN_EXPIRE": "yes"}}, None),
    ({}, None),
    ([], None),
])
def test_can_expire_from_config(body, expected):
    assert can_expire_from_config(body) is expected


def test_the_flag_reader_asks_the_server_at_most_once():
    answers = []
    reader = FlagReader(lambda: answers.append(1) or True)
    assert reader.allows() and reader.allows() and reader() is True
    assert answers == [1]


# -- immutability policies on new rows ------------------------------------------------------------------------------

class Locks:
    """A stand-in for _policy_locks.PolicyLocks that counts how often the plan asks."""

    def __init__(self, answer):
        self.answer = answer
        self.asked = []

    def __call__(self, name):
        self.asked.append(name)
        return self.answer


def test_a_policy_that_locks_a_created_tag_refuses_its_expiration():
    locks = Locks("the immutability policy of repository o/r on the tags matching 'pr-.*'")
    problem = check_writes("pr-1", ABSENT, [MOVE, change(expiration=LATER)], flag(False), locks)
    assert problem.startswith("pr-1 would be made immutable by the immutability policy of repository o/r on the tags "
                              "matching 'pr-.*' as soon as this task points it at its manifest")
    assert "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE" in problem and locks.asked == ["pr-1"]
    # A move of an existing tag opens a new row too.
    assert check_writes("pr-1", EXPIRING, [MOVE, change(expiration=LATER)], flag(False), locks) is not None


def test_policies_are_asked_only_where_they_decide():
    uncovered = Locks(None)
    assert check_writes("pr-1", ABSENT, [MOVE, change(expiration=LATER)], flag(False), uncovered) is None
    assert uncovered.asked == ["pr-1"]
    covered = Locks("a policy")
    # The server lets immutable tags expire; no move (the row's own immutability decides); no expiration; and an
    # immutable: true in the same PUT, which Quay refuses anyway: the policies are never read.
    assert check_writes("pr-1", ABSENT, [MOVE, change(expiration=LATER)], flag(True), covered) is None
    assert check_writes("t", EXPIRING, [change(expiration=LATER)], flag(False), covered) is None
    assert check_writes("t", ABSENT, [MOVE, change(expiration=None)], flag(False), covered) is None
    assert check_writes("t", ABSENT, [MOVE, change(expiration=LATER, immutable=True)], flag(False), covered) is not None
    assert covered.asked == []
