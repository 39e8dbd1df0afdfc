# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quay_immutability_policy and its info module through their real main(): the tags a policy makes immutable."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.quaytools.tags.plugins.module_utils._immutability_policy import tags_made_immutable
from ansible_collections.quaytools.tags.tests.unit.plugins.modules.policy_passes import four_passes
from ansible_collections.quaytools.tags.plugins.modules import quay_immutability_policy, quay_immutability_policy_info

D1 = "sha256:" + "a1" * 32
ORG = "/api/v1/organization/myorg/immutabilitypolicy/"
REPO = "/api/v1/repository/myorg/app/immutabilitypolicy/"


def tag(name, immutable=False, end_in=None, digest=D1):
    now = int(time.time())
    row = {"name": name, "reversion": False, "immutable": immutable, "start_ts": now - 600, "manifest_digest": digest,
           "is_manifest_list": False, "size": 10}
    if end_in is not None:
        row["end_ts"] = now + end_in
    return row


class FakeQuay:
    """Immutability policies of one scope and the active tags of its repositories, as Quay keeps them."""

    def __init__(self, base, repositories, policies=(), page_size=100):
        self.base = base
        self.repositories = repositories          # {"myorg/app": [rows]}
        self.policies = [dict(p) for p in policies]
        self.page_size = page_size
        self.counter = 0

    def _apply(self, pattern, matches, repositories):
        for name in repositories:
            for row in self.repositories[name]:
                alive = row.get("end_ts") is None or row["end_ts"] > time.time()
                if alive and bool(re.fullmatch(pattern, row["name"])) == matches and not row["immutable"]:
                    row["immutable"] = True
                    row.pop("end_ts", None)

    def _scope_repositories(self):
        if self.base.startswith("/api/v1/repository/"):
            return [self.base[len("/api/v1/repository/"):-len("/immutabilitypolicy/")]]
        return list(self.repositories)

    def __call__(self, call):
        if call.path == "/api/v1/repository" and call.method == "GET":
            names = sorted(self.repositories)
            start = int(call.query.get("next_page", "0"))
            page = names[start:start + self.page_size]
            body = {"repositories": [{"namespace": n.split("/")[0], "name": n.split("/", 1)[1]} for n in page]}
            if start + self.page_size < len(names):
                body["next_page"] = str(start + self.page_size)
            return 200, body, None
        if call.path.endswith("/tag/") and call.method == "GET":
            repository = call.path[len("/api/v1/repository/"):-len("/tag/")]
            return 200, {"tags": self.repositories[repository], "page": 1, "has_additional": False}, None
        if call.path == self.base and call.method == "GET":
            return 200, {"policies": self.policies}, None
        if call.path == self.base and call.method == "POST":
            pattern = call.body["tagPattern"]
            if any(p["tagPattern"] == pattern for p in self.policies):
                return 400, {"error_message": "A policy with the same tag_pattern already exists",
                             "error_type": "invalid_request"}, None
            self.counter += 1
            matches = call.body.get("tagPatternMatches", True)
            self.policies.append({"uuid": "new-%d" % self.counter, "tagPattern": pattern, "tagPatternMatches": matches})
            self._apply(pattern, matches, self._scope_repositories())
            return 201, {"uuid": "new-%d" % self.counter}, None
        uuid = call.path[len(self.base):]
        for index, policy in enumerate(self.policies):
            if policy["uuid"] == uuid:
                if call.method == "PUT":
                    self.policies[index] = {"uuid": uuid, "tagPattern": call.body["tagPattern"],
                                            "tagPatternMatches": call.body.get("tagPatternMatches", True)}
                    self._apply(call.body["tagPattern"], call.body.get("tagPatternMatches", True), self._scope_repositories())
                    return 204, None, None
                del self.policies[index]
                return 200, {"uuid": uuid}, None
        return 404, {"error_message": "Not Found", "error_type": "not_found"}, None


