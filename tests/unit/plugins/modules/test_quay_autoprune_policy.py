# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quay_autoprune_policy and its info module through their real main(): requests, results, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import requests

from ansible_collections.quaytools.tags.tests.unit.plugins.modules.policy_passes import four_passes
from ansible_collections.quaytools.tags.plugins.modules import quay_autoprune_policy, quay_autoprune_policy_info

from ansible_collections.quaytools.tags.tests.unit.conftest import TOKEN

ORG = "/api/v1/organization/myorg/autoprunepolicy/"
USER = "/api/v1/user/autoprunepolicy/"
REPO = "/api/v1/repository/myorg/app/autoprunepolicy/"
SCOPE_ERROR = {"detail": "Unauthorized", "error_message": "Unauthorized", "error_type": "insufficient_scope",
               "title": "insufficient_scope", "type": "https://quay.example.com/api/v1/error/insufficient_scope", "status": 403}
HTML = b"<!DOCTYPE html><html><head><title>Quay</title></head><body>...</body></html>"


def api(uuid, method, value, pattern=None, matches=True):
    return {"uuid": uuid, "method": method, "value": value, "tagPattern": pattern, "tagPatternMatches": matches}


def invalid(message):
    return {"detail": message, "error_message": message, "error_type": "invalid_request", "title": "invalid_request",
            "type": "https://quay.example.com/api/v1/error/invalid_request", "status": 400}


class FakePolicies:
    """The policy routes of one scope as Quay answers them (enough for the four-pass runs)."""

    def __init__(self, base, policies=()):
        self.base = base
        self.policies = [dict(p) for p in policies]
        self.counter = 0

    def __call__(self, call):
        if call.path == self.base and call.method == "GET":
            return 200, {"policies": self.policies}, None
        if call.path == self.base and call.method == "POST":
            self.counter += 1
            body = call.body
            policy = api("new-%d" % self.counter, body["method"], body["value"], body.get("tagPattern"),
                         body.get("tagPatternMatches", True))
            if any(dict(p, uuid=None) == dict(policy, uuid=None) for p in self.policies):
                return 400, invalid("Existing policy with same values for this namespace, duplicate policies are not permitted"), None
            self.policies.append(policy)
            return 201, {"uuid": policy["uuid"]}, None
        uuid = call.path[len(self.base):]
        for index, policy in enumerate(self.policies):
            if policy["uuid"] == uuid:
                if call.method == "PUT":
                    body = call.body
                    self.policies[index] = api(uuid, body["method"], body["value"], body.get("tagPattern"),
                                               body.get("tagPatternMatches", True))
                    return 204, None, None
                if call.method == "DELETE":
                    del self.policies[index]
                    return 200, {"uuid": uuid}, None
        return 404, {"detail": "Not Found", "error_type": "not_found"}, None


def test_organization_four_passes_with_an_update_in_place(transport, run_module):
    fake = FakePolicies(ORG, [api("u1", "number_of_tags", 10), api("u2", "creation_date", "5d", matches=None)])
    transport.handler = fake
    args = {"namespace": "myorg", "exclusive": True, "policies": [
        {"method": "number_of_tags", "value": 20},
        {"method": "creation_date", "value": "7d", "tag_pattern": "^ci-.*"}]}
    (check, check_calls), (real, real_calls), (again, again_calls), (last, last_calls) = four_passes(
        run_module, transport, quay_autoprune_policy.main, args)

    assert check["changed"] is True and [c.method for c in check_calls] == ["GET"]
    assert [(c["action"], c["uuid"]) for c in check["changes"]] == [("updated", "u1"), ("updated", "u2")]
    assert real["changed"] is True
    assert [(c.method, c.path) for c in real_calls] == [("GET", ORG), ("PUT", ORG + "u1"), ("PUT", ORG + "u2")]
    assert real_calls[1].body == {"method": "number_of_tags", "value": 20}
    assert real_calls[2].body == {"method": "creation_date", "value": "7d", "tagPattern": "^ci-.*", "tagPatternMatches": True}
    # Check mode predicted exactly what the run did and what Quay lists afterwards.
    assert check["policies"] == real["policies"] == [
        {"uuid": "u1", "method": "number_of_tags", "value": 20, "tag_pattern": None, "tag_pattern_matches": True},
        {"uuid": "u2", "method": "creation_date", "value": "7d", "tag_pattern": "^ci-.*", "tag_pattern_matches": True}]
    assert check["diff"] == real["diff"]
    assert real["diff"]["before"]["policies"][0] == {"method": "number_of_tags", "value": 10, "tag_pattern": None,
                                                     "tag_pattern_matches": True}
    assert [p["uuid"] for p in fake.policies] == ["u1", "u2"]
    for result, calls in ((again, again_calls), (last, last_calls)):
        assert result["changed"] is False and result["changes"] == []
        assert [c.method for c in calls] == ["GET"] and result["api_requests"] == 1
    assert TOKEN not in repr(real)


