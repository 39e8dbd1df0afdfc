# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quay_tag, quay_tag_info and quay_tag_restore with ``repository`` as a list: one task, every repository, in
parallel, through the modules' real main() against a small stand-in for Quay (minquay.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from collections import Counter

import pytest

from ansible_collections.quaytools.tags.plugins.modules import quay_tag, quay_tag_info, quay_tag_restore
from ansible_collections.quaytools.tags.tests.unit.conftest import TOKEN
from ansible_collections.quaytools.tags.tests.unit.plugins.modules.minquay import MiniQuay, digest

OLD = digest(1)
NEW = digest(2)
REPOS = ["org/r%02d" % index for index in range(12)]


def world(repositories=REPOS, **extra):
    tags = {"candidate": NEW, "stable": OLD, "latest": OLD, "ci-1": OLD, "ci-2": NEW, "ci-3": OLD}
    data = dict((repository, dict(tags)) for repository in repositories)
    data.update(extra)
    return MiniQuay(data)


def clean(result):
    result.pop("invocation", None)
    result.pop("api_requests", None)
    for entry in result.get("repositories", []):
        entry.pop("api_requests", None)
    return result


def per_repository(transport):
    """Requests per repository, by method: {repository: Counter({"GET": n, ...})}."""
    counts = {}
    for call in transport.calls:
        repository = "/".join(call.path.split("/")[4:6])
        counts.setdefault(repository, Counter())[call.method] += 1
    return counts


def test_promote_in_many_repositories(run_module, transport):
    quay = world()
    transport.handler = quay
    args = {"repository": REPOS, "name": ["stable"], "source_tag": "candidate", "parallel": 4}
    checked = run_module(quay_tag.main, args, check_mode=True, diff=True)
    assert transport.writes == [] and checked["api_requests"] == 12
    del transport.calls[:]
    real = run_module(quay_tag.main, args, diff=True)
    assert real["api_requests"] == 24 and real["changed"] is True
    assert clean(checked) == clean(dict(real))
    assert [entry["repository"] for entry in real["repositories"]] == REPOS
    for entry in real["repositories"]:
        assert (entry["changed"], entry["failed"], entry["msg"]) == (True, False, "")
        assert entry["tags"] == [dict(entry["tags"][0], name="stable", manifest_digest=NEW, repository=entry["repository"])]
    assert [tag["repository"] for tag in real["tags"]] == REPOS
    # The single-repository minimum in each: one GET (stable and candidate in one listing) and one PUT.
    assert per_repository(transport) == dict((repository, Counter({"GET": 1, "PUT": 1})) for repository in REPOS)
    assert [diff["before_header"] for diff in real["diff"]] == REPOS
    assert real["diff"][0]["before"]["stable"]["manifest_digest"] == OLD and real["diff"][0]["after"]["stable"]["manifest_digest"] == NEW
    assert all(quay.active(repository)["stable"] == NEW for repository in REPOS)
    again = run_module(quay_tag.main, args)
    assert again["changed"] is False and again["api_requests"] == 12
    assert not any(entry["changed"] for entry in again["repositories"])


def test_one_string_keeps_todays_result(run_module, transport):
    transport.handler = world()
    result = run_module(quay_tag.main, {"repository": "org/r01", "name": "stable", "source_tag": "candidate"})
    assert "repositories" not in result and "repository" not in result["tags"][0]
    assert result["changed"] is True and result["api_requests"] == 2


def test_a_list_of_one_has_the_list_shape(run_module, transport):
    transport.handler = world()
    result = run_module(quay_tag.main, {"repository": ["org/r01"], "name": "stable", "source_tag": "candidate"})
    assert [entry["repository"] for entry in result["repositories"]] == ["org/r01"]
    assert result["tags"][0]["repository"] == "org/r01"


def test_an_empty_list_does_nothing(run_module, transport):
    result = run_module(quay_tag.main, {"repository": [], "name": "stable", "source_tag": "candidate"})
    assert (result["changed"], result["repositories"], result["tags"], result["api_requests"]) == (False, [], [], 0)
    assert transport.calls == []


