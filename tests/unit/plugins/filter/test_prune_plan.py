# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The retention selection of quaytools.tags.prune_plan, on its own (no Quay, no Ansible run)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.quaytools.tags.plugins.filter import prune_plan as filter_plugin
from ansible_collections.quaytools.tags.plugins.filter.prune_plan import FilterModule, prune_plan
from ansible_collections.quaytools.tags.plugins.module_utils import _prune
from ansible_collections.quaytools.tags.plugins.module_utils._prune import RULES, format_age, plan

NOW = 1800000000
DAY = 86400
D_LATEST = "sha256:" + "a" * 64
D_OLD = "sha256:" + "b" * 64
D_OTHER = "sha256:" + "c" * 64


def tag(name, age_days, digest=D_OTHER, **extra):
    """A row shaped like quay_tag_info's output, started age_days before NOW."""
    row = {"name": name, "manifest_digest": digest, "active": True, "start_ts": NOW - int(age_days * DAY)}
    row.update(extra)
    return row


def names(entries):
    return [e["name"] for e in entries]


def by_name(result):
    return {e["name"]: e for e in result["prune"] + result["keep"]}


# --- the filter is what Ansible loads -------------------------------------------------------------


def test_filter_module_exposes_prune_plan_under_its_documented_name():
    assert FilterModule().filters() == {"prune_plan": prune_plan}


def test_filter_documentation_names_the_filter_after_its_file():
    import yaml

    doc = yaml.safe_load(filter_plugin.DOCUMENTATION)
    assert doc["name"] == "prune_plan"
    assert set(doc["options"]) == {"_input", "match", "older_than", "keep_newest", "protect", "protect_manifests",
                                   "now"}
    assert doc["options"]["protect"]["default"] == list(_prune.DEFAULT_PROTECT)
    yaml.safe_load(filter_plugin.EXAMPLES)
    returned = yaml.safe_load(filter_plugin.RETURN)
    assert set(returned["_value"]["contains"]) == {"prune", "keep", "repositories", "targets"}


# --- an empty policy is refused --------------------------------------------------------------------


@pytest.mark.parametrize("match", [None, [], "", [""]])
def test_empty_policy_is_refused_instead_of_pruning_everything(match):
    tags = [tag("ci-1", 90), tag("ci-2", 80)]
    with pytest.raises(AnsibleFilterError) as err:
        prune_plan(tags, match=match)
    assert "match" in str(err.value)
    if match in (None, []):
        assert "empty policy is refused" in str(err.value)


def test_refused_even_for_an_empty_input():
    # The role validates its policy by running the filter on no tags before reading any repository.
    with pytest.raises(AnsibleFilterError, match="matches nothing"):
        prune_plan([], match=[])
    assert prune_plan([], match=["ci-.*"], now=NOW) == {"prune": [], "keep": []}


# --- matching -------------------------------------------------------------------------------------


def test_patterns_must_match_the_whole_name():
    tags = [tag("ci-1", 1), tag("old-ci-1", 1), tag("ci-1-debug", 1)]
    result = prune_plan(tags, match=["ci-[0-9]+"], now=NOW)
    assert names(result["prune"]) == ["ci-1"]
    assert {e["name"]: e["rule"] for e in result["keep"]} == {"old-ci-1": "unmatched", "ci-1-debug": "unmatched"}


def test_any_of_several_patterns_matches_and_the_reason_names_the_pattern():
    tags = [tag("pr-7", 3), tag("ci-2", 2), tag("release", 1)]
    result = prune_plan(tags, match=["ci-.*", "pr-[0-9]+"], protect=[], now=NOW)
    entries = by_name(result)
    assert names(result["prune"]) == ["ci-2", "pr-7"]
    assert entries["pr-7"]["reason"] == "matches 'pr-[0-9]+'"
    assert entries["ci-2"]["reason"] == "matches 'ci-.*'"
    assert entries["release"]["rule"] == "unmatched"


def test_a_single_pattern_may_be_given_as_a_string():
    result = prune_plan([tag("ci-1", 1), tag("x", 1, D_OLD)], match="ci-.*", protect="x", now=NOW)
    assert names(result["prune"]) == ["ci-1"]
    assert by_name(result)["x"]["rule"] == "protected"


# --- protection -----------------------------------------------------------------------------------


def test_latest_is_protected_by_default_even_when_everything_matches():
    tags = [tag("latest", 100, D_LATEST), tag("old", 100, D_OLD)]
    result = prune_plan(tags, match=[".*"], now=NOW)
    assert names(result["prune"]) == ["old"]
    latest = by_name(result)["latest"]
    assert latest["rule"] == "protected"
    assert latest["reason"] == "protected: matches protect pattern 'latest'"