def test_user_scope_creates_through_the_user_route(transport, run_module):
    fake = FakePolicies(USER)
    transport.handler = fake
    args = {"scope": "user", "policies": [{"method": "creation_date", "value": "30d"}]}
    (check, dummy), (real, calls), (again, dummy), (last, dummy) = four_passes(
        run_module, transport, quay_autoprune_policy.main, args)
    assert check["changed"] and check["policies"][0]["uuid"] is None
    assert (real["scope"], real["namespace"]) == ("user", None)
    assert [(c.method, c.path) for c in calls] == [("GET", USER), ("POST", USER)]
    assert real["policies"][0]["uuid"] == "new-1" and real["changes"][0]["action"] == "created"
    assert check["diff"] == real["diff"]
    assert not again["changed"] and not last["changed"]


def test_repository_scope_absent_deletes_only_the_listed_policy(transport, run_module):
    fake = FakePolicies(REPO, [api("u1", "number_of_tags", 5), api("u2", "creation_date", "7d", "^ci-.*")])
    transport.handler = fake
    args = {"repository": "myorg/app", "state": "absent", "policies": [{"method": "number_of_tags", "value": 5}]}
    (check, dummy), (real, calls), (again, dummy), (last, dummy) = four_passes(
        run_module, transport, quay_autoprune_policy.main, args)
    assert check["changed"] and real["changed"] and not again["changed"] and not last["changed"]
    assert [(c.method, c.path) for c in calls] == [("GET", REPO), ("DELETE", REPO + "u1")]
    assert (real["scope"], real["namespace"], real["repository"]) == ("repository", "myorg", "myorg/app")
    assert [p["uuid"] for p in fake.policies] == ["u2"]


def test_bad_values_fail_before_any_request(transport, run_module):
    for policy, fragment in (
            ({"method": "creation_date", "value": "-1d"}, "policies[0].value: '-1d' is not a positive age"),
            ({"method": "number_of_tags", "value": 3, "tag_pattern": "["}, "policies[0].tag_pattern: '[' is not a valid"),
            ({"method": "creation_date", "value": "0d"}, "not a positive age")):
        result = run_module(quay_autoprune_policy.main, {"namespace": "myorg", "policies": [policy]})
        assert result["failed"] and fragment in result["msg"]
    for args, fragment in (
            ({"policies": []}, "give exactly one of namespace"),
            ({"scope": "user", "namespace": "myorg", "policies": []}, "namespace: not used with scope=user"),
            ({"namespace": "MyOrg", "policies": []}, "namespace: 'MyOrg' is not a namespace"),
            ({"repository": "myorg", "policies": []}, "repository: 'myorg' is not a repository"),
            ({"namespace": "myorg", "scope": "repository", "policies": []}, "scope=repository does not go with namespace"),
            ({"namespace": "myorg", "state": "absent", "exclusive": True, "policies": []}, "exclusive: only used with state=present")):
        result = run_module(quay_autoprune_policy.main, args)
        assert result["failed"] and fragment in result["msg"], result["msg"]
    assert transport.calls == []


def test_a_403_names_the_token_scope_each_scope_needs(transport, run_module):
    for args, path, scope in (({"namespace": "myorg"}, ORG, "org:admin"), ({"scope": "user"}, USER, "user:admin"),
                              ({"repository": "myorg/app"}, REPO, "repo:admin")):
        transport.expect("GET", path, status=403, body=SCOPE_ERROR)
        result = run_module(quay_autoprune_policy.main, dict(args, policies=[]))
        assert result["failed"] and "permission denied (HTTP 403)" in result["msg"]
        assert "the token needs the %s scope" % scope in result["msg"]
        assert result["error"]["kind"] == "permission"