def test_repository_policy_four_passes_and_the_tags_it_makes_immutable(transport, run_module):
    fake = FakeQuay(REPO, {"myorg/app": [tag("latest"), tag("v1.0"), tag("v2.0", end_in=3 * 86400), tag("v5"),
                                         tag("v0.9", immutable=True), tag("v1.1", end_in=-60)]})
    transport.handler = fake
    args = {"repository": "myorg/app", "policies": [{"tag_pattern": "v[0-9].*"}]}
    (check, check_calls), (real, real_calls), (again, again_calls), (last, last_calls) = four_passes(
        run_module, transport, quay_immutability_policy.main, args)

    expected = ["v1.0", "v2.0", "v5"]
    assert [t["name"] for t in check["tags_made_immutable"]] == expected
    assert check["tags_made_immutable"] == real["tags_made_immutable"]
    assert [c.method for c in check_calls] == ["GET", "GET"]
    assert [(c.method, c.path) for c in real_calls] == [
        ("GET", REPO), ("GET", "/api/v1/repository/myorg/app/tag/"), ("POST", REPO)]
    v2 = real["tags_made_immutable"][1]
    assert v2["expiration"] is not None and v2["tag_pattern"] == "v[0-9].*" and v2["repository"] == "myorg/app"
    assert check["diff"] == real["diff"]
    assert real["diff"]["after"]["tags_made_immutable"] == ["myorg/app:v1.0", "myorg/app:v2.0", "myorg/app:v5"]
    assert [r["name"] for r in fake.repositories["myorg/app"] if r["immutable"]] == ["v1.0", "v2.0", "v5", "v0.9"]
    for result, calls in ((again, again_calls), (last, last_calls)):
        assert result["changed"] is False and result["tags_made_immutable"] == []
        assert [c.method for c in calls] == ["GET"]


def test_the_pattern_must_match_the_whole_name_and_matches_false_inverts():
    rows = [tag("v5"), tag("v5.5"), tag("release-1"), tag("latest")]
    assert [t["name"] for t in tags_made_immutable([("o/r", rows)], [{"tag_pattern": "v5", "tag_pattern_matches": True}],
                                                   time.time())] == ["v5"]
    assert [t["name"] for t in tags_made_immutable([("o/r", rows)], [{"tag_pattern": "release-.*",
                                                                      "tag_pattern_matches": False}], time.time())] == \
        ["latest", "v5", "v5.5"]


def test_flipping_matches_updates_in_place_and_marks_the_other_tags(transport, run_module):
    fake = FakeQuay(REPO, {"myorg/app": [tag("release-1", immutable=True), tag("latest"), tag("x1")]},
                    policies=[{"uuid": "u1", "tagPattern": "release-.*", "tagPatternMatches": True}])
    transport.handler = fake
    result = run_module(quay_immutability_policy.main, {"repository": "myorg/app", "policies": [
        {"tag_pattern": "release-.*", "tag_pattern_matches": False}]})
    assert [(c["action"], c["uuid"]) for c in result["changes"]] == [("updated", "u1")]
    assert [t["name"] for t in result["tags_made_immutable"]] == ["latest", "x1"]
    assert [c.method for c in transport.calls] == ["GET", "GET", "PUT"]


def test_organization_policy_reads_every_repository_of_the_namespace(transport, run_module):
    repositories = dict(("myorg/r%d" % n, [tag("v%d" % n), tag("latest")]) for n in range(5))
    fake = FakeQuay(ORG, repositories, page_size=2)
    transport.handler = fake
    args = {"namespace": "myorg", "policies": [{"tag_pattern": "v[0-9]+"}]}
    (check, check_calls), (real, dummy), (again, dummy), (dummy, dummy) = four_passes(
        run_module, transport, quay_immutability_policy.main, args)
    listings = [c for c in check_calls if c.path == "/api/v1/repository"]
    assert len(listings) == 3 and listings[1].query == {"namespace": "myorg", "next_page": "2"}
    assert [(t["repository"], t["name"]) for t in check["tags_made_immutable"]] == [("myorg/r%d" % n, "v%d" % n) for n in range(5)]
    assert real["tags_made_immutable"] == check["tags_made_immutable"]
    assert again["changed"] is False


