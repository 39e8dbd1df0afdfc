# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quay_repository_info's real main() against a transport that answers Quay's repository listing as the real server
does: pages of 100 with an opaque next_page that changes on every call, an empty list for an unknown namespace, the
first page again for a next_page it does not understand."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._repository_info import describe, select
from ansible_collections.quaytools.tags.plugins.modules import quay_repository_info
from ansible_collections.quaytools.tags.tests.unit.conftest import TOKEN


def repository(namespace, name, public=False, modified=1795905646, state="NORMAL"):
    return {"namespace": namespace, "name": name, "description": None, "is_public": public, "kind": "image",
            "state": state, "last_modified": modified, "is_starred": False}


class Listing:
    """Quay's GET /api/v1/repository for a few namespaces."""

    def __init__(self, namespaces, garbage_token=False):
        self.namespaces = namespaces
        self.calls = 0
        self.garbage_token = garbage_token

    def __call__(self, call):
        assert call.path == "/api/v1/repository" and call.method == "GET", call
        self.calls += 1
        items = self.namespaces.get(call.query["namespace"], [])
        if "last_modified" not in call.query:
            items = [dict((k, v) for k, v in item.items() if k != "last_modified") for item in items]
        start = 0
        if "next_page" in call.query:
            try:
                start = json.loads(base64.urlsafe_b64decode(call.query["next_page"].encode()))["start"]
            except ValueError:
                start = 0
        page = items[start:start + 100]
        body = {"repositories": page}
        if start + 100 < len(items):
            token = {"start": start + 100, "salt": self.calls} if not self.garbage_token else {"start": 0}
            body["next_page"] = base64.urlsafe_b64encode(json.dumps(token).encode()).decode()
        return 200, body, None


def org(count, namespace="bigorg"):
    return [repository(namespace, "r%03d" % index, public=index % 3 == 0, modified=None if index == 7 else 1795900000 + index)
            for index in range(count)]


def test_every_page_of_every_namespace(run_module, transport):
    listing = Listing({"bigorg": org(230), "small": [repository("small", "api", public=True)]})
    transport.handler = listing
    result = run_module(quay_repository_info.main, {"namespace": ["bigorg", "small"]})
    assert result["changed"] is False
    assert [repo["repository"] for repo in result["repositories"]][:2] == ["bigorg/r000", "bigorg/r001"]
    assert len(result["repositories"]) == 231 and result["repositories"][-1]["repository"] == "small/api"
    assert result["api_requests"] == 4 == listing.calls
    pages = [call.query for call in transport.calls if call.query["namespace"] == "bigorg"]
    assert [("next_page" in query, query["last_modified"]) for query in pages] == [(False, "true"), (True, "true"),
                                                                                   (True, "true")]
    seventh = result["repositories"][7]
    assert (seventh["last_modified"], seventh["last_modified_ts"]) == (None, None)
    assert result["repositories"][8]["last_modified"] == "2026-11-28T21:06:48Z"
    assert result["repositories"][0]["visibility"] == "public" and result["repositories"][1]["visibility"] == "private"


def test_check_mode_is_the_same(run_module, transport):
    transport.handler = Listing({"bigorg": org(5)})
    real = run_module(quay_repository_info.main, {"namespace": "bigorg"})
    checked = run_module(quay_repository_info.main, {"namespace": "bigorg"}, check_mode=True)
    for result in (real, checked):
        result.pop("invocation", None)
    assert real == checked


@pytest.mark.parametrize("args, names", [
    ({"name_pattern": "r00[0-4]"}, ["r000", "r001", "r002", "r003", "r004"]),
    ({"name_pattern": "r00"}, []),
    ({"name_pattern": ".*9"}, ["r009", "r019"]),
    ({"name_pattern": "r0[01].", "visibility": "public"}, ["r000", "r003", "r006", "r009", "r012", "r015", "r018"]),
    ({"visibility": "private", "name_pattern": "r00."}, ["r001", "r002", "r004", "r005", "r007", "r008"]),
])
def test_select_by_name_and_visibility(run_module, transport, args, names):
    transport.handler = Listing({"bigorg": org(20)})
    result = run_module(quay_repository_info.main, dict(args, namespace=["bigorg"]))
    assert [repo["name"] for repo in result["repositories"]] == names


def test_an_empty_namespace_warns(run_module, transport):
    transport.handler = Listing({"bigorg": org(2)})
    result = run_module(quay_repository_info.main, {"namespace": ["nosuchorg", "bigorg", "bigorg"]})
    assert len(result["repositories"]) == 2 and result["api_requests"] == 2
    assert result["warnings"] == ["namespace nosuchorg lists no repository: it does not exist, or the token's user cannot "
                                  "see any repository in it (Quay answers both the same way)"]


def test_a_next_page_the_server_does_not_understand_stops_the_listing(run_module, transport):
    transport.handler = Listing({"bigorg": org(150)}, garbage_token=True)
    result = run_module(quay_repository_info.main, {"namespace": ["bigorg"]})
    assert result["failed"] is True
    assert "went back to repositories it had already listed" in result["msg"]
    assert result["api_requests"] == 2


@pytest.mark.parametrize("args, message", [
    ({"namespace": []}, "namespace: give at least one organization or user name"),
    ({"namespace": ["myorg/app"]}, "namespace: 'myorg/app' is not an organization or user name"),
    ({"namespace": ["MyOrg"]}, "namespace: 'MyOrg' is not an organization or user name"),
    ({"namespace": ["myorg"], "name_pattern": "svc-("}, "name_pattern: 'svc-(' is not a valid regular expression"),
    ({"namespace": ["myorg"], "parallel": 0}, "parallel must be a whole number from 1"),
])
def test_bad_input_fails_before_any_request(run_module, transport, args, message):
    result = run_module(quay_repository_info.main, args)
    assert result["failed"] is True and result["msg"].startswith(message), result["msg"]
    assert transport.calls == []


@pytest.mark.parametrize("status, body, words", [
    (401, {"error_type": "invalid_token", "detail": "Requires authentication"}, "authentication failed (HTTP 401)"),
    (404, "<html><title>Not Found</title></html>", "HTML page"),
    (200, {"something": []}, "without a repositories list"),
])
def test_server_errors(run_module, transport, status, body, words):
    transport.handler = lambda call: (status, body.encode() if isinstance(body, str) else body,
                                      {"Content-Type": "text/html"} if isinstance(body, str) else None)
    result = run_module(quay_repository_info.main, {"namespace": ["bigorg"], "retries": 0})
    assert result["failed"] is True and words in result["msg"], result["msg"]
    assert TOKEN not in json.dumps(result)


def test_describe_and_select():
    item = repository("org", "team/app", public=True, modified=0)
    described = describe(item)
    assert described == {"repository": "org/team/app", "namespace": "org", "name": "team/app", "visibility": "public",
                         "last_modified": "1970-01-01T00:00:00Z", "last_modified_ts": 0, "state": "NORMAL",
                         "description": None}
    assert describe(dict(item, last_modified=True))["last_modified_ts"] is None
    assert select([described], "team/.*", "public") == [described]
    assert select([described], "app", "all") == [] and select([described], None, "private") == []
