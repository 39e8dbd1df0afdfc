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


def test_keep_newest_breaks_ties_of_start_by_quays_listing_order_not_by_name():
    # Quay reports whole seconds but lists by milliseconds, newest first: three tags pushed in one second come in
    # the order Quay pushed them (newest first), and that order, not the name, says which is newer.
    tags = [tag("z", 0.5), tag("c", 1), tag("a", 1), tag("b", 1)]
    result = prune_plan(tags, match=[".*"], protect=[], keep_newest=2, now=NOW)
    assert names(result["keep"]) == ["z", "c"]
    assert names(result["prune"]) == ["a", "b"]
    assert by_name(result)["a"]["reason"] == "matches '.*', not among the 2 newest matches (#3 of 4)"

    # The same rows listed the other way round within the second: the other tag is the newer one.
    relisted = prune_plan([tags[0], tags[3], tags[2], tags[1]], match=[".*"], protect=[], keep_newest=2, now=NOW)
    assert names(relisted["keep"]) == ["z", "b"]
    assert names(relisted["prune"]) == ["a", "c"]


def test_ties_keep_the_listing_order_in_the_output_and_among_older_rows():
    # Rows that tie are listed in the input's order, wherever they are in the input.
    tags = [tag("new", 0), tag("y", 5), tag("old", 9), tag("x", 5), tag("w", 5)]
    result = prune_plan(tags, match=[".*"], protect=[], keep_newest=3, now=NOW)
    assert names(result["keep"]) == ["new", "y", "x"]
    assert names(result["prune"]) == ["w", "old"]


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


# --- immutable tags -------------------------------------------------------------------------------
# Quay answers 409 to a DELETE of an immutable tag (and expires no immutable Cosign tag itself).


def test_an_immutable_tag_is_never_selected_and_the_plan_says_why():
    tags = [tag("ci-3", 10), tag("ci-2", 40, immutable=True), tag("ci-1", 50, immutable=False)]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert names(result["prune"]) == ["ci-1"]
    locked = by_name(result)["ci-2"]
    assert locked["rule"] == "immutable"
    assert locked["reason"] == "immutable: Quay refuses to delete it (matches 'ci-.*', older than 30d (age 40d))"
    assert "immutable" in RULES


def test_immutable_is_the_reason_only_when_the_policy_would_otherwise_remove_the_tag():
    tags = [tag("ci-4", 1, immutable=True), tag("ci-3", 2, immutable=True), tag("ci-2", 40), tag("ci-1", 41)]
    result = prune_plan(tags, match=["ci-.*"], keep_newest=1, older_than="30d", now=NOW)
    rules = {e["name"]: e["rule"] for e in result["keep"]}
    # ci-4 is the newest match, ci-3 too young: those rules come first. An immutable match still counts as a match.
    assert rules == {"ci-4": "newest", "ci-3": "too_young"}
    assert names(result["prune"]) == ["ci-2", "ci-1"]


def test_immutable_matches_count_toward_keep_newest():
    tags = [tag("ci-4", 1, immutable=True), tag("ci-3", 2), tag("ci-2", 3), tag("ci-1", 4, immutable=True)]
    result = prune_plan(tags, match=["ci-.*"], keep_newest=2, now=NOW)
    assert {e["name"]: e["rule"] for e in result["keep"]} == {"ci-4": "newest", "ci-3": "newest", "ci-1": "immutable"}
    assert names(result["prune"]) == ["ci-2"]


# --- Cosign signature, attestation and SBOM tags --------------------------------------------------
# Cosign names them after the manifest they belong to: sha256-<hex>.sig, .att, .sbom (they point at their own
# manifest). Quay expires the mutable ones in the request that removes the last other tag of that manifest.

HEX = "d" * 64
D_SIGNED = "sha256:" + HEX
D_SIG = "sha256:" + "e" * 64
D_LIST = "sha256:" + "f" * 64
SIG = "sha256-%s.sig" % HEX
ATT = "sha256-%s.att" % HEX
SBOM = "sha256-%s.sbom" % HEX


def test_a_signature_stays_while_its_manifest_keeps_a_tag_whatever_its_own_age_and_name():
    tags = [tag(SIG, 60, D_SIG), tag("ci-2", 1, D_SIGNED), tag("ci-1", 61, D_SIGNED)]
    result = prune_plan(tags, match=[".*"], older_than="30d", now=NOW)
    assert names(result["prune"]) == ["ci-1"]
    sig = by_name(result)[SIG]
    assert sig["rule"] == "subject_kept"
    assert sig["reason"] == "signature of %s, which keeps tag ci-2" % D_SIGNED
    assert "subject_kept" in RULES


