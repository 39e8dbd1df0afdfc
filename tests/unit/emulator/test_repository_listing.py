# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Conformance of GET /api/v1/repository (quayemu/repository_list.py) with what a real Quay server (commit ffba0c70)
answered for the same world: a user ``devtable`` with private repositories in its own namespace and admin of the
organization ``buynlarge`` (3 repositories, then 123), another user's namespace ``public`` with one public repository,
and tokens of devtable with all repository scopes, ``repo:read`` only, and ``user:read`` only (no repository scope).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

ADMIN = "tok-admin"
READ = "tok-read"
USER_ONLY = "tok-user-read"
ITEM_KEYS = ["namespace", "name", "description", "is_public", "kind", "state", "is_starred"]
REQUIRED = "namespace, starred or public are required for this API call"
BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand."
D1 = "sha256:" + "1" * 64
DEVTABLE = ["simple", "sharedtags", "history", "complex", "gargantuan", "trusted", "shared", "text-full-repo",
            "building", "superwide", "mirrored", "readonly", "schema2repo"]


def world(extra_buynlarge=0):
    repositories = {}
    for name in DEVTABLE:
        repositories["devtable/" + name] = {"description": "%s repository" % name}
    repositories["devtable/readonly"]["state"] = "read_only"
    repositories["devtable/schema2repo"] = {"description": None, "manifests": [{"digest": D1, "size": 1}],
                                            "tags": [{"name": "latest", "manifest": D1, "start": 1796395928}]}
    repositories["public/publicrepo"] = {"public": True, "description": "Public repository pullable by the world."}
    repositories["buynlarge/orgrepo"] = {"description": "Repository owned by an org.", "manifests": [{"digest": D1}],
                                         "tags": [{"name": "latest", "manifest": D1, "start": 1796395926}]}
    repositories["buynlarge/anotherorgrepo"] = {"description": "Another repository owned by an org."}
    repositories["buynlarge/ocirepo"] = {"description": None}
    for index in range(extra_buynlarge):
        repositories["buynlarge/r%03d" % index] = {"description": ""}
    return {
        "tokens": {ADMIN: {"user": "devtable", "scopes": ["repo:admin", "repo:write", "repo:read", "repo:create"]},
                   READ: {"user": "devtable", "scopes": ["repo:read"]},
                   USER_ONLY: {"user": "devtable", "scopes": ["user:read"]}},
        "namespaces": {"devtable": {"owners": ["devtable"]}, "buynlarge": {"owners": ["devtable"], "organization": True},
                       "public": {"owners": ["public"]}},
        "repositories": repositories,
    }


@pytest.fixture
def listing(make_emulator):
    emulator, client = make_emulator(world())

    def get(query="", token=ADMIN):
        response = client.get("/api/v1/repository" + ("?" + query if query else ""),
                              auth={"Authorization": "Bearer " + token} if token else None)
        return response

    get.emulator = emulator
    get.client = client
    return get


def names(response):
    assert response.status_code == 200, response.text
    return ["%s/%s" % (item["namespace"], item["name"]) for item in response.json()["repositories"]]


def test_a_namespace_in_creation_order(listing):
    response = listing("namespace=devtable")
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["repositories"]  # one page: no next_page key
    assert names(response) == ["devtable/" + name for name in DEVTABLE]
    first = body["repositories"][0]
    assert list(first) == ITEM_KEYS
    assert first == {"namespace": "devtable", "name": "simple", "description": "simple repository", "is_public": False,
                     "kind": "image", "state": "NORMAL", "is_starred": False}
    assert [item["state"] for item in body["repositories"]][11] == "READ_ONLY"
    assert body["repositories"][-1]["description"] is None


def test_namespace_starred_or_public_is_required(listing):
    response = listing("")
    assert response.status_code == 400
    body = response.json()
    assert (body["error_type"], body["detail"], body["status"]) == ("invalid_request", REQUIRED, 400)
    assert list(body) == ["detail", "error_message", "error_type", "title", "type", "status"]


