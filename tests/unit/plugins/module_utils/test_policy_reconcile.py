# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Policy validation and reconciliation (pure): matching by content, exclusive, updates in place, no duplicates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._policy_reconcile import (
    AUTOPRUNE,
    IMMUTABILITY,
    covering_policy,
    diff_view,
    plan_changes,
    validate_policies,
)


def ap(method, value, pattern=None, matches=True, uuid=None):
    return {"uuid": uuid, "method": method, "value": value, "tag_pattern": pattern, "tag_pattern_matches": matches}


def im(pattern, matches=True, uuid=None):
    return {"uuid": uuid, "tag_pattern": pattern, "tag_pattern_matches": matches}


def summary(changes):
    return [(c.action, c.uuid, None if c.after is None else dict((k, v) for k, v in c.after.items() if k != "uuid"))
            for c in changes]


# -- validation ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("item, fragment", [
    ({"method": "keep_last", "value": 3}, "policies[0].method: 'keep_last' is not a method"),
    ({"method": "number_of_tags"}, "policies[0].value: missing"),
    ({"method": "number_of_tags", "value": 0}, "policies[0].value: 0: keep at least 1 tag"),
    ({"method": "number_of_tags", "value": -1}, "keep at least 1 tag"),
    ({"method": "number_of_tags", "value": 2.5}, "2.5 is not a number of tags"),
    ({"method": "number_of_tags", "value": True}, "True is not a number of tags"),
    ({"method": "creation_date", "value": "-1d"}, "'-1d' is not a positive age: Quay would accept it"),
    ({"method": "creation_date", "value": "0d"}, "'0d' is not a positive age"),
    ({"method": "creation_date", "value": "7x"}, "'7x' is not an age: give a positive whole number and one unit"),
    ({"method": "creation_date", "value": "1w2d"}, "'1w2d' is not an age"),
    ({"method": "creation_date", "value": " 7d"}, "' 7d' is not"),
    ({"method": "creation_date", "value": "7D"}, "'7D' is not an age"),
    ({"method": "creation_date", "value": 7}, "7 is not an age"),
    ({"method": "number_of_tags", "value": 3, "tag_pattern": "["}, "policies[0].tag_pattern: '[' is not a valid regular expression"),
    ({"method": "number_of_tags", "value": 3, "tag_pattern": "(unclosed"}, "not a valid regular expression"),
    ({"method": "number_of_tags", "value": 3, "tag_pattern": ""}, "policies[0].tag_pattern: empty"),
    ({"method": "number_of_tags", "value": 3, "tag_pattern": "  ^nightly-  "}, "has blanks at its start or end"),
    ({"method": "number_of_tags", "value": 3, "tag_pattern_matches": False}, "policies[0].tag_pattern_matches: false needs a tag_pattern"),
])
def test_autoprune_refuses_what_quay_would_take_or_refuse(item, fragment):
    with pytest.raises(ValueError) as err:
        validate_policies(AUTOPRUNE, [item], "present")
    assert fragment in str(err.value)


def test_autoprune_accepts_quay_ages_and_templated_counts():
    policies = validate_policies(AUTOPRUNE, [
        {"method": "creation_date", "value": "1y"},
        {"method": "number_of_tags", "value": "10", "tag_pattern": "^ci-.*"},
        {"method": "creation_date", "value": "90m", "tag_pattern": "^ci-.*", "tag_pattern_matches": False},
    ], "present")
    assert [p["value"] for p in policies] == ["1y", 10, "90m"]
    assert policies[0]["tag_pattern_matches"] is True


@pytest.mark.parametrize("item, fragment", [
    ({}, "policies[0].tag_pattern: missing"),
    ({"tag_pattern": "["}, "not a valid regular expression"),
    ({"tag_pattern": "a" * 257}, "257 characters, more than the 256 Quay allows"),
    ({"tag_pattern": "   "}, "policies[0].tag_pattern: empty"),
])
def test_immutability_validation(item, fragment):
    with pytest.raises(ValueError) as err:
        validate_policies(IMMUTABILITY, [item], "present")
    assert fragment in str(err.value)


def test_a_256_character_pattern_is_fine():
    assert validate_policies(IMMUTABILITY, [{"tag_pattern": "b" * 256}], "present")[0]["tag_pattern"] == "b" * 256