def test_protect_patterns_replace_the_default_and_an_empty_list_protects_nothing():
    tags = [tag("latest", 10, D_LATEST), tag("v1.0", 10, D_OLD)]
    assert names(prune_plan(tags, match=[".*"], protect=["v[0-9.]+"], now=NOW)["prune"]) == ["latest"]
    assert names(prune_plan(tags, match=[".*"], protect=[], now=NOW)["prune"]) == ["latest", "v1.0"]


def test_a_match_on_the_manifest_of_a_protected_tag_is_kept_unless_told_otherwise():
    tags = [tag("latest", 1, D_LATEST), tag("ci-9", 40, D_LATEST), tag("ci-8", 50, D_OLD)]
    kept = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert names(kept["prune"]) == ["ci-8"]
    assert by_name(kept)["ci-9"]["rule"] == "protected_manifest"
    assert by_name(kept)["ci-9"]["reason"] == "same manifest as protected tag latest"

    released = prune_plan(tags, match=["ci-.*"], older_than="30d", protect_manifests=False, now=NOW)
    assert names(released["prune"]) == ["ci-9", "ci-8"]
    assert by_name(released)["latest"]["rule"] == "protected"


def test_only_protected_tags_shield_their_manifest():
    # "keepme" shares the manifest of ci-1 but is kept only because it matches no pattern: no shield.
    tags = [tag("keepme", 1, D_OLD), tag("ci-1", 40, D_OLD)]
    result = prune_plan(tags, match=["ci-.*"], protect=[], now=NOW)
    assert names(result["prune"]) == ["ci-1"]


def test_the_manifest_of_an_inactive_protected_row_shields_nothing():
    tags = [tag("latest", 1, D_LATEST, active=False), tag("ci-1", 40, D_LATEST)]
    assert names(prune_plan(tags, match=["ci-.*"], now=NOW)["prune"]) == ["ci-1"]


# --- age ------------------------------------------------------------------------------------------


def test_older_than_is_measured_from_the_tag_start_and_the_boundary_goes():
    tags = [
        {"name": "exactly", "manifest_digest": D_OLD, "active": True, "start_ts": NOW - 30 * DAY},
        {"name": "one-second-younger", "manifest_digest": D_OLD, "active": True, "start_ts": NOW - 30 * DAY + 1},
        {"name": "older", "manifest_digest": D_OLD, "active": True, "start_ts": NOW - 41 * DAY - 2 * 3600},
    ]
    result = prune_plan(tags, match=[".*"], older_than="30d", now=NOW)
    entries = by_name(result)
    assert names(result["prune"]) == ["exactly", "older"]
    assert entries["older"]["reason"] == "matches '.*', older than 30d (age 41d2h)"
    assert entries["one-second-younger"]["rule"] == "too_young"
    assert entries["one-second-younger"]["reason"] == "younger than 30d (age 29d23h)"


@pytest.mark.parametrize("older_than", ["2w", "1w7d", "336h", 1209600, "1209600"])
def test_older_than_accepts_durations_and_seconds(older_than):
    tags = [tag("a", 13.9), tag("b", 14)]
    result = prune_plan(tags, match=[".*"], protect=[], older_than=older_than, now=NOW)
    assert names(result["prune"]) == ["b"]
    assert names(result["keep"]) == ["a"]


def test_now_may_be_an_iso_8601_date_time():
    tags = [tag("a", 10)]
    iso = "2027-01-15T08:00:00Z"  # = 1800000000
    assert prune_plan(tags, match=["a"], older_than="10d", now=iso) == prune_plan(
        tags, match=["a"], older_than="10d", now=NOW)
    assert names(prune_plan(tags, match=["a"], older_than="10d", now="2027-01-15T07:59:59Z")["prune"]) == []


def test_now_defaults_to_the_current_time(monkeypatch):
    monkeypatch.setattr(_prune.time, "time", lambda: NOW + 5 * DAY)
    # 3 days old at NOW, 8 days old at the patched "current" time.
    result = prune_plan([tag("a", 3)], match=["a"], older_than="1w")
    assert names(result["prune"]) == ["a"]
    assert "age 8d" in result["prune"][0]["reason"]


