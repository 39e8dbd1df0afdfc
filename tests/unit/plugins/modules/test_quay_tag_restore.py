# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quay_tag_restore's real main(): the exact requests for each target kind, check mode, diff, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.quaytools.tags.plugins.modules import quay_tag_restore

D1 = "sha256:" + "d1" * 32
D2 = "sha256:" + "d2" * 32
D3 = "sha256:" + "d3" * 32
LIST_PATH = "/api/v1/repository/org/app/tag/"
RESTORE_PATH = "/api/v1/repository/org/app/tag/latest/restore"
NOT_FOUND = {"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found", "title": "not_found",
             "type": "https://quay.example.com/api/v1/error/not_found", "status": 404}
NOW = int(time.time())


def hist(digest, start_ago, end_ago=None, **extra):
    """A history row of latest that started ``start_ago`` seconds ago (and ended ``end_ago`` seconds ago)."""
    row = {"name": "latest", "reversion": False, "start_ts": NOW - start_ago, "manifest_digest": digest,
           "is_manifest_list": False, "size": 10}
    if end_ago is not None:
        row["end_ts"] = NOW - end_ago
    row.update(extra)
    return row


def history(*rows, **kwargs):
    return {"tags": list(rows), "page": kwargs.get("page", 1), "has_additional": kwargs.get("more", False)}


# D1, then D2, then a bad push of D3 (newest first).
MOVED = history(hist(D3, 100), hist(D2, 200, 100), hist(D1, 300, 200))
# D1, then D2, then deleted.
DELETED = history(hist(D2, 200, 100), hist(D1, 300, 200))


def expect_history(transport, body=None):
    transport.expect("GET", LIST_PATH, body=MOVED if body is None else body)


def expect_restore(transport):
    transport.expect("POST", RESTORE_PATH, body={})


def requests_sent(transport):
    return [(c.method, c.path, c.body) for c in transport.calls]


def test_restore_to_a_digest(transport, run_module):
    expect_history(transport)
    expect_restore(transport)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest", "manifest_digest": D1})
    assert result["changed"] is True
    assert result["tag"] == {"name": "latest", "manifest_digest": D1, "previous_manifest_digest": D3}
    assert result["api_requests"] == 2
    assert requests_sent(transport) == [("GET", LIST_PATH, None), ("POST", RESTORE_PATH, {"manifest_digest": D1})]
    assert transport.calls[0].query == {"specificTag": "latest", "onlyActiveTags": "false", "limit": "100", "page": "1"}
    assert "diff" not in result


def test_second_run_sends_no_restore(transport, run_module):
    after = history(hist(D1, 5, reversion=True), hist(D3, 100, 5), hist(D2, 200, 100), hist(D1, 300, 200))
    expect_history(transport, after)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "tag": "latest", "manifest_digest": D1})
    assert result["changed"] is False
    assert result["tag"] == {"name": "latest", "manifest_digest": D1, "previous_manifest_digest": D1}
    assert result["api_requests"] == 1 and transport.writes == []


@pytest.mark.parametrize("args, target", [
    ({"at": NOW - 150}, D2),
    ({"at": str(NOW - 250)}, D1),
    ({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - 150))}, D2),
    ({"manifest_digest": D2}, D2),
])
def test_check_mode_predicts_the_real_run_without_writing(transport, run_module, args, target):
    args = dict(args, repository="org/app", name="latest")
    expect_history(transport)
    check = run_module(quay_tag_restore.main, args, check_mode=True, diff=True)
    assert transport.writes == []
    expect_history(transport)
    expect_restore(transport)
    real = run_module(quay_tag_restore.main, args, diff=True)
    assert transport.writes[0].body == {"manifest_digest": target}
    assert (check["api_requests"], real["api_requests"]) == (1, 2)
    for result in (check, real):
        result.pop("api_requests")
        result.pop("invocation", None)
    assert check == real
    assert real["changed"] is True
    assert real["diff"] == {"before": {"manifest_digest": D3, "expiration": None},
                            "after": {"manifest_digest": target, "expiration": None}}