def test_listed_twice_or_conflicting_is_refused():
    with pytest.raises(ValueError, match=r"policies\[1\] repeats policies\[0\]"):
        validate_policies(AUTOPRUNE, [{"method": "number_of_tags", "value": 5}] * 2, "present")
    with pytest.raises(ValueError, match=r"policies\[0\] and policies\[1\] both prune the tags matching '\^ci-' by "
                                         r"number_of_tags: only the stricter value ever acts"):
        validate_policies(AUTOPRUNE, [{"method": "number_of_tags", "value": 5, "tag_pattern": "^ci-"},
                                      {"method": "number_of_tags", "value": 9, "tag_pattern": "^ci-"}], "present")
    with pytest.raises(ValueError, match="Quay keeps one policy per pattern"):
        validate_policies(IMMUTABILITY, [{"tag_pattern": "^v"}, {"tag_pattern": "^v", "tag_pattern_matches": False}], "present")
    # The same pattern with the other tag_pattern_matches is another auto-prune policy (Quay takes both).
    assert len(validate_policies(AUTOPRUNE, [{"method": "creation_date", "value": "7d", "tag_pattern": "^ci-"},
                                             {"method": "creation_date", "value": "7d", "tag_pattern": "^ci-",
                                              "tag_pattern_matches": False}], "present")) == 2
    # For state=absent exact repeats are merged.
    assert len(validate_policies(AUTOPRUNE, [{"method": "number_of_tags", "value": 5}] * 2, "absent")) == 1


def test_policies_must_be_a_list():
    with pytest.raises(ValueError, match="policies: missing"):
        validate_policies(AUTOPRUNE, None, "present")
    with pytest.raises(ValueError, match="policies: give a list"):
        validate_policies(AUTOPRUNE, {"method": "number_of_tags"}, "present")


# -- matching ------------------------------------------------------------------------------------------------------

def test_equal_content_is_kept_whatever_the_uuid_and_order():
    existing = [ap("creation_date", "7d", "^ci-.*", uuid="u1"), ap("number_of_tags", 10, uuid="u2")]
    desired = [ap("number_of_tags", 10), ap("creation_date", "7d", "^ci-.*")]
    changes, after = plan_changes(AUTOPRUNE, existing, desired, exclusive=True)
    assert changes == []
    assert [p["uuid"] for p in after] == ["u1", "u2"]


def test_a_policy_stored_without_pattern_fields_matches_a_listed_one_without_pattern():
    # Quay's fixture policies read back tagPatternMatches null; created ones read back true.
    existing = [ap("number_of_tags", 10, matches=None, uuid="u1")]
    changes, _after = plan_changes(AUTOPRUNE, existing, validate_policies(AUTOPRUNE, [{"method": "number_of_tags", "value": 10}],
                                                                          "present"), exclusive=True)
    assert changes == []


def test_the_same_pattern_with_the_other_matches_is_another_policy():
    existing = [ap("creation_date", "7d", "^ci-.*", True, uuid="u1")]
    changes, after = plan_changes(AUTOPRUNE, existing, [ap("creation_date", "7d", "^ci-.*", False)])
    assert summary(changes) == [("create", None, {"method": "creation_date", "value": "7d", "tag_pattern": "^ci-.*",
                                                  "tag_pattern_matches": False})]
    assert [p["uuid"] for p in after] == ["u1", None]


# -- updates in place ----------------------------------------------------------------------------------------------

def test_a_changed_value_updates_the_policy_in_place():
    existing = [ap("number_of_tags", 10, uuid="u1"), ap("creation_date", "7d", uuid="u2")]
    changes, after = plan_changes(AUTOPRUNE, existing, [ap("number_of_tags", 20)])
    assert summary(changes) == [("update", "u1", {"method": "number_of_tags", "value": 20, "tag_pattern": None,
                                                  "tag_pattern_matches": True})]
    assert [(p["uuid"], p["value"]) for p in after] == [("u1", 20), ("u2", "7d")]


def test_immutability_matches_flip_is_an_update_not_a_second_policy():
    # Quay refuses a second policy with the same pattern, so the only way is a PUT of the one there.
    changes, after = plan_changes(IMMUTABILITY, [im("^v.*", True, uuid="u1")], [im("^v.*", False)])
    assert summary(changes) == [("update", "u1", {"tag_pattern": "^v.*", "tag_pattern_matches": False})]
    assert after == [im("^v.*", False, uuid="u1")]


def test_without_exclusive_unlisted_policies_stay_and_new_ones_are_created():
    existing = [ap("creation_date", "7d", uuid="u1")]
    changes, after = plan_changes(AUTOPRUNE, existing, [ap("number_of_tags", 10, "^v")])
    assert [c.action for c in changes] == ["create"]
    assert [p["uuid"] for p in after] == ["u1", None]


# -- exclusive -----------------------------------------------------------------------------------------------------

