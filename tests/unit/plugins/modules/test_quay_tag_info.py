# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quay_tag_info's real main(): options, requests sent, result, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.quaytools.tags.plugins.modules import quay_tag_info

D1 = "sha256:" + "a1" * 32
D2 = "sha256:" + "b2" * 32
PATH = "/api/v1/repository/org/team/app/tag/"
NOT_FOUND = {"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found", "title": "not_found",
             "type": "https://quay.example.com/api/v1/error/not_found", "status": 404}
SCOPE = {"detail": "Unauthorized", "error_message": "Unauthorized", "error_type": "insufficient_scope",
         "title": "insufficient_scope", "type": "https://quay.example.com/api/v1/error/insufficient_scope", "status": 403}


def row(name, digest=D1, age=60, end_in=None):
    """A Quay row that started ``age`` seconds ago and ends ``end_in`` seconds from now (negative: ended)."""
    now = int(time.time())
    out = {"name": name, "reversion": False, "start_ts": now - age, "manifest_digest": digest, "is_manifest_list": False,
           "size": 1024}
    if end_in is not None:
        out["end_ts"] = now + end_in
    return out


def page(rows, more=False, number=1):
    return {"tags": rows, "page": number, "has_additional": more}


def test_lists_active_tags_of_a_nested_repository(transport, run_module):
    transport.expect("GET", PATH, body=page([row("latest"), row("v1", D2, age=3600)]))
    result = run_module(quay_tag_info.main, {"repository": "org/team/app"})
    assert result["changed"] is False
    assert [(t["name"], t["manifest_digest"], t["active"]) for t in result["tags"]] == [("latest", D1, True), ("v1", D2, True)]
    assert result["api_requests"] == 1
    assert transport.calls[0].query == {"onlyActiveTags": "true", "limit": "100", "page": "1"}


def test_history_of_one_tag_with_the_alias(transport, run_module):
    transport.expect("GET", PATH, body=page([row("latest", D1, age=60), row("latest", D2, age=600, end_in=-60)]))
    result = run_module(quay_tag_info.main, {"repository": "org/team/app", "name": "latest", "only_active_tags": False})
    assert transport.calls[0].query["specificTag"] == "latest"
    assert transport.calls[0].query["onlyActiveTags"] == "false"
    assert [(t["manifest_digest"], t["active"]) for t in result["tags"]] == [(D1, True), (D2, False)]
    assert result["tags"][1]["expiration"] is not None and result["tags"][0]["expiration"] is None


def test_filter_and_digest(transport, run_module):
    transport.expect("GET", PATH, body=page([row("v1.0", D1), row("v1.1", D2), row("V1.2", D1)]))
    result = run_module(quay_tag_info.main, {"repository": "org/team/app", "filter_tag_name": "like:v1.",
                                             "manifest_digest": D1})
    assert transport.calls[0].query["filter_tag_name"] == "like:v1."
    assert [t["name"] for t in result["tags"]] == ["v1.0", "V1.2"]


def test_every_page_is_followed(transport, run_module):
    transport.expect("GET", PATH, body=page([row("c"), row("b")], more=True))
    transport.expect("GET", PATH, body=page([row("a")], number=2))
    result = run_module(quay_tag_info.main, {"repository": "org/team/app", "limit": 2})
    assert [t["name"] for t in result["tags"]] == ["c", "b", "a"]
    assert result["api_requests"] == 2
    assert "has_additional" not in result and "page" not in result


def test_one_page(transport, run_module):
    transport.expect("GET", PATH, body=page([row("c"), row("b")], more=True, number=2))
    result = run_module(quay_tag_info.main, {"repository": "org/team/app", "page": 2, "limit": 2})
    assert (result["page"], result["has_additional"], result["api_requests"]) == (2, True, 1)
    assert transport.calls[0].query == {"onlyActiveTags": "true", "limit": "2", "page": "2"}


def test_check_mode_reads_the_same(transport, run_module):
    expiring = row("latest", age=100, end_in=3600)
    for _i in range(2):
        transport.expect("GET", PATH, body=page([expiring]))
    real = run_module(quay_tag_info.main, {"repository": "org/team/app"})
    check = run_module(quay_tag_info.main, {"repository": "org/team/app"}, check_mode=True)
    assert check == real
    assert check["tags"][0]["active"] is True  # alive until its expiration
    assert transport.writes == []


@pytest.mark.parametrize("args, start", [
    ({"repository": "org"}, "repository: "),
    ({"repository": "org/app", "name": "-x"}, "name: "),
    ({"repository": "org/app", "filter_tag_name": "prefix:v1"}, "filter_tag_name: "),
    ({"repository": "org/app", "manifest_digest": "latest"}, "manifest_digest: "),
    ({"repository": "org/app", "page": 0}, "page: "),
    ({"repository": "org/app", "limit": 500}, "limit: "),
])
def test_bad_input_fails_before_any_request(transport, run_module, args, start):
    result = run_module(quay_tag_info.main, args)
    assert result["failed"] is True
    assert result["msg"].startswith(start)
    assert transport.calls == []


def test_missing_repository_is_a_failure_not_an_empty_list(transport, run_module):
    transport.expect("GET", PATH, status=404, body=NOT_FOUND)
    result = run_module(quay_tag_info.main, {"repository": "org/team/app"})
    assert result["failed"] is True and "tags" not in result
    assert result["msg"].startswith("repository org/team/app not found (HTTP 404)")
    assert result["error"]["kind"] == "not_found" and result["error"]["status"] == 404


def test_unreadable_repository(transport, run_module):
    transport.expect("GET", PATH, status=403, body=SCOPE)
    result = run_module(quay_tag_info.main, {"repository": "org/team/app"})
    assert result["failed"] is True
    assert "lacks repo:read permission on org/team/app" in result["msg"]


def test_token_is_not_in_the_result(transport, run_module):
    transport.expect("GET", PATH, body=page([row("latest")]))
    result = run_module(quay_tag_info.main, {"repository": "org/team/app", "quay_token": "very-secret-token-value"})
    assert "very-secret-token-value" not in repr(result)