def test_signature_attestation_and_sbom_go_with_the_last_tag_of_their_manifest_even_unmatched():
    tags = [tag(SBOM, 39, D_SIG), tag(ATT, 39, D_SIG), tag(SIG, 39, D_SIG), tag("ci-1", 40, D_SIGNED),
            tag("ci-0", 45, D_SIGNED), tag("release", 50, D_OLD)]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert names(result["prune"]) == [SBOM, ATT, SIG, "ci-1", "ci-0"]
    entries = by_name(result)
    assert entries[SIG]["reason"] == "signature of %s, which loses its last tags (ci-1, ci-0)" % D_SIGNED
    assert entries[ATT]["reason"] == "attestation of %s, which loses its last tags (ci-1, ci-0)" % D_SIGNED
    assert entries[SBOM]["reason"] == "SBOM of %s, which loses its last tags (ci-1, ci-0)" % D_SIGNED
    assert all(entries[name]["rule"] == "prune" for name in (SIG, ATT, SBOM))
    assert entries["release"]["rule"] == "unmatched"


def test_a_cosign_tag_is_listed_before_the_tags_of_its_manifest_so_deleting_in_order_removes_it_itself():
    # Were the manifest's last tag deleted first, Quay would expire the signature in that request, and its own
    # DELETE would find it gone (404): a real run would then report fewer changes than check mode predicted.
    tags = [tag("ci-9", 39, D_SIGNED), tag("ci-8", 40, D_OTHER), tag(SIG, 41, D_SIG), tag("ci-1", 45, D_SIGNED)]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert names(result["prune"]) == [SIG, "ci-9", "ci-8", "ci-1"]


def test_a_signature_is_never_pruned_on_its_own_or_counted_among_the_newest():
    # The signature is the newest tag and matches: it is neither pruned by age nor the newest match.
    tags = [tag(SIG, 0.5, D_SIG), tag("ci-3", 1, D_SIGNED), tag("ci-2", 2), tag("ci-1", 3)]
    result = prune_plan(tags, match=[".*"], keep_newest=2, now=NOW)
    assert {e["name"]: e["rule"] for e in result["keep"]} == {SIG: "subject_kept", "ci-3": "newest", "ci-2": "newest"}
    assert names(result["prune"]) == ["ci-1"]


@pytest.mark.parametrize("kept", [
    tag("ci-1", 1, D_SIGNED),                   # too young
    tag("other", 90, D_SIGNED),                 # unmatched
    tag("ci-1", 90, D_SIGNED, immutable=True),  # immutable
    tag("latest", 90, D_SIGNED),                # protected
])
def test_a_tag_kept_by_any_rule_keeps_the_signature(kept):
    tags = [tag(SIG, 80, D_SIG), kept, tag("ci-9", 90, D_SIGNED)]
    result = prune_plan(tags, match=["ci-.*", "sha256-.*"], older_than="30d", protect_manifests=False, now=NOW)
    assert names(result["prune"]) == ["ci-9"]
    assert by_name(result)[SIG]["rule"] == "subject_kept"
    assert by_name(result)[SIG]["reason"] == "signature of %s, which keeps tag %s" % (D_SIGNED, kept["name"])


def test_an_immutable_signature_stays_when_its_manifest_loses_its_tags():
    tags = [tag(SIG, 39, D_SIG, immutable=True), tag("ci-1", 40, D_SIGNED)]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert names(result["prune"]) == ["ci-1"]
    assert by_name(result)[SIG]["rule"] == "immutable"
    assert by_name(result)[SIG]["reason"] == ("immutable: Quay refuses to delete it (signature of %s, which loses its "
                                              "last tags (ci-1))" % D_SIGNED)


@pytest.mark.parametrize("name", [
    "sha256-%s.foo" % HEX,          # not a Cosign suffix
    "sha256-%s.sig" % HEX.upper(),  # Quay's pattern is lower-case hex
    "sha256-%s.sig" % HEX[:63],     # not a whole digest
    "x-sha256-%s.sig" % HEX,
])
def test_names_that_only_look_like_cosign_tags_follow_the_ordinary_rules(name):
    tags = [tag(name, 60, D_SIG), tag("ci-1", 1, D_SIGNED)]
    result = prune_plan(tags, match=[".*"], older_than="30d", now=NOW)
    assert names(result["prune"]) == [name]


def test_a_signature_of_a_manifest_without_tags_follows_the_ordinary_rules():
    # Nothing removes such a tag together with its manifest's tags, so the policy decides, as for any tag.
    orphan = "sha256-%s.sig" % ("0" * 64)
    tags = [tag(orphan, 60, D_SIG), tag("ci-1", 1, D_SIGNED)]
    assert names(prune_plan(tags, match=[".*"], older_than="30d", now=NOW)["prune"]) == [orphan]
    assert by_name(prune_plan(tags, match=["ci-.*"], now=NOW))[orphan]["rule"] == "unmatched"