def test_exclusive_reuses_an_unlisted_policy_instead_of_delete_and_create():
    existing = [ap("number_of_tags", 10, uuid="u1"), ap("creation_date", "5d", uuid="u2"), ap("number_of_tags", 3, "^x", uuid="u3")]
    desired = [ap("creation_date", "2w", "^tmp-")]
    changes, after = plan_changes(AUTOPRUNE, existing, desired, exclusive=True)
    # The creation_date policy becomes the listed one (same method first); the others go, deletes first.
    assert summary(changes) == [
        ("delete", "u1", None),
        ("delete", "u3", None),
        ("update", "u2", {"method": "creation_date", "value": "2w", "tag_pattern": "^tmp-", "tag_pattern_matches": True}),
    ]
    assert [(p["uuid"], p["value"]) for p in after] == [("u2", "2w")]


def test_exclusive_pairs_by_method_before_taking_any_unlisted_policy():
    # The first listed policy must not take the creation_date policy the second one can be made from.
    existing = [ap("creation_date", "5d", matches=None, uuid="fixture")]
    changes, after = plan_changes(AUTOPRUNE, existing, [ap("number_of_tags", 20), ap("creation_date", "2w", "^ci-")],
                                  exclusive=True)
    assert [(c.action, c.uuid, c.after["method"]) for c in changes] == [("update", "fixture", "creation_date"),
                                                                        ("create", None, "number_of_tags")]
    assert [p["method"] for p in after] == ["creation_date", "number_of_tags"]


def test_exclusive_with_an_empty_list_deletes_everything():
    existing = [im("^a", uuid="u1"), im("^b", uuid="u2")]
    changes, after = plan_changes(IMMUTABILITY, existing, [], exclusive=True)
    assert [(c.action, c.uuid) for c in changes] == [("delete", "u1"), ("delete", "u2")]
    assert after == []


def test_exclusive_removes_duplicates_quay_let_a_put_make():
    # A PUT can make two identical auto-prune policies (Quay does not check); exclusive keeps one.
    existing = [ap("creation_date", "7d", uuid="u1"), ap("creation_date", "7d", uuid="u2")]
    changes, after = plan_changes(AUTOPRUNE, existing, [ap("creation_date", "7d")], exclusive=True)
    assert [(c.action, c.uuid) for c in changes] == [("delete", "u2")]
    assert [p["uuid"] for p in after] == ["u1"]


def test_writes_go_deletes_then_updates_then_creates():
    existing = [im("^a", uuid="u1"), im("^b", uuid="u2")]
    changes, _after = plan_changes(IMMUTABILITY, existing, [im("^b", False), im("^c"), im("^d")], exclusive=True)
    assert [(c.action, c.uuid) for c in changes] == [("update", "u2"), ("update", "u1"), ("create", None)]
    changes, _after = plan_changes(IMMUTABILITY, existing + [im("^z", uuid="u3")], [im("^c")], exclusive=True)
    assert [c.action for c in changes] == ["delete", "delete", "update"]


def test_an_update_never_produces_a_duplicate():
    # Every listed policy equal to an existing one keeps that one, before any other existing policy may be
    # updated: so no update ever targets the content of a policy that stays.
    existing = [ap("number_of_tags", 10, uuid="u1"), ap("number_of_tags", 20, uuid="u2")]
    desired = [ap("number_of_tags", 10, "^a"), ap("number_of_tags", 20)]
    changes, after = plan_changes(AUTOPRUNE, existing, desired, exclusive=True)
    assert summary(changes) == [("update", "u1", {"method": "number_of_tags", "value": 10, "tag_pattern": "^a",
                                                  "tag_pattern_matches": True})]
    contents = [AUTOPRUNE.content(p) for p in after]
    assert len(contents) == len(set(contents)) == 2


# -- absent --------------------------------------------------------------------------------------------------------

def test_absent_deletes_only_equal_policies_and_every_copy():
    existing = [ap("number_of_tags", 10, uuid="u1"), ap("number_of_tags", 20, uuid="u2"), ap("number_of_tags", 10, uuid="u3")]
    changes, after = plan_changes(AUTOPRUNE, existing, [ap("number_of_tags", 10), ap("creation_date", "1d")], state="absent")
    assert [(c.action, c.uuid) for c in changes] == [("delete", "u1"), ("delete", "u3")]
    assert [p["uuid"] for p in after] == ["u2"]


def test_diff_view_has_content_only():
    assert diff_view(IMMUTABILITY, [im("^v", uuid="u1")]) == [{"tag_pattern": "^v", "tag_pattern_matches": True}]


def test_covering_policy_matches_whole_names_in_order():
    policies = [im("v5"), im("release-.*", False)]
    assert covering_policy(policies, "v5")["tag_pattern"] == "v5"
    assert covering_policy(policies, "release-1") is None
    assert covering_policy(policies, "v5.5")["tag_pattern"] == "release-.*"