def test_feature_off_is_read_from_config_and_nothing_is_written(transport, run_module):
    transport.expect("GET", REPO, status=404, body=HTML, headers={"Content-Type": "text/html; charset=utf-8"})
    transport.expect("GET", "/config", body={"features": {"AUTO_PRUNE": False, "IMMUTABLE_TAGS": True}, "config": {}})
    result = run_module(quay_autoprune_policy.main, {"repository": "myorg/app", "exclusive": True, "policies": []})
    assert result["failed"] and result["changed"] is False
    assert "FEATURE_AUTO_PRUNE is off on this Quay server (GET /config reports features.AUTO_PRUNE: false)" in result["msg"]
    assert transport.writes == []


def test_a_missing_repository_is_not_called_a_missing_feature(transport, run_module):
    transport.expect("GET", REPO, status=404, body={"detail": "Not Found", "error_type": "not_found", "status": 404})
    transport.expect("GET", "/config", body={"features": {"AUTO_PRUNE": True}})
    result = run_module(quay_autoprune_policy.main, {"repository": "myorg/app", "policies": []})
    assert result["failed"] and "repository myorg/app not found (HTTP 404)" in result["msg"]


def test_a_204_to_a_policy_delete_is_not_success(transport, run_module):
    # With the feature off Quay's repository route takes this URL and answers 204 without deleting anything.
    transport.expect("GET", REPO, body={"policies": [api("u1", "number_of_tags", 5)]})
    transport.expect("DELETE", REPO + "u1", status=204, body=None)
    result = run_module(quay_autoprune_policy.main, {"repository": "myorg/app", "exclusive": True, "policies": []})
    assert result["failed"] and result["changed"] is False
    assert "answered HTTP 204 with no body to the DELETE of policy u1" in result["msg"]
    assert "nothing was deleted" in result["msg"] and "no auto-prune policy was changed before it" in result["msg"]


def test_duplicate_refused_after_an_update_reports_the_update(transport, run_module):
    transport.expect("GET", ORG, body={"policies": [api("u1", "number_of_tags", 10)]})
    transport.expect("PUT", ORG + "u1", status=204)
    transport.expect("POST", ORG, status=400, body=invalid(
        "Existing policy with same values for this namespace, duplicate policies are not permitted"))
    result = run_module(quay_autoprune_policy.main, {"namespace": "myorg", "exclusive": True, "policies": [
        {"method": "number_of_tags", "value": 20}, {"method": "creation_date", "value": "7d"}]})
    assert result["failed"] and result["changed"] is True
    assert "changed before the failure: updated u1" in result["msg"]
    assert [(c["action"], c["uuid"]) for c in result["changes"]] == [("updated", "u1")]


def test_a_create_whose_answer_was_lost_is_read_back_not_sent_twice(transport, run_module):
    state = {"posted": 0}

    def handler(call):
        if call.method == "POST":
            state["posted"] += 1
            raise requests.exceptions.ReadTimeout("Read timed out")
        policies = [api("made-1", "number_of_tags", 10)] if state["posted"] else []
        return 200, {"policies": policies}, None

    transport.handler = handler
    result = run_module(quay_autoprune_policy.main, {"namespace": "myorg", "retries": 2,
                                                     "policies": [{"method": "number_of_tags", "value": 10}]})
    assert not result.get("failed"), result
    assert state["posted"] == 1 and result["policies"][0]["uuid"] == "made-1"
    assert any("not sent again" in w for w in result["warnings"])


def test_info_reads_one_scope(transport, run_module):
    transport.expect("GET", ORG, body={"policies": [api("u1", "creation_date", "5d", matches=None)]})
    result = run_module(quay_autoprune_policy_info.main, {"namespace": "myorg"}, check_mode=True)
    assert result["changed"] is False
    assert result["policies"] == [{"uuid": "u1", "method": "creation_date", "value": "5d", "tag_pattern": None,
                                   "tag_pattern_matches": None}]
    assert (result["scope"], result["namespace"], result["api_requests"]) == ("organization", "myorg", 1)