def test_undelete(transport, run_module):
    expect_history(transport, DELETED)
    expect_restore(transport)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest"}, diff=True)
    assert result["changed"] is True
    assert result["tag"] == {"name": "latest", "manifest_digest": D2, "previous_manifest_digest": None}
    assert result["diff"]["before"] == {"manifest_digest": None, "expiration": None}
    assert transport.writes[0].body == {"manifest_digest": D2}


def test_undelete_of_an_active_tag_is_ok(transport, run_module):
    expect_history(transport)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest"})
    assert (result["changed"], result["tag"]["manifest_digest"], result["api_requests"]) == (False, D3, 1)


def test_long_history_is_paged(transport, run_module):
    expect_history(transport, history(hist(D3, 100), hist(D2, 200, 100), more=True))
    expect_history(transport, history(hist(D1, 300, 200), page=2))
    expect_restore(transport)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest", "at": NOW - 250})
    assert [c.query.get("page") for c in transport.calls] == ["1", "2", None]
    assert transport.writes[0].body == {"manifest_digest": D1}
    assert result["api_requests"] == 3


def test_warns_when_the_expiration_is_dropped(transport, run_module):
    expiring = history(hist(D3, 100, -3600), hist(D2, 200, 100))
    expect_history(transport, expiring)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest", "manifest_digest": D2},
                        check_mode=True, diff=True)
    assert any("drops that expiration" in w for w in result["warnings"])
    assert result["diff"]["before"]["expiration"] is not None and result["diff"]["after"]["expiration"] is None


def test_at_when_the_tag_was_deleted(transport, run_module):
    expect_history(transport, DELETED)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest", "at": NOW - 50})
    assert result["failed"] is True
    assert "did not exist at" in result["msg"] and "ended before: %s" % D2 in result["msg"]
    assert transport.writes == []


def test_at_before_the_history(transport, run_module):
    expect_history(transport)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest", "at": NOW - 86400})
    assert result["failed"] is True
    assert "before the oldest history row" in result["msg"] and D1 in result["msg"]
    assert transport.writes == []


def test_history_manifest_gone(transport, run_module):
    expect_history(transport, DELETED)
    transport.expect("POST", RESTORE_PATH, status=404, body=NOT_FOUND)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest"})
    assert result["failed"] is True
    assert "garbage-collected" in result["msg"]
    assert "Tag latest pointed at it %s from" % D2 in result["msg"]
    assert result["error"]["kind"] == "not_found" and result["error"]["method"] == "POST"


def test_unknown_digest(transport, run_module):
    expect_history(transport)
    transport.expect("POST", RESTORE_PATH, status=404, body=NOT_FOUND)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest", "manifest_digest": D2})
    assert result["failed"] is True
    assert result["msg"].startswith("manifest %s not found in org/app (HTTP 404)" % D2)


def test_immutable_tag_fails_in_check_mode_too(transport, run_module):
    locked = history(hist(D3, 100, immutable=True), hist(D2, 200, 100, immutable=False))
    for check_mode in (True, False):
        expect_history(transport, locked)
        result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest", "manifest_digest": D2},
                            check_mode=check_mode)
        assert result["failed"] is True and "immutable" in result["msg"]
    assert transport.writes == []


def test_missing_repository(transport, run_module):
    transport.expect("GET", LIST_PATH, status=404, body=NOT_FOUND)
    result = run_module(quay_tag_restore.main, {"repository": "org/app", "name": "latest"})
    assert result["failed"] is True and result["msg"].startswith("repository org/app not found")


@pytest.mark.parametrize("args, words", [
    ({"name": "bad tag"}, "name: "),
    ({"name": ".hidden"}, "name: "),
    ({"manifest_digest": "sha256:short"}, "manifest_digest: "),
    ({"at": NOW + 3600}, "at: "),
    ({"at": "last tuesday"}, "at: "),
    ({"repository": "org"}, "repository: "),
    ({"manifest_digest": D1, "at": NOW - 10}, "mutually exclusive"),
])
def test_bad_input_fails_before_any_request(transport, run_module, args, words):
    args = dict({"repository": "org/app", "name": "latest"}, **args)
    result = run_module(quay_tag_restore.main, args)
    assert result["failed"] is True
    assert words in result["msg"]
    assert transport.calls == []