def test_a_failure_does_not_stop_the_others(run_module, transport):
    quay = world()
    quay.fail["org/r03"] = [(403, {"error_type": "insufficient_scope", "detail": "Unauthorized"}, None)]
    quay.fail["org/r07"] = [(503, {"message": "Repository is in read only or mirror mode: 1"}, None)] * 2
    transport.handler = quay
    repositories = ["org/r01", "org/r03", "org/missing", "org/r07", "org/r09"]
    result = run_module(quay_tag.main, {"repository": repositories, "name": "stable", "source_tag": "candidate"})
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("3 of 5 repositories failed (the other 2 were handled, 2 of them changed): ")
    assert "org/r03: permission denied (HTTP 403)" in result["msg"]
    assert "org/missing: repository org/missing not found (HTTP 404)" in result["msg"]
    assert "org/r07: repository org/r07 is in read-only or mirror mode (HTTP 503)" in result["msg"]
    status = dict((entry["repository"], (entry["failed"], entry["changed"])) for entry in result["repositories"])
    assert status == {"org/r01": (False, True), "org/r03": (True, False), "org/missing": (True, False),
                      "org/r07": (True, False), "org/r09": (False, True)}
    failed = [entry for entry in result["repositories"] if entry["failed"]]
    assert all(entry["error"]["kind"] in ("permission", "not_found", "readonly") and entry["tags"] == [] for entry in failed)
    assert quay.active("org/r01")["stable"] == NEW and quay.active("org/r07")["stable"] == OLD


def test_a_write_failing_half_way_names_what_changed(run_module, transport):
    quay = world()
    transport.handler = quay
    quay.fail["org/r02"] = []
    original = quay.__call__

    def flaky(call):
        if call.path.endswith("/org/r02/tag/ci-3"):
            return 409, {"error_type": "tag_immutable", "detail": "Cannot delete immutable tag 'ci-3'"}, None
        return original(call)
    transport.handler = flaky
    result = run_module(quay_tag.main, {"repository": ["org/r01", "org/r02"], "name": ["ci-1", "ci-3"], "state": "absent"})
    entry = result["repositories"][1]
    assert (entry["failed"], entry["changed"], entry["changed_tags"], entry["failed_tag"]) == (True, True, ["ci-1"], "ci-3")
    assert "tags changed before the failure: ci-1" in entry["msg"]
    assert result["msg"].startswith("1 of 2 repositories failed (the other 1 were handled, 1 of them changed): org/r02: ")


def test_different_tags_per_repository_in_one_task(run_module, transport):
    quay = world()
    transport.handler = quay
    repository = [{"repository": "org/r01", "name": ["ci-1", "ci-3"]}, {"repository": "org/r02", "name": "ci-2"},
                  "org/r03"]
    args = {"repository": repository, "name": ["ci-1"], "state": "absent"}
    checked = run_module(quay_tag.main, args, check_mode=True)
    assert transport.writes == []
    result = run_module(quay_tag.main, args)
    assert clean(checked) == clean(dict(result))
    assert [[tag["name"] for tag in entry["tags"]] for entry in result["repositories"]] == [["ci-1", "ci-3"], ["ci-2"], ["ci-1"]]
    assert sorted(quay.active("org/r01")) == ["candidate", "ci-2", "latest", "stable"]
    assert sorted(quay.active("org/r02")) == ["candidate", "ci-1", "ci-3", "latest", "stable"]
    assert sorted(quay.active("org/r03")) == ["candidate", "ci-2", "ci-3", "latest", "stable"]


def test_an_entry_can_give_its_own_digest_instead_of_the_source_tag(run_module, transport):
    quay = world()
    transport.handler = quay
    args = {"repository": [{"repository": "org/r01", "manifest_digest": OLD}, "org/r02"], "name": "latest",
            "source_tag": "candidate"}
    result = run_module(quay_tag.main, args)
    assert [entry["changed"] for entry in result["repositories"]] == [False, True]
    assert quay.active("org/r01")["latest"] == OLD and quay.active("org/r02")["latest"] == NEW