def test_deleting_a_policy_reads_no_tag_and_makes_nothing_immutable(transport, run_module):
    fake = FakeQuay(REPO, {"myorg/app": [tag("v1")]}, policies=[{"uuid": "u1", "tagPattern": "v.*", "tagPatternMatches": True}])
    transport.handler = fake
    result = run_module(quay_immutability_policy.main, {"repository": "myorg/app", "exclusive": True, "policies": []})
    assert result["changed"] and result["tags_made_immutable"] == []
    assert [c.method for c in transport.calls] == ["GET", "DELETE"]


def test_report_tags_false_reads_no_tags(transport, run_module):
    transport.handler = FakeQuay(ORG, {"myorg/app": [tag("v1")]})
    result = run_module(quay_immutability_policy.main, {"namespace": "myorg", "report_tags": False,
                                                        "policies": [{"tag_pattern": "v.*"}]})
    assert result["changed"] and "tags_made_immutable" not in result
    assert [c.method for c in transport.calls] == ["GET", "POST"]


def test_a_token_that_cannot_read_the_tags_fails_before_any_write(transport, run_module):
    transport.expect("GET", ORG, body={"policies": []})
    transport.expect("GET", "/api/v1/repository", body={"repositories": [{"namespace": "myorg", "name": "app"}]})
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", status=403, body={
        "error_message": "Unauthorized", "error_type": "insufficient_scope"})
    result = run_module(quay_immutability_policy.main, {"namespace": "myorg", "policies": [{"tag_pattern": "v.*"}]})
    assert result["failed"] and result["changed"] is False and transport.writes == []
    assert "(the token needs repo:read for that); report_tags: false skips that reading" in result["msg"]


def test_pattern_checks_before_any_request(transport, run_module):
    for pattern, fragment in (("[", "is not a valid regular expression"), ("a" * 257, "more than the 256 Quay allows"),
                              (" v1", "has blanks at its start or end")):
        result = run_module(quay_immutability_policy.main, {"namespace": "myorg", "policies": [{"tag_pattern": pattern}]})
        assert result["failed"] and fragment in result["msg"]
    result = run_module(quay_immutability_policy.main, {"repository": "myorg/app", "policies": [
        {"tag_pattern": "^v"}, {"tag_pattern": "^v", "tag_pattern_matches": False}]})
    assert "Quay keeps one policy per pattern" in result["msg"]
    assert transport.calls == []


def test_feature_off_says_so(transport, run_module):
    transport.expect("GET", ORG, status=404, body=b"<!DOCTYPE html><html><title>Quay</title></html>",
                     headers={"Content-Type": "text/html"})
    transport.expect("GET", "/config", body={"features": {"IMMUTABLE_TAGS": False}})
    result = run_module(quay_immutability_policy.main, {"namespace": "myorg", "policies": [{"tag_pattern": "v.*"}]})
    assert result["failed"] and "FEATURE_IMMUTABLE_TAGS is off on this Quay server" in result["msg"]
    transport.expect("GET", ORG, status=404, body=b"<!DOCTYPE html><html><title>Quay</title></html>",
                     headers={"Content-Type": "text/html"})
    transport.expect("GET", "/config", body={"features": {"AUTO_PRUNE": True}})
    result = run_module(quay_immutability_policy.main, {"namespace": "myorg", "policies": [{"tag_pattern": "v.*"}]})
    assert "this Quay server has no immutability policies (they need Quay 3.17 or later" in result["msg"]


def test_info_reads_one_scope(transport, run_module):
    transport.expect("GET", REPO, body={"policies": [{"uuid": "u1", "tagPattern": "^v", "tagPatternMatches": False}]})
    result = run_module(quay_immutability_policy_info.main, {"repository": "myorg/app"})
    assert result["changed"] is False
    assert result["policies"] == [{"uuid": "u1", "tag_pattern": "^v", "tag_pattern_matches": False}]
    assert (result["scope"], result["repository"]) == ("repository", "myorg/app")