def test_a_tag_without_start_time_is_kept_when_age_or_rank_matters_and_pruned_otherwise():
    row = {"name": "nostart", "manifest_digest": D_OLD, "active": True, "start_ts": None}
    assert by_name(prune_plan([row], match=[".*"], older_than="1d", now=NOW))["nostart"]["rule"] == "no_start"
    assert by_name(prune_plan([row], match=[".*"], keep_newest=1, now=NOW))["nostart"]["rule"] == "no_start"
    assert names(prune_plan([row], match=[".*"], now=NOW)["prune"]) == ["nostart"]


# --- keep newest ----------------------------------------------------------------------------------


def test_keep_newest_keeps_the_n_newest_matches_by_start():
    tags = [tag("ci-%d" % n, 10 - n) for n in range(1, 8)]  # ci-7 newest
    result = prune_plan(tags, match=["ci-.*"], keep_newest=3, now=NOW)
    assert names(result["keep"]) == ["ci-7", "ci-6", "ci-5"]
    assert names(result["prune"]) == ["ci-4", "ci-3", "ci-2", "ci-1"]
    assert by_name(result)["ci-6"]["reason"] == "one of the 3 newest matches (#2 of 7)"
    assert by_name(result)["ci-4"]["reason"] == "matches 'ci-.*', not among the 3 newest matches (#4 of 7)"


def test_keep_newest_orders_ties_by_name_and_ignores_input_order():
    tags = [tag("b", 1), tag("c", 1), tag("a", 1), tag("z", 0.5)]
    result = prune_plan(list(reversed(tags)), match=[".*"], protect=[], keep_newest=2, now=NOW)
    assert names(result["keep"]) == ["z", "a"]
    assert names(result["prune"]) == ["b", "c"]


def test_keep_newest_and_older_than_combine():
    # Newest 2 kept whatever their age; of the rest only those older than 30d go.
    tags = [tag("ci-a", 100), tag("ci-b", 90), tag("ci-c", 20), tag("ci-d", 35), tag("ci-e", 60)]
    result = prune_plan(tags, match=["ci-.*"], keep_newest=2, older_than="30d", now=NOW)
    rules = {e["name"]: e["rule"] for e in result["keep"]}
    assert rules == {"ci-c": "newest", "ci-d": "newest"}
    assert names(result["prune"]) == ["ci-e", "ci-b", "ci-a"]
    assert result["prune"][0]["reason"] == (
        "matches 'ci-.*', not among the 2 newest matches (#3 of 5), older than 30d (age 60d)")

    fewer = prune_plan(tags, match=["ci-.*"], keep_newest=1, older_than="40d", now=NOW)
    assert {e["name"]: e["rule"] for e in fewer["keep"]} == {"ci-c": "newest", "ci-d": "too_young"}


def test_name_protected_tags_do_not_count_toward_keep_newest_but_shared_manifests_do():
    tags = [
        tag("latest", 0, D_LATEST),
        tag("ci-5", 1, D_LATEST),
        tag("ci-4", 2),
        tag("ci-3", 3),
        tag("ci-2", 4),
    ]
    result = prune_plan(tags, match=[".*"], keep_newest=2, now=NOW)
    rules = {e["name"]: e["rule"] for e in result["keep"]}
    assert rules == {"latest": "protected", "ci-5": "newest", "ci-4": "newest"}
    assert names(result["prune"]) == ["ci-3", "ci-2"]


def test_keep_newest_larger_than_the_matches_keeps_them_all():
    result = prune_plan([tag("ci-1", 100), tag("ci-2", 200)], match=["ci-.*"], keep_newest=5, now=NOW)
    assert result["prune"] == []
    assert [e["rule"] for e in result["keep"]] == ["newest", "newest"]


# --- input handling -------------------------------------------------------------------------------


def test_inactive_rows_are_ignored():
    tags = [
        tag("gone", 50, active=False),
        {"name": "raw-dead", "manifest_digest": D_OLD, "start_ts": NOW - 50 * DAY, "end_ts": NOW - DAY},
        {"name": "raw-expiring", "manifest_digest": D_OLD, "start_ts": NOW - 50 * DAY, "end_ts": NOW + DAY},
        {"name": "raw-alive", "manifest_digest": D_OLD, "start_ts": NOW - 50 * DAY},
    ]
    result = prune_plan(tags, match=[".*"], now=NOW)
    assert names(result["prune"]) == ["raw-alive", "raw-expiring"]
    assert result["keep"] == []