def test_last_modified_and_popularity(listing):
    body = listing("namespace=buynlarge&last_modified=true").json()
    assert [list(item) for item in body["repositories"]] == [ITEM_KEYS[:6] + ["last_modified", "is_starred"]] * 3
    assert [item["last_modified"] for item in body["repositories"]] == [1796395926, None, None]
    body = listing("namespace=buynlarge&popularity=true").json()
    assert [list(item) for item in body["repositories"]] == [ITEM_KEYS[:6] + ["popularity", "is_starred"]] * 3
    assert body["repositories"][0]["popularity"] == 0.0
    assert names(listing("namespace=buynlarge&last_modified=true&popularity=true")) == [
        "buynlarge/orgrepo", "buynlarge/anotherorgrepo", "buynlarge/ocirepo"]


def test_pages_of_100_with_next_page(make_emulator):
    client = make_emulator(world(extra_buynlarge=120))[1]
    session, url = client.session, client.url + "/api/v1/repository"
    headers = {"Authorization": "Bearer " + ADMIN}
    first = session.get(url, params={"namespace": "buynlarge"}, headers=headers).json()
    assert len(first["repositories"]) == 100 and list(first) == ["repositories", "next_page"]
    assert [item["name"] for item in first["repositories"]][:4] == ["orgrepo", "anotherorgrepo", "ocirepo", "r000"]
    assert first["repositories"][-1]["name"] == "r096"
    token = first["next_page"]
    assert token.endswith("=")  # it must be URL-encoded when sent back
    second = session.get(url, params={"namespace": "buynlarge", "next_page": token}, headers=headers).json()
    assert list(second) == ["repositories"]
    assert [item["name"] for item in second["repositories"]] == ["r%03d" % index for index in range(97, 120)]
    again = session.get(url, params={"namespace": "buynlarge"}, headers=headers).json()
    assert again["next_page"] != token  # a new value on every call, for the same page
    garbage = session.get(url, params={"namespace": "buynlarge", "next_page": "garbage"}, headers=headers).json()
    assert len(garbage["repositories"]) == 100 and garbage["repositories"][0]["name"] == "orgrepo" and "next_page" in garbage
    other = session.get(url, params={"namespace": "devtable", "next_page": token}, headers=headers).json()
    assert other == {"repositories": []}  # the token holds an id to start from; devtable's ids are all lower
    with_dates = session.get(url, params={"namespace": "buynlarge", "next_page": token, "last_modified": "true"},
                             headers=headers).json()
    assert len(with_dates["repositories"]) == 23 and "last_modified" in with_dates["repositories"][0]
    read_only = session.get(url, params={"namespace": "buynlarge"}, headers={"Authorization": "Bearer " + READ}).json()
    assert len(read_only["repositories"]) == 100 and "next_page" in read_only


def test_unknown_and_foreign_namespaces(listing):
    assert listing("namespace=nosuchnamespace").json() == {"repositories": []}
    assert listing("namespace=public").json() == {"repositories": []}
    assert names(listing("namespace=public&public=true")) == ["public/publicrepo"]
    assert names(listing("namespace=devtable&public=true")) == names(listing("namespace=devtable&public=false"))


def test_public_without_namespace_lists_everything_visible_and_public(listing):
    listed = names(listing("public=true"))
    assert len(listed) == 13 + 3 + 1
    assert listed.index("public/publicrepo") == 13  # in id order, among the others


def test_token_scopes_do_not_filter(listing):
    assert names(listing("namespace=devtable", token=USER_ONLY)) == names(listing("namespace=devtable"))
    assert names(listing("namespace=devtable", token=READ)) == names(listing("namespace=devtable"))


@pytest.mark.parametrize("query, expected", [
    ("namespace=devtable", []),
    ("namespace=buynlarge", []),
    ("namespace=devtable&public=true", []),
    ("namespace=public", []),
    ("namespace=public&public=true", ["public/publicrepo"]),
    ("public=true", ["public/publicrepo"]),
])
def test_anonymous_sees_public_repositories_only_when_asked(listing, query, expected):
    assert names(listing(query, token=None)) == expected


def test_anonymous_starred_is_a_bad_request(listing):
    response = listing("starred=true", token=None)
    assert response.status_code == 400 and response.json() == {"message": BAD_REQUEST}
    # Stars are not modelled: an authenticated caller has none.
    assert listing("starred=true").json() == {"repositories": []}


@pytest.mark.parametrize("kind", ["application", "bogus"])
def test_repository_kind(listing, kind):
    response = listing("namespace=buynlarge&repo_kind=" + kind)
    assert response.status_code == 400 and response.json() == {"message": "Unknown repository kind"}
    assert len(names(listing("namespace=buynlarge&repo_kind=image"))) == 3
