# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's policy endpoints and /config against what a real Quay answered (recorded exchanges).

The world below rebuilds the recorded one: user namespace ``devtable`` (repository ``schema2repo``), organization
``buynlarge`` administered by devtable (repository ``ocirepo``), an organization devtable is not in, and the tokens
of the recording (all of user devtable) by their scopes. Its namespaces start with the auto-prune policies Quay's
fixture database holds (stored without tag fields, so they read back ``tagPatternMatches: null``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from quayemu.model import SeedError
from quayemu.seed import State

D1 = "sha256:196f691da21518e0174071306451d0dbfb5c12611894d8939b4a53fd726893a1"
D2 = "sha256:8c2d912b64fddd1eff3239079478f8ff936c7d75d299d6ea0573c143557cdcd3"
ML = "sha256:c8a668cbb4f5f7bdf471c814625780962c55bb69822faa663c06120535bafa5e"
OCI = "sha256:1b655f93754163bf40ce00b49cc5c549a412a8e9c13adb0abf649c2a20f58f7d"
TOKENS = {
    "admin": ["repo:admin", "repo:write", "repo:read", "repo:create"],
    "write": ["repo:write", "repo:read"],
    "read": ["repo:read"],
    "p": ["user:read"],
    "orgadmin": ["org:admin", "repo:admin", "repo:write", "repo:read", "repo:create", "user:admin", "user:read"],
    "orgonly": ["org:admin"],
}
ORG = "/api/v1/organization/buynlarge/autoprunepolicy/"
USER = "/api/v1/user/autoprunepolicy/"
REPO = "/api/v1/repository/devtable/schema2repo/autoprunepolicy/"
IREPO = "/api/v1/repository/devtable/schema2repo/immutabilitypolicy/"
IORG = "/api/v1/organization/buynlarge/immutabilitypolicy/"
TAGS = "/api/v1/repository/devtable/schema2repo/tag/"
OCI_TAGS = "/api/v1/repository/buynlarge/ocirepo/tag/"
ZERO = "00000000-0000-0000-0000-000000000000"
ORG_FIXTURE = "de32ba4e-5b95-4f94-a418-8364665fad4c"
USER_FIXTURE = "b12ec1d4-4f5f-4fab-9fde-6254bb128f74"

VALUE_MISSING = (
    "'value' is a required property\n\nFailed validating 'required' in schema:\n    {'description': 'The policy "
    "configuration that is to be applied to the '\n                    'organization',\n     'properties': {'method': "
    "{'description': 'The method to use for '\n                                              'pruning tags '\n          "
    "                                    '(number_of_tags, '\n                                              "
    "'creation_date)',\n                               'type': 'string'},\n                    'tagPattern': "
    "{'description': 'Tags only matching this '\n                                                  'pattern will be "
    "pruned',\n                                   'type': 'string'},\n                    'tagPatternMatches': "
    "{'description': 'Determine '\n                                                         'whether pruned '\n        "
    "                                                 'tags should or '\n                                              "
    "           'should not match '\n                                                         'the tagPattern',\n       "
    "                                   'type': 'boolean'},\n                    'value': {'description': 'The value to "
    "use for the '\n                                             'pruning method (number of '\n                        "
    "                     'tags e.g. 10, time delta '\n                                             'e.g. 7d (7 "
    "days))',\n                              'type': ['integer', 'string']}},\n     'required': ['method', 'value'],\n"
    "     'type': 'object'}\n\nOn instance:\n    {'method': 'number_of_tags'}")
PATTERN_MISSING = (
    "'tagPattern' is a required property\n\nFailed validating 'required' in schema:\n    {'description': 'The "
    "immutability policy configuration',\n     'properties': {'tagPattern': {'description': 'Regex pattern to match '\n "
    "                                                 'tag names',\n                                   'type': "
    "'string'},\n                    'tagPatternMatches': {'description': 'If true, '\n                                 "
    "                        'matching tags '\n                                                         'are immutable. "
    "'\n                                                         'If false, '\n                                         "
    "                'non-matching '\n                                                         'tags are '\n           "
    "                                              'immutable.',\n                                          'type': "
    "'boolean'}},\n     'required': ['tagPattern'],\n     'type': 'object'}\n\nOn instance:\n    {}")


def recorded_world(auto_prune=True, immutable_tags=True):
    """The recorded server: mode full (both features on) unless a flag is turned off."""
    return {
        "config": {"auto_prune": auto_prune, "immutable_tags": immutable_tags},
        "tokens": dict(("tok-%s" % name, {"user": "devtable", "scopes": scopes}) for name, scopes in TOKENS.items()),
        "namespaces": {"devtable": {"owners": ["devtable"], "organization": False},
                       "buynlarge": {"owners": ["devtable"], "organization": True},
                       "orgwithnosuperuser": {"owners": ["someone"], "organization": True}},
        "repositories": {
            "devtable/schema2repo": {
                "manifests": [{"digest": D1, "size": 29}, {"digest": D2, "size": 29},
                              {"digest": ML, "children": [D1, D2],
                               "media_type": "application/vnd.docker.distribution.manifest.list.v2+json"}],
                "tags": [{"name": "latest", "manifest": D1, "start": -600}, {"name": "v1.0", "manifest": D1, "start": -600},
                         {"name": "v2.0", "manifest": D2, "start": -600}, {"name": "multiarch", "manifest": ML, "start": -600}],
            },
            "buynlarge/ocirepo": {
                "manifests": [{"digest": OCI, "size": 25, "media_type": "application/vnd.oci.image.manifest.v1+json"}],
                "tags": [{"name": name, "manifest": OCI, "start": -600} for name in ("latest", "stable", "v1")],
            },
        },
        "policies": [
            {"kind": "autoprune", "namespace": "buynlarge", "uuid": ORG_FIXTURE, "method": "creation_date", "value": "5d"},
            {"kind": "autoprune", "namespace": "devtable", "uuid": USER_FIXTURE, "method": "number_of_tags", "value": 10},
        ],
    }


def auth(name):
    return {"Authorization": "Bearer tok-%s" % name}


def error(client, status, error_type, detail):
    return {"detail": detail, "error_message": detail, "error_type": error_type, "title": error_type,
            "type": "%s/api/v1/error/%s" % (client.url, error_type), "status": status}


def invalid(client, detail):
    return error(client, 400, "invalid_request", detail)


@pytest.fixture
def quay(make_emulator):
    return make_emulator(recorded_world())[1]


def answer(response):
    return response.status_code, (response.json() if response.content else None)


def active(client, path, name, token="admin"):
    rows = client.get(path + "?specificTag=%s&onlyActiveTags=true" % name, auth=auth(token)).json()["tags"]
    return rows[0] if rows else None


# -- auto-prune ------------------------------------------------------------------------------------------------------

def test_autoprune_organization_create_read_update_delete(quay):
    org = auth("orgadmin")
    assert answer(quay.get(ORG, auth=org)) == (200, {"policies": [
        {"uuid": ORG_FIXTURE, "method": "creation_date", "value": "5d", "tagPattern": None, "tagPatternMatches": None}]})
    assert answer(quay.delete(ORG + ORG_FIXTURE, auth=org)) == (200, {"uuid": ORG_FIXTURE})
    assert answer(quay.get(ORG, auth=org)) == (200, {"policies": []})
    created = quay.post(ORG, {"method": "number_of_tags", "value": 10}, auth=org)
    assert created.status_code == 201 and list(created.json()) == ["uuid"] and "Location" not in created.headers
    first = created.json()["uuid"]
    assert quay.post(ORG, {"method": "creation_date", "value": "7d", "tagPattern": "^ci-.*", "tagPatternMatches": True},
                     auth=org).status_code == 201
    # Same pattern with the other tagPatternMatches is not a duplicate; blanks around a pattern are trimmed.
    assert quay.post(ORG, {"method": "creation_date", "value": "7d", "tagPattern": "^ci-.*", "tagPatternMatches": False},
                     auth=org).status_code == 201
    trimmed = quay.post(ORG, {"method": "number_of_tags", "value": 25, "tagPattern": "  ^nightly-  "}, auth=org).json()["uuid"]
    listed = quay.get(ORG, auth=org).json()["policies"]
    assert [list(p) for p in listed] == [["uuid", "method", "value", "tagPattern", "tagPatternMatches"]] * 4
    assert [(p["method"], p["value"], p["tagPattern"], p["tagPatternMatches"]) for p in listed] == [
        ("number_of_tags", 10, None, True), ("creation_date", "7d", "^ci-.*", True), ("creation_date", "7d", "^ci-.*", False),
        ("number_of_tags", 25, "^nightly-", True)]
    assert answer(quay.get(ORG + trimmed, auth=org))[1]["tagPattern"] == "^nightly-"
    # PUT: 204 with no body, the whole policy replaced (omitted fields back to their defaults).
    updated = quay.put(ORG + first, {"method": "number_of_tags", "value": 20}, auth=org)
    assert (updated.status_code, updated.content, updated.headers["Content-Type"]) == (204, b"", "application/json")
    assert answer(quay.get(ORG + first, auth=org)) == (200, {"uuid": first, "method": "number_of_tags", "value": 20,
                                                             "tagPattern": None, "tagPatternMatches": True})
    assert quay.put(ORG + first, {"method": "creation_date", "value": "2w", "tagPattern": "^tmp-", "tagPatternMatches": True},
                    auth=org).status_code == 204
    assert quay.get(ORG + first, auth=org).json()["tagPattern"] == "^tmp-"
    # A PUT does not check duplicates: it can make an exact copy of another policy.
    quay.post(ORG, {"method": "creation_date", "value": "7d"}, auth=org)
    assert quay.put(ORG + first, {"method": "creation_date", "value": "7d"}, auth=org).status_code == 204
    same = [p for p in quay.get(ORG, auth=org).json()["policies"] if (p["method"], p["value"], p["tagPattern"]) == ("creation_date", "7d", None)]
    assert len(same) == 2
    response = quay.put(ORG + first, {"value": 5}, auth=org)
    assert response.status_code == 400 and response.json()["detail"].startswith("'method' is a required property\n\n")
    assert answer(quay.delete(ORG + trimmed, auth=org)) == (200, {"uuid": trimmed})
    assert answer(quay.get(ORG + trimmed, auth=org)) == (404, error(quay, 404, "not_found", "Not Found"))
    assert quay.delete(ORG + trimmed, auth=org).status_code == 404
    assert quay.put(ORG + ZERO, {"method": "number_of_tags", "value": 3}, auth=org).status_code == 404


@pytest.mark.parametrize("body, status, detail", [
    ({"method": "keep_last", "value": 10}, 400, "Invalid method provided"),
    ({"method": "creation_date", "value": "7x"}, 400, "Invalid value given for method type"),
    ({"method": "creation_date", "value": "abc"}, 400, "Invalid value given for method type"),
    ({"method": "creation_date", "value": 7}, 400, "Invalid value given for method type"),
    ({"method": "creation_date", "value": "-1d"}, 201, None),
    ({"method": "creation_date", "value": "0d"}, 201, None),
    ({"method": "creation_date", "value": "1y"}, 201, None),
    ({"method": "number_of_tags", "value": -1}, 400, "Invalid value given for method type"),
    ({"method": "number_of_tags", "value": 0}, 400, "Invalid value given for method type"),
    ({"method": "number_of_tags", "value": "10"}, 400, "Invalid value given for method type"),
    ({"method": "number_of_tags", "value": 3, "tagPattern": "["}, 201, None),
    ({"method": "number_of_tags", "value": 4, "tagPattern": "(unclosed"}, 201, None),
    ({"method": "number_of_tags", "value": 3, "tagPattern": ""}, 400, "tag_pattern cannot be empty"),
])
def test_autoprune_values_quay_takes_and_refuses(quay, body, status, detail):
    response = quay.post(ORG, body, auth=auth("orgadmin"))
    assert response.status_code == status
    if detail is not None:
        assert response.json() == invalid(quay, detail)


def test_autoprune_schema_errors(quay):
    org = auth("orgadmin")
    assert quay.post(ORG, {"method": "number_of_tags"}, auth=org).json() == invalid(quay, VALUE_MISSING)
    for body, first_line in (({"value": 10}, "'method' is a required property"),
                             ({"method": "number_of_tags", "value": 2.5}, "2.5 is not of type 'integer', 'string'"),
                             ({"method": "number_of_tags", "value": True}, "True is not of type 'integer', 'string'"),
                             ({"method": "number_of_tags", "value": 3, "tagPattern": "^x", "tagPatternMatches": "yes"},
                              "'yes' is not of type 'boolean'")):
        response = quay.post(ORG, body, auth=org)
        assert response.status_code == 400 and response.json()["detail"].split("\n")[0] == first_line


def test_autoprune_duplicates_refused_by_post(quay):
    org = auth("orgadmin")
    quay.post(ORG, {"method": "creation_date", "value": "7d"}, auth=org)
    quay.post(ORG, {"method": "creation_date", "value": "7d", "tagPattern": "^ci-.*", "tagPatternMatches": True}, auth=org)
    text = "Existing policy with same values for this namespace, duplicate policies are not permitted"
    assert quay.post(ORG, {"method": "creation_date", "value": "7d"}, auth=org).json() == invalid(quay, text)
    assert quay.post(ORG, {"method": "creation_date", "value": "7d", "tagPattern": "^ci-.*", "tagPatternMatches": True},
                     auth=org).json() == invalid(quay, text)
    quay.post(REPO, {"method": "number_of_tags", "value": 5})
    assert quay.post(REPO, {"method": "number_of_tags", "value": 5}).json() == invalid(
        quay, "Existing policy with same values for this repository, duplicate policies are not permitted")


def test_autoprune_organization_tokens_and_namespaces(quay):
    scope_error = error(quay, 403, "insufficient_scope", "Unauthorized")
    for token in ("admin", "read", "p"):
        assert answer(quay.get(ORG, auth=auth(token))) == (403, scope_error)
    assert answer(quay.post(ORG, {"method": "number_of_tags", "value": 3}, auth=auth("admin"))) == (403, scope_error)
    # org:admin alone is enough at organization level.
    assert quay.get(ORG, auth=auth("orgonly")).status_code == 200
    made = quay.post(ORG, {"method": "number_of_tags", "value": 3}, auth=auth("orgonly")).json()["uuid"]
    assert answer(quay.delete(ORG + made, auth=auth("orgonly"))) == (200, {"uuid": made})
    assert answer(quay.get(ORG, auth=None)) == (401, error(quay, 401, "invalid_token", "Requires authentication"))
    csrf = quay.post(ORG, {"method": "number_of_tags", "value": 3}, auth=None)
    assert (csrf.status_code, csrf.headers["Content-Type"], csrf.json()) == (
        403, "text/html; charset=utf-8", {"error": "CSRF token was invalid or missing."})
    for other in ("orgwithnosuperuser", "nosuchorg"):
        assert answer(quay.get("/api/v1/organization/%s/autoprunepolicy/" % other, auth=auth("orgadmin"))) == (403, scope_error)
    # The organization route serves a user namespace too, with the same policies as the user route.
    on_user = "/api/v1/organization/devtable/autoprunepolicy/"
    assert quay.get(on_user, auth=auth("orgadmin")).json()["policies"][0]["uuid"] == USER_FIXTURE
    made = quay.post(on_user, {"method": "number_of_tags", "value": 4}, auth=auth("orgadmin")).json()["uuid"]
    assert [p["uuid"] for p in quay.get(USER, auth=auth("orgadmin")).json()["policies"]] == [USER_FIXTURE, made]
    redirect = quay.get(ORG[:-1], auth=auth("orgadmin"))
    assert (redirect.status_code, redirect.headers["Location"]) == (308, quay.url + ORG)


def test_autoprune_user_route(quay):
    scope_error = error(quay, 403, "insufficient_scope", "Unauthorized")
    user = auth("orgadmin")
    assert answer(quay.get(USER, auth=user)) == (200, {"policies": [
        {"uuid": USER_FIXTURE, "method": "number_of_tags", "value": 10, "tagPattern": None, "tagPatternMatches": None}]})
    for token in ("admin", "p", "orgonly"):
        assert answer(quay.get(USER, auth=auth(token))) == (403, scope_error)
    assert quay.post(USER, {"method": "number_of_tags", "value": 3}, auth=auth("admin")).status_code == 403
    assert quay.get(USER, auth=None).status_code == 401
    assert quay.delete(USER + USER_FIXTURE, auth=user).json() == {"uuid": USER_FIXTURE}
    made = quay.post(USER, {"method": "creation_date", "value": "7d", "tagPattern": "^ci-.*", "tagPatternMatches": True},
                     auth=user).json()["uuid"]
    assert quay.put(USER + made, {"method": "creation_date", "value": "14d", "tagPattern": "^ci-.*", "tagPatternMatches": True},
                    auth=user).status_code == 204
    assert quay.get(USER + made, auth=user).json()["value"] == "14d"
    assert quay.post(USER, {"method": "creation_date", "value": "14d", "tagPattern": "^ci-.*", "tagPatternMatches": True},
                     auth=user).json()["detail"].startswith("Existing policy with same values for this namespace")
    assert quay.post(USER, {"method": "bogus", "value": 10}, auth=user).json()["detail"] == "Invalid method provided"
    # An organization's policy is not the user's.
    org_made = quay.post(ORG, {"method": "creation_date", "value": "7d"}, auth=user).json()["uuid"]
    for method in ("GET", "DELETE"):
        assert quay.request(method, USER + org_made, auth=user).status_code == 404
    assert quay.get(USER + ZERO, auth=user).status_code == 404


def test_autoprune_repository_route(quay):
    scope_error = error(quay, 403, "insufficient_scope", "Unauthorized")
    assert answer(quay.get(REPO)) == (200, {"policies": []})
    made = quay.post(REPO, {"method": "number_of_tags", "value": 10}).json()["uuid"]
    assert quay.put(REPO + made, {"method": "number_of_tags", "value": 5}).status_code == 204
    assert quay.get(REPO + made).json() == {
        "uuid": made, "method": "number_of_tags", "value": 5, "tagPattern": None, "tagPatternMatches": True}
    for token in ("write", "read", "orgonly"):
        assert answer(quay.get(REPO, auth=auth(token))) == (403, scope_error)
    assert quay.post(REPO, {"method": "number_of_tags", "value": 3}, auth=auth("write")).status_code == 403
    assert quay.get(REPO, auth=auth("orgadmin")).status_code == 200
    assert quay.get(REPO, auth=None).status_code == 401
    missing = "/api/v1/repository/devtable/nosuchrepo/autoprunepolicy/"
    assert answer(quay.get(missing)) == (404, error(quay, 404, "not_found", "Not Found"))
    assert quay.post(missing, {"method": "number_of_tags", "value": 3}).status_code == 404
    assert quay.get("/api/v1/repository/buynlarge/ocirepo/autoprunepolicy/").json() == {"policies": []}
    org_made = quay.post(ORG, {"method": "creation_date", "value": "7d"}, auth=auth("orgadmin")).json()["uuid"]
    assert quay.get(REPO + org_made).status_code == 404
    for method in ("GET", "DELETE"):
        assert quay.request(method, REPO + ZERO).status_code == 404
    assert answer(quay.delete(REPO + made)) == (200, {"uuid": made})


def test_autoprune_flag_off_routes_do_not_exist(make_emulator):
    quay = make_emulator(recorded_world(auto_prune=False))[1]
    for path in (ORG, USER, REPO):
        page = quay.get(path)
        assert (page.status_code, page.headers["Content-Type"]) == (404, "text/html; charset=utf-8")
        assert page.text.lower().startswith("<!doctype html>")
        refused = quay.post(path, {"method": "number_of_tags", "value": 10})
        assert (refused.status_code, refused.headers["Content-Type"]) == (405, "text/html; charset=utf-8")
        assert "<title>405 Method Not Allowed</title>" in refused.text
    for path in (ORG + ORG_FIXTURE, USER + ZERO):
        redirect = quay.get(path)
        assert (redirect.status_code, redirect.headers["Location"]) == (308, quay.url + path + "/")
        for method in ("PUT", "DELETE"):
            assert quay.request(method, path, json_body={"method": "number_of_tags", "value": 10}).status_code == 405
    # A repository-level URL with a uuid is read as a repository name: the repository resource answers.
    assert answer(quay.get(REPO + ZERO)) == (404, error(quay, 404, "not_found", "Not Found"))
    put = quay.put(REPO + ZERO, {"method": "number_of_tags", "value": 10})
    assert put.status_code == 400 and put.json()["detail"].startswith("'description' is a required property")
    deleted = quay.delete(REPO + ZERO)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert quay.get("/api/v1/repository/devtable/schema2repo").status_code == 200
    config = quay.get("/config", auth=None).json()
    assert (config["features"]["AUTO_PRUNE"], config["features"]["IMMUTABLE_TAGS"], config["config"]["FEATURE_AUTO_PRUNE"]) == \
        (False, True, False)


# -- immutability ----------------------------------------------------------------------------------------------------

def test_immutability_policy_locks_existing_and_new_tags_and_never_unlocks(quay):
    assert answer(quay.get(IREPO)) == (200, {"policies": []})
    soon = int(quay.emulator.now()) + 3 * 86400
    assert quay.put(TAGS + "v2.0", {"expiration": soon}).status_code == 201
    made = quay.post(IREPO, {"tagPattern": "^v[0-9].*", "tagPatternMatches": True})
    assert made.status_code == 201 and list(made.json()) == ["uuid"]
    uuid = made.json()["uuid"]
    assert [(name, active(quay, TAGS, name)["immutable"]) for name in ("multiarch", "v2.0", "v1.0", "latest")] == [
        ("multiarch", False), ("v2.0", True), ("v1.0", True), ("latest", False)]
    assert "end_ts" not in active(quay, TAGS, "v2.0")
    assert quay.get(IREPO + uuid).json() == {"uuid": uuid, "tagPattern": "^v[0-9].*", "tagPatternMatches": True}
    # New tags: matching ones are created immutable, with the write token.
    for name in ("v9.9", "x1"):
        assert quay.put(TAGS + name, {"manifest_digest": D1}, auth=auth("write")).status_code == 201
    assert (active(quay, TAGS, "v9.9")["immutable"], active(quay, TAGS, "x1")["immutable"]) == (True, False)
    assert answer(quay.delete(TAGS + "v1.0")) == (409, error(quay, 409, "tag_immutable", "Cannot delete immutable tag 'v1.0'"))
    assert answer(quay.put(TAGS + "v1.0", {"manifest_digest": D2})) == (
        409, error(quay, 409, "tag_immutable", "Cannot overwrite immutable tag 'v1.0'"))
    updated = quay.put(IREPO + uuid, {"tagPattern": "^release-.*", "tagPatternMatches": False})
    assert (updated.status_code, updated.content) == (204, b"")
    assert all(row["immutable"] for row in quay.tags("devtable/schema2repo", onlyActiveTags="true"))
    assert answer(quay.delete(IREPO + uuid)) == (200, {"uuid": uuid})
    assert quay.get(IREPO).json() == {"policies": []}
    assert all(row["immutable"] for row in quay.tags("devtable/schema2repo", onlyActiveTags="true"))
    assert quay.put(TAGS + "x1", {"immutable": False}).status_code == 201
    assert quay.delete(TAGS + "x1").status_code == 204
    # The pattern must match the whole name.
    quay.put(TAGS + "v1.0", {"immutable": False})
    assert quay.put(TAGS + "v1.0", {"immutable": False}).status_code == 201
    assert quay.post(IREPO, {"tagPattern": "^v1\\..*", "tagPatternMatches": True}).status_code == 201
    assert active(quay, TAGS, "v1.0")["immutable"] is True
    latest_policy = quay.post(IREPO, {"tagPattern": "^latest$"}).json()["uuid"]
    assert quay.get(IREPO + latest_policy).json()["tagPatternMatches"] is True


def test_immutability_pattern_matches_the_whole_name(quay):
    assert quay.put(TAGS + "v5.5", {"manifest_digest": D1}).status_code == 201
    assert quay.post(IREPO, {"tagPattern": "v5"}).status_code == 201
    assert active(quay, TAGS, "v5.5")["immutable"] is False


@pytest.mark.parametrize("body, detail", [
    ({"tagPatternMatches": True}, "'tagPattern' is a required property"),
    ({"tagPattern": ""}, "tag_pattern is required and must be a non-empty string"),
    ({"tagPattern": "   "}, "tag_pattern is required and must be a non-empty string"),
    ({"tagPattern": "a" * 257}, "tag_pattern must be 256 characters or less"),
    ({"tagPattern": "["}, "Invalid regex pattern: unterminated character set at position 1"),
    ({"tagPattern": "(?P<x>a"}, "Invalid regex pattern: missing ) at position 7"),
    ({"tagPattern": "(("}, "Invalid regex pattern: missing ) at position 2"),
    ({"tagPattern": 5}, "5 is not of type 'string'"),
    ({"tagPattern": "^y", "tagPatternMatches": "yes"}, "'yes' is not of type 'boolean'"),
])
def test_immutability_values_quay_refuses(quay, body, detail):
    response = quay.post(IREPO, body)
    assert response.status_code == 400 and response.json()["detail"].split("\n")[0] == detail


def test_immutability_validation_details(quay):
    assert quay.post(IREPO, {}).json() == invalid(quay, PATTERN_MISSING)
    long_ok = quay.post(IREPO, {"tagPattern": "b" * 256})
    assert long_ok.status_code == 201
    assert quay.delete(IREPO + long_ok.json()["uuid"]).status_code == 200
    first = quay.post(IREPO, {"tagPattern": "^v1\\..*", "tagPatternMatches": True}).json()["uuid"]
    second = quay.post(IREPO, {"tagPattern": "^latest$"}).json()["uuid"]
    duplicate = invalid(quay, "A policy with the same tag_pattern already exists")
    for body in ({"tagPattern": "^v1\\..*", "tagPatternMatches": True}, {"tagPattern": "^v1\\..*", "tagPatternMatches": False},
                 {"tagPattern": "  ^v1\\..*  "}):
        assert quay.post(IREPO, body).json() == duplicate
    assert quay.put(IREPO + second, {"tagPattern": "^v1\\..*"}).json() == duplicate
    assert quay.put(IREPO + second, {"tagPatternMatches": False}).json()["detail"].startswith("'tagPattern' is a required property")
    assert quay.put(IREPO + first, {"tagPattern": "^v1\\..*", "tagPatternMatches": False}).status_code == 204
    for method, body in (("GET", None), ("PUT", {"tagPattern": "^z"}), ("DELETE", None)):
        assert quay.request(method, IREPO + ZERO, json_body=body).status_code == 404


def test_immutability_tokens(quay):
    scope_error = error(quay, 403, "insufficient_scope", "Unauthorized")
    for token in ("write", "read", "orgonly"):
        assert answer(quay.get(IREPO, auth=auth(token))) == (403, scope_error)
    assert quay.post(IREPO, {"tagPattern": "^w"}, auth=auth("write")).status_code == 403
    assert quay.get(IREPO, auth=None).status_code == 401
    assert quay.post(IREPO, {"tagPattern": "^w"}, auth=None).json() == {"error": "CSRF token was invalid or missing."}
    missing = "/api/v1/repository/devtable/nosuchrepo/immutabilitypolicy/"
    assert quay.get(missing).status_code == 404 and quay.post(missing, {"tagPattern": "^w"}).status_code == 404
    for token in ("admin", "read"):
        assert answer(quay.get(IORG, auth=auth(token))) == (403, scope_error)
    assert quay.post(IORG, {"tagPattern": "^q"}, auth=auth("admin")).status_code == 403
    assert quay.get(IORG, auth=auth("orgonly")).status_code == 200
    assert quay.get(IORG, auth=None).status_code == 401
    for other in ("nosuchorg", "orgwithnosuperuser"):
        assert quay.get("/api/v1/organization/%s/immutabilitypolicy/" % other, auth=auth("orgadmin")).status_code == 403
    on_user = "/api/v1/organization/devtable/immutabilitypolicy/"
    assert quay.get(on_user, auth=auth("orgadmin")).json() == {"policies": []}
    made = quay.post(on_user, {"tagPattern": "^nomatch-zzz$"}, auth=auth("orgadmin")).json()["uuid"]
    assert quay.delete(on_user + made, auth=auth("orgadmin")).json() == {"uuid": made}
    # There is no user route for immutability policies.
    assert quay.get("/api/v1/user/immutabilitypolicy/", auth=auth("orgadmin")).status_code == 404


def test_immutability_organization_policy_acts_on_its_repositories_only(quay):
    org = auth("orgadmin")
    assert quay.put(TAGS + "v5.5", {"manifest_digest": D1}).status_code == 201
    first = quay.post(IORG, {"tagPattern": "^v[0-9].*"}, auth=org).json()["uuid"]
    assert dict((r["name"], r["immutable"]) for r in quay.tags("buynlarge/ocirepo", onlyActiveTags="true")) == {
        "v1": True, "stable": False, "latest": False}
    assert active(quay, TAGS, "v5.5")["immutable"] is False
    assert quay.get("/api/v1/repository/buynlarge/ocirepo/immutabilitypolicy/").json() == {"policies": []}
    assert quay.put(OCI_TAGS + "v2", {"manifest_digest": OCI}).status_code == 201
    assert active(quay, OCI_TAGS, "v2")["immutable"] is True
    assert quay.put(IORG + first, {"tagPattern": "^stable$", "tagPatternMatches": True}, auth=org).status_code == 204
    assert active(quay, OCI_TAGS, "stable")["immutable"] is True
    second = quay.post(IORG, {"tagPattern": "^v[0-9].*", "tagPatternMatches": False}, auth=org).json()["uuid"]
    assert all(r["immutable"] for r in quay.tags("buynlarge/ocirepo", onlyActiveTags="true"))
    assert quay.post(IORG, {"tagPattern": "^stable$", "tagPatternMatches": False}, auth=org).json() == invalid(
        quay, "A policy with the same tag_pattern already exists")
    assert quay.put(IORG + second, {"tagPattern": "^stable$"}, auth=org).status_code == 400
    assert quay.post(IORG, {"tagPattern": "(("}, auth=org).json()["detail"] == "Invalid regex pattern: missing ) at position 2"
    assert [p["uuid"] for p in quay.get(IORG, auth=org).json()["policies"]] == [first, second]
    for uuid in (first, second):
        assert quay.delete(IORG + uuid, auth=org).json() == {"uuid": uuid}
    assert all(r["immutable"] for r in quay.tags("buynlarge/ocirepo", onlyActiveTags="true"))


def test_immutability_flag_off(make_emulator):
    quay = make_emulator(recorded_world(auto_prune=False, immutable_tags=False))[1]
    for path in (IORG, IREPO):
        assert quay.get(path).status_code == 404 and quay.post(path, {"tagPattern": "^v"}).status_code == 405
    assert quay.get(IORG + ZERO).status_code == 308
    assert quay.put(IORG + ZERO, {"tagPattern": "^v"}).status_code == 405
    assert quay.delete(IORG + ZERO).status_code == 405
    assert quay.get(IREPO + ZERO).status_code == 404
    assert quay.put(IREPO + ZERO, {"tagPattern": "^v"}).json()["detail"].startswith("'description' is a required property")
    assert quay.delete(IREPO + ZERO).status_code == 204
    # The tag flag is ignored and not shown; the tag can be deleted.
    assert quay.put(TAGS + "latest", {"immutable": True}).status_code == 201
    assert "immutable" not in active(quay, TAGS, "latest")
    assert quay.delete(TAGS + "latest").status_code == 204
    assert quay.get("/config", auth=None).json()["features"]["IMMUTABLE_TAGS"] is False


# -- /config and seeds -----------------------------------------------------------------------------------------------

def test_config_page_needs_no_token_and_follows_the_flags(quay):
    page = quay.get("/config", auth=None)
    assert page.status_code == 200 and page.headers["Content-Type"] == "application/json"
    body = page.json()
    assert sorted(body) == ["account_recovery_mode", "config", "external_login", "features", "oauth", "registry_state",
                            "version_number"]
    assert (body["features"]["AUTO_PRUNE"], body["features"]["IMMUTABLE_TAGS"], body["features"]["IMMUTABLE_TAGS_CAN_EXPIRE"]) == \
        (True, True, False)
    assert "FEATURE_IMMUTABLE_TAGS" not in body["config"] and body["version_number"] == "Quay v3.11.0"
    assert quay.get("/config").json() == body
    quay.emulator.set_config(auto_prune=False)
    assert quay.get("/config").json()["features"]["AUTO_PRUNE"] is False


def test_seed_policies_are_checked():
    for bad in ([{"kind": "other", "namespace": "x"}], [{"kind": "autoprune"}],
                [{"kind": "immutability", "namespace": "x", "repository": "x/y"}]):
        with pytest.raises(SeedError):
            State({"policies": bad}, 0)


def test_the_policies_seed_of_the_integration_targets(make_emulator):
    quay = make_emulator(os.path.join(os.path.dirname(__file__), "..", "..", "emulator", "seeds", "policies.json"))[1]
    token = {"Authorization": "Bearer ci-policy-9f1b3d5c7e0a42c4e6a8b0d2f4c6e8a0"}
    fixture = quay.get("/api/v1/organization/policyorg/autoprunepolicy/", auth=token).json()["policies"]
    assert [(p["method"], p["value"], p["tagPatternMatches"]) for p in fixture] == [("creation_date", "5d", None)]
    assert quay.get("/api/v1/user/autoprunepolicy/", auth=token).json() == {"policies": []}
    assert [r["immutable"] for r in quay.tags("policyorg/alpha", onlyActiveTags="true")] == [False] * 5