def test_history_rows_of_one_name_count_once_using_the_newest_active_row():
    tags = [
        tag("ci-1", 40, D_OLD, active=False),
        tag("ci-1", 5, D_LATEST),
        tag("ci-1", 60, D_OTHER, active=False),
    ]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert result["prune"] == []
    assert result["keep"] == [{"name": "ci-1", "manifest_digest": D_LATEST, "start_ts": NOW - 5 * DAY,
                               "rule": "too_young", "reason": "younger than 30d (age 5d)"}]


def test_two_active_rows_of_one_name_count_once_using_the_newest():
    # Quay never lists two active rows for a name, but a hand-made input might: the newest row decides.
    tags = [tag("ci-1", 40, D_OLD), tag("ci-1", 5, D_LATEST)]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert result["prune"] == []
    assert [(e["name"], e["manifest_digest"], e["rule"]) for e in result["keep"]] == [("ci-1", D_LATEST, "too_young")]


def test_every_active_tag_appears_once_newest_first_with_all_keys():
    tags = [tag("ci-old", 90), tag("latest", 2, D_LATEST), tag("keep", 1), tag("ci-new", 3)]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    everything = result["keep"] + result["prune"]
    assert sorted(names(everything)) == ["ci-new", "ci-old", "keep", "latest"]
    assert names(result["keep"]) == ["keep", "latest", "ci-new"]
    for entry in everything:
        assert set(entry) == {"name", "manifest_digest", "start_ts", "rule", "reason"}
        assert entry["rule"] in RULES
    assert all(e["rule"] == "prune" for e in result["prune"])
    assert all(e["rule"] != "prune" for e in result["keep"])


def test_the_input_is_not_modified():
    tags = [tag("ci-1", 40), tag("latest", 1)]
    before = [dict(t) for t in tags]
    prune_plan(tags, match=["ci-.*"], now=NOW)
    assert tags == before


# --- errors name the offending argument -----------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"match": ["ci-("]}, r"match: 'ci-\(' is not a valid regular expression"),
        ({"match": ["ci-.*"], "protect": ["[z-a]"]}, r"protect: '\[z-a\]' is not a valid regular expression"),
        ({"match": [3]}, r"match: 3 is not a regular expression"),
        ({"match": ["ci-.*"], "older_than": "30 days"}, r"older_than: '30 days' is not a duration"),
        ({"match": ["ci-.*"], "older_than": 0}, r"older_than: 0 must be longer than zero"),
        ({"match": ["ci-.*"], "older_than": True}, r"older_than: True is not a duration"),
        ({"match": ["ci-.*"], "keep_newest": -1}, r"keep_newest: -1 must be zero or more"),
        ({"match": ["ci-.*"], "keep_newest": "many"}, r"keep_newest: 'many' is not a number of tags"),
        ({"match": ["ci-.*"], "keep_newest": 2.5}, r"keep_newest: 2.5 is not a whole number of tags"),
        ({"match": ["ci-.*"], "keep_newest": True}, r"keep_newest: True is not a number of tags"),
        ({"match": ["ci-.*"], "now": "yesterday"}, r"now: 'yesterday' is not an ISO 8601 date-time"),
        ({"match": ["ci-.*"], "protect_manifests": "no"}, r"protect_manifests: 'no' is not a boolean"),
    ],
)
def test_bad_arguments_fail_naming_the_argument(kwargs, message):
    with pytest.raises(AnsibleFilterError, match="quaytools.tags.prune_plan: " + message):
        prune_plan([tag("ci-1", 1)], **kwargs)


@pytest.mark.parametrize(
    "tags, message",
    [
        ({"tags": []}, "the input must be a list of tags"),
        ("ci-1", "the input must be a list of tags"),
        ([["ci-1"]], r"tag #0 of the input is not a dictionary"),
        ([{"manifest_digest": D_OLD}], r"tag #0 of the input has no name"),
    ],
)
def test_bad_input_fails_clearly(tags, message):
    with pytest.raises(AnsibleFilterError, match=message):
        prune_plan(tags, match=["ci-.*"], now=NOW)


def test_numeric_strings_for_keep_newest_are_accepted():
    result = plan([tag("ci-1", 2), tag("ci-2", 1)], match=["ci-.*"], keep_newest="1", now=NOW)
    assert names(result["prune"]) == ["ci-1"]


@pytest.mark.parametrize("seconds, text", [(0, "0s"), (59, "59s"), (60, "1m"), (3600, "1h"), (3660, "1h1m"),
                                           (86400, "1d"), (90000, "1d1h"), (-5, "0s")])
def test_format_age(seconds, text):
    assert format_age(seconds) == text