def test_a_signature_of_a_platform_manifest_follows_the_tags_of_its_manifest_list():
    # cosign sign --recursive signs each manifest of a list too; those manifests have no tag of their own.
    listed = tag("v1", 40, D_LIST, is_manifest_list=True, child_manifests_presence={D_SIGNED: True, D_OTHER: True})
    tags = [tag(SIG, 39, D_SIG), listed]
    kept = prune_plan(tags, match=["ci-.*", "sha256-.*"], older_than="30d", now=NOW)
    assert names(kept["prune"]) == []
    assert by_name(kept)[SIG]["reason"] == "signature of %s, which keeps tag v1" % D_SIGNED
    gone = prune_plan(tags, match=["v.*"], older_than="30d", now=NOW)
    assert names(gone["prune"]) == [SIG, "v1"]


def test_a_protected_signature_keeps_the_last_tags_of_its_manifest():
    # Deleting the manifest's last tag would make Quay expire the protected signature with it.
    tags = [tag(SIG, 39, D_SIG), tag("ci-2", 40, D_SIGNED), tag("ci-1", 41, D_SIGNED), tag("ci-0", 42)]
    for protect_manifests in (True, False):
        result = prune_plan(tags, match=["ci-.*"], older_than="30d", protect=["sha256-.*"],
                            protect_manifests=protect_manifests, now=NOW)
        assert names(result["prune"]) == ["ci-0"]
        entries = by_name(result)
        assert entries[SIG]["rule"] == "protected"
        assert entries["ci-2"]["rule"] == entries["ci-1"]["rule"] == "protected_manifest"
        assert entries["ci-2"]["reason"] == "Quay would remove protected tag %s with the last tag of this manifest" % SIG

    # Another tag of the manifest stays anyway: nothing else needs to.
    tags.append(tag("keep", 50, D_SIGNED))
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", protect=["sha256-.*"], now=NOW)
    assert names(result["prune"]) == ["ci-2", "ci-1", "ci-0"]


def test_an_immutable_protected_signature_shields_nothing():
    # Quay leaves immutable Cosign tags alone, so deleting the manifest's last tag does not touch it.
    tags = [tag(SIG, 39, D_SIG, immutable=True), tag("ci-1", 40, D_SIGNED)]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", protect=["sha256-.*"], now=NOW)
    assert names(result["prune"]) == ["ci-1"]


# --- input handling -------------------------------------------------------------------------------


def test_inactive_rows_are_ignored():
    tags = [
        tag("gone", 50, active=False),
        {"name": "raw-dead", "manifest_digest": D_OLD, "start_ts": NOW - 50 * DAY, "end_ts": NOW - DAY},
        {"name": "raw-expiring", "manifest_digest": D_OLD, "start_ts": NOW - 50 * DAY, "end_ts": NOW + DAY},
        {"name": "raw-alive", "manifest_digest": D_OLD, "start_ts": NOW - 50 * DAY},
    ]
    result = prune_plan(tags, match=[".*"], now=NOW)
    assert names(result["prune"]) == ["raw-expiring", "raw-alive"]  # same start: in the input's order
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
        ({"match": ["ci-.*"], "now": NOW * 1000}, r"now: 1800000000000 is not in epoch seconds: .*milliseconds"),
        ({"match": ["ci-.*"], "now": str(NOW * 1000)}, r"now: 1800000000000 is not in epoch seconds"),
        ({"match": ["ci-.*"], "now": 20261201}, r"now: 20261201 is ambiguous: .*2026-12-01"),
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


def test_a_signature_goes_with_the_last_tag_pointing_at_its_manifest_even_while_a_list_still_has_it():
    # Quay expires a manifest's Cosign tags with the last tag that points at the manifest itself; a manifest list
    # that has the manifest as a child does not keep them. The plan deletes the signature itself, first, so the real
    # run changes exactly what the plan lists.
    listed = tag("v1", 40, D_LIST, is_manifest_list=True, child_manifests_presence={D_SIGNED: True, D_OTHER: True})
    tags = [tag(SIG, 39, D_SIG), tag("ci-1", 41, D_SIGNED), listed]
    result = prune_plan(tags, match=["ci-.*"], older_than="30d", now=NOW)
    assert names(result["prune"]) == [SIG, "ci-1"]
    assert by_name(result)[SIG]["reason"] == "signature of %s, which loses its last tags (ci-1)" % D_SIGNED
    assert names(result["keep"]) == ["v1"]