def test_name_may_come_from_every_entry(run_module, transport):
    transport.handler = world()
    args = {"repository": [{"repository": "org/r01", "name": ["ci-1"]}], "state": "absent"}
    assert run_module(quay_tag.main, args)["changed"] is True
    args = {"repository": [{"repository": "org/r01", "name": ["ci-2"]}, "org/r02"], "state": "absent"}
    result = run_module(quay_tag.main, args)
    assert result["failed"] is True and result["msg"] == "name: give at least one tag name"


def test_expected_digests_per_repository(run_module, transport):
    quay = world(["org/r01", "org/r02"])
    transport.handler = quay
    args = {"repository": [{"repository": "org/r01", "name": ["ci-1", "ci-3"], "expected_digests": {"ci-1": OLD, "ci-3": NEW}},
                           {"repository": "org/r02", "name": ["ci-2"], "expected_digests": {"ci-2": NEW}}],
            "state": "absent"}
    checked = run_module(quay_tag.main, args, check_mode=True)
    assert transport.writes == []
    real = run_module(quay_tag.main, args)
    assert clean(checked) == clean(dict(real))
    # ci-3 points at OLD, not at the NEW the plan expected: left alone and reported, with its repository.
    assert [(tag["repository"], tag["name"], tag["manifest_digest"]) for tag in real["skipped_tags"]] == [("org/r01", "ci-3", OLD)]
    assert [tag["name"] for tag in real["repositories"][0]["skipped_tags"]] == ["ci-3"]
    assert real["repositories"][1]["skipped_tags"] == []
    assert sorted(quay.active("org/r01")) == ["candidate", "ci-2", "ci-3", "latest", "stable"]
    assert "ci-2" not in quay.active("org/r02")
    assert run_module(quay_tag.main, args)["changed"] is False


@pytest.mark.parametrize("repository, message", [
    (["org/r01", "Org/Bad"], "repository[1]: 'Org/Bad' is not a valid repository: namespace 'Org' must be"),
    (["org/r01", "noslash"], "repository[1]: 'noslash' is not a repository: use namespace/name"),
    (["org/r01", 42], "repository[1]: 42 is neither namespace/name nor a dictionary with a repository key"),
    ([{"name": ["x"]}], "repository[0]: a dictionary entry needs a repository key"),
    ([{"repository": "org/r01", "state": "present"}],
     "repository[0] (org/r01): state cannot be set per repository in quay_tag: an entry can give expected_digests, expiration, "
     "manifest_digest, name, source_tag"),
    ([{"repository": "org/r01", "name": ["bad tag"]}], "repository[0] (org/r01): name: 'bad tag' is not a valid tag name"),
    (["org/r01", {"repository": "org/r02", "manifest_digest": "sha256:short"}],
     "repository[1] (org/r02): manifest_digest: 'sha256:short' is not a manifest digest"),
    (["org/r01", "org/r02", "org/r01"], "repository: org/r01 is listed twice (entries 0 and 2): list each repository once"),
    ({"repository": "org/r01"}, "repository: give namespace/name, or a list of them"),
])
def test_every_entry_is_checked_before_any_request(run_module, transport, repository, message):
    result = run_module(quay_tag.main, {"repository": repository, "name": "stable", "state": "absent"})
    assert result["failed"] is True
    assert result["msg"].startswith(message), result["msg"]
    assert transport.calls == []


def test_a_bad_task_option_is_reported_once(run_module, transport):
    result = run_module(quay_tag.main, {"repository": REPOS, "name": "stable", "expiration": "soon"})
    assert result["failed"] is True and result["msg"].startswith("expiration: 'soon' is not an expiration")
    assert transport.calls == []


@pytest.mark.parametrize("parallel", [0, 33, -2])
def test_parallel_out_of_range(run_module, transport, parallel):
    result = run_module(quay_tag_info.main, {"repository": "org/r01", "parallel": parallel})
    assert result["failed"] is True and result["msg"].startswith("parallel must be a whole number from 1")
    assert transport.calls == []


def test_parallel_from_the_environment(run_module, transport, monkeypatch):
    transport.handler = world()
    monkeypatch.setenv("QUAY_PARALLEL", "0")
    result = run_module(quay_tag_info.main, {"repository": REPOS})
    assert result["failed"] is True and "got 0" in result["msg"]


def test_one_at_a_time(run_module, transport):
    transport.handler = world()
    result = run_module(quay_tag_info.main, {"repository": REPOS[:4], "parallel": 1})
    assert [entry["repository"] for entry in result["repositories"]] == REPOS[:4]
    assert result["api_requests"] == 4


def test_list_the_tags_of_many_repositories(run_module, transport):
    quay = world(REPOS[:3])
    transport.handler = quay
    result = run_module(quay_tag_info.main, {"repository": REPOS[:3], "filter_tag_name": "like:ci-"})
    assert result["changed"] is False and result["api_requests"] == 3
    assert len(result["tags"]) == 9
    assert [(tag["repository"], tag["name"]) for tag in result["tags"][:3]] == [("org/r00", "ci-1"), ("org/r00", "ci-2"),
                                                                                ("org/r00", "ci-3")]
    assert [len(entry["tags"]) for entry in result["repositories"]] == [3, 3, 3]


def test_info_entries_can_ask_for_another_tag(run_module, transport):
    transport.handler = world(REPOS[:2])
    result = run_module(quay_tag_info.main, {"repository": [{"repository": "org/r00", "name": "latest"}, "org/r01"],
                                             "name": "stable"})
    assert [(tag["repository"], tag["name"]) for tag in result["tags"]] == [("org/r00", "latest"), ("org/r01", "stable")]


def test_restore_in_many_repositories(run_module, transport):
    quay = world(REPOS[:3])
    transport.handler = quay
    for repository in REPOS[:2]:
        quay.delete(repository, "latest")
    args = {"repository": REPOS[:3], "name": "latest"}
    checked = run_module(quay_tag_restore.main, args, check_mode=True, diff=True)
    assert transport.writes == []
    result = run_module(quay_tag_restore.main, args, diff=True)
    assert clean(checked) == clean(dict(result))
    assert [entry["changed"] for entry in result["repositories"]] == [True, True, False]
    assert [entry["tag"]["previous_manifest_digest"] for entry in result["repositories"]] == [None, None, OLD]
    assert [(tag["repository"], tag["manifest_digest"]) for tag in result["tags"]] == [(r, OLD) for r in REPOS[:3]]
    assert [diff["after_header"] for diff in result["diff"]] == REPOS[:2]
    assert all(quay.active(repository)["latest"] == OLD for repository in REPOS[:3])


def test_warnings_name_their_repository(run_module, transport):
    quay = world(REPOS[:2])
    quay.fail["org/r01"] = [(502, None, None)]
    transport.handler = quay
    result = run_module(quay_tag_info.main, {"repository": REPOS[:2], "retries": 1})
    assert not result.get("failed")
    assert len(result["warnings"]) == 1
    assert result["warnings"][0].startswith("org/r01: GET /api/v1/repository/org/r01/tag/: HTTP 502; retried in ")


def test_a_429_slows_the_whole_task_and_says_so(run_module, transport):
    quay = world(REPOS[:6])
    quay.fail["org/r02"] = [(429, {"message": "slow down"}, {"Retry-After": "0"})]
    transport.handler = quay
    result = run_module(quay_tag_info.main, {"repository": REPOS[:6], "parallel": 4})
    assert not result.get("failed")
    assert any(w.startswith("org/r02: GET /api/v1/repository/org/r02/tag/: HTTP 429 (rate limited)") for w in result["warnings"])
    assert any(w.startswith("Quay rate-limited this task (HTTP 429) 1 time(s)") and "went down to 2 (parallel is 4" in w
               for w in result["warnings"])


def test_the_token_appears_nowhere(run_module, transport):
    quay = world(REPOS[:4])
    quay.fail["org/r01"] = [(500, {"message": "token %s rejected" % TOKEN}, None)]
    transport.handler = quay
    result = run_module(quay_tag.main, {"repository": REPOS[:4], "name": "stable", "source_tag": "candidate",
                                        "parallel": 4}, diff=True)
    assert result["failed"] is True
    assert TOKEN not in json.dumps(result)
