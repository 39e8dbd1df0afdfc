# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quay_tag's real main() against a scripted transport: request sequences, check mode, diff, errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest
import requests

from ansible_collections.quaytools.tags.plugins.modules import quay_tag
from ansible_collections.quaytools.tags.tests.unit.conftest import TOKEN

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
LIST = "/api/v1/repository/org/app/tag/"
NOW = int(time.time())
NOT_FOUND = {"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found", "status": 404}


def row(name, digest=D1, start=None, end=None, immutable=None):
    out = {"name": name, "reversion": False}
    if immutable is not None:
        out["immutable"] = immutable
    out.update({"start_ts": start if start is not None else NOW - 86400, "manifest_digest": digest,
                "is_manifest_list": False, "size": 1})
    if end is not None:
        out["end_ts"] = end
    return out


def page(*rows, **kwargs):
    return {"tags": list(rows), "page": kwargs.get("number", 1), "has_additional": kwargs.get("more", False)}


def four_passes(run_module, transport, args, script_read, script_write, diff=True):
    """Check mode then real: same result, no writes in check mode, exactly the scripted writes in the real run."""
    script_read(transport, True)
    checked = run_module(quay_tag.main, args, check_mode=True, diff=diff)
    assert transport.writes == []
    reads = len(transport.calls)
    script_read(transport, False)
    script_write(transport)
    real = run_module(quay_tag.main, args, diff=diff)
    for result in (checked, real):
        result.pop("api_requests", None)
        result.pop("invocation", None)
    assert checked == real
    return real, transport.calls[reads:]


def test_create_one_tag(run_module, transport):
    def read(t, check):
        t.expect("GET", LIST, body=page())
        if check:  # check mode confirms Quay would accept the digest (an active tag references it)
            t.expect("GET", LIST, body=page(row("latest", D1)))

    def write(t):
        t.expect("PUT", LIST + "stable", status=201, body="Updated")

    result, calls = four_passes(run_module, transport, {"repository": "org/app", "name": ["stable"], "manifest_digest": D1},
                                read, write)
    assert result["changed"] is True
    assert result["tags"][0]["manifest_digest"] == D1 and result["tags"][0]["actions"] == ["created"]
    assert result["diff"]["before"] == {"stable": {"state": "absent"}}
    assert result["diff"]["after"]["stable"]["manifest_digest"] == D1
    get, put = calls
    assert get.query == {"specificTag": "stable", "onlyActiveTags": "true"}
    assert put.body == {"manifest_digest": D1}


def test_unchanged_tag_sends_one_get_and_no_put(run_module, transport):
    transport.expect("GET", LIST, body=page(row("stable", D1)))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "stable", "manifest_digest": D1})
    assert result["changed"] is False and result["api_requests"] == 1
    assert transport.writes == []


def test_move_then_expiration_in_two_puts(run_module, transport):
    def read(t, check):
        t.expect("GET", LIST, body=page(row("stable", D1, end=NOW + 3 * 86400)))
        if check:
            t.expect("GET", LIST, body=page(row("stable", D1), row("candidate", D2)))

    def write(t):
        t.expect("PUT", LIST + "stable", status=201, body="Updated")
        t.expect("PUT", LIST + "stable", status=201, body="Updated")

    began = time.time()
    result, calls = four_passes(run_module, transport, {"repository": "org/app", "name": "stable", "manifest_digest": D2,
                                                        "expiration": "2w"}, read, write)
    ended = time.time()
    move, expire = calls[1:]
    assert move.body == {"manifest_digest": D2}
    assert set(expire.body) == {"expiration"}
    assert int(began) + 14 * 86400 <= expire.body["expiration"] <= ended + 14 * 86400
    assert result["tags"][0]["actions"][0] == "moved from " + D1
    assert result["diff"]["before"]["stable"]["manifest_digest"] == D1


def test_source_tag_promotion_reads_one_page(run_module, transport):
    def read(t, check):
        t.expect("GET", LIST, body=page(row("candidate", D2), row("stable", D1), row("prod", D1)))

    def write(t):
        t.expect("PUT", LIST + "stable", status=201, body="Updated")
        t.expect("PUT", LIST + "prod", status=201, body="Updated")

    result, calls = four_passes(run_module, transport, {"repository": "org/app", "name": ["stable", "prod"],
                                                        "source_tag": "candidate"}, read, write)
    assert calls[0].query["onlyActiveTags"] == "true" and calls[0].query["limit"] == "100"
    assert [c.body for c in calls[1:]] == [{"manifest_digest": D2}, {"manifest_digest": D2}]
    assert [t["changed"] for t in result["tags"]] == [True, True]


def test_many_names_use_shared_substring_filter(run_module, transport):
    names = ["pr-%d" % n for n in range(100, 105)]
    transport.expect("GET", LIST, body=page(*[row(n) for n in names]))
    for name in names:
        transport.expect("DELETE", LIST + name, status=204)
    result = run_module(quay_tag.main, {"repository": "org/app", "name": names, "state": "absent"})
    assert transport.calls[0].query["filter_tag_name"] == "like:pr-10"
    assert result["changed"] is True and result["api_requests"] == 6


def test_missing_names_looked_up_one_by_one_when_cheaper(run_module, transport):
    transport.expect("GET", LIST, body=page(row("alpha"), more=True))
    transport.expect("GET", LIST, body=page())
    transport.expect("PUT", LIST + "beta", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["alpha", "beta"], "manifest_digest": D1})
    assert [c.query.get("specificTag") for c in transport.calls[:2]] == [None, "beta"]
    assert [t["changed"] for t in result["tags"]] == [False, True]
    assert result["api_requests"] == 3


def test_absent_tag_is_ok(run_module, transport):
    transport.expect("GET", LIST, body=page())
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "gone", "state": "absent"}, diff=True)
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"] == {"gone": {"state": "absent"}}


def test_relative_expiration_already_sooner_is_left_alone(run_module, transport):
    transport.expect("GET", LIST, body=page(row("pr-1", end=NOW + 86400)))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "pr-1", "expiration": "2w"})
    assert result["changed"] is False


def test_relative_expiration_later_is_pulled_in(run_module, transport):
    transport.expect("GET", LIST, body=page(row("pr-1", end=NOW + 30 * 86400)))
    transport.expect("PUT", LIST + "pr-1", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "pr-1", "expiration": "1w2d"})
    assert result["changed"] is True
    assert int(time.time()) - 60 + 9 * 86400 <= transport.calls[1].body["expiration"] <= time.time() + 9 * 86400


def test_absolute_expiration_compared_with_clamped_value(run_module, transport):
    now = int(time.time())
    start = now - 600
    requested = now + 120  # less than start + 1 h: Quay stores start + 3600
    transport.expect("GET", LIST, body=page(row("t", start=start, end=start + 3600)))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "t", "expiration": requested})
    assert result["changed"] is False, result


def test_absolute_expiration_clamped_warns(run_module, transport):
    now = int(time.time())
    start = now - 600
    transport.expect("GET", LIST, body=page(row("t", start=start)))
    transport.expect("PUT", LIST + "t", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "t", "expiration": now + 120})
    assert result["changed"] is True
    assert result["tags"][0]["end_ts"] == start + 3600
    assert any("instead of the requested" in w for w in result["warnings"]), result


def test_clear_expiration(run_module, transport):
    transport.expect("GET", LIST, body=page(row("t", end=NOW + 86400)))
    transport.expect("PUT", LIST + "t", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "t", "expiration": "never"})
    assert transport.calls[1].body == {"expiration": None}
    assert result["tags"][0]["expiration"] is None


def test_overwrite_false_refuses_to_move_before_any_write(run_module, transport):
    transport.expect("GET", LIST, body=page(row("v1", D1), row("v2", D2)))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["v1", "v2", "v3"], "manifest_digest": D2,
                                        "overwrite": False})
    assert result["failed"] is True
    assert "v1 points to %s, not %s, and overwrite is false" % (D1, D2) in result["msg"]
    assert transport.writes == []


def test_expiration_only_on_missing_tag_fails_naming_it(run_module, transport):
    transport.expect("GET", LIST, body=page())
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "nope", "expiration": "1d"})
    assert result["failed"] is True and "nope does not exist in org/app" in result["msg"]


def test_missing_source_tag(run_module, transport):
    transport.expect("GET", LIST, body=page(row("stable")))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["stable", "prod"], "source_tag": "candidate"})
    assert result["failed"] is True and "source_tag: candidate is not an active tag in org/app" in result["msg"]


def test_immutable_requires_server_support(run_module, transport):
    transport.expect("GET", LIST, body=page(row("v1")))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v1", "immutable": True})
    assert result["failed"] is True and "FEATURE_IMMUTABLE_TAGS" in result["msg"]
    assert transport.writes == []


def test_make_immutable(run_module, transport):
    transport.expect("GET", LIST, body=page(row("v1", immutable=False)))
    transport.expect("PUT", LIST + "v1", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v1", "immutable": True}, diff=True)
    assert transport.calls[1].body == {"immutable": True}
    assert result["diff"]["after"]["v1"]["immutable"] is True and result["tags"][0]["immutable"] is True


def test_moving_immutable_tag_clears_immutability_first_when_asked(run_module, transport):
    transport.expect("GET", LIST, body=page(row("v1", D1, immutable=True)))
    # clearing immutability goes first, so D2 is confirmed available before any write
    transport.expect("GET", LIST, body=page(row("v1", D1, immutable=True), row("v2", D2, immutable=False)))
    transport.expect("PUT", LIST + "v1", status=201, body="Updated")
    transport.expect("PUT", LIST + "v1", status=201, body="Updated")
    run_module(quay_tag.main, {"repository": "org/app", "name": "v1", "manifest_digest": D2, "immutable": False})
    assert [c.body for c in transport.writes] == [{"immutable": False}, {"manifest_digest": D2}]


def test_moving_immutable_tag_refused(run_module, transport):
    transport.expect("GET", LIST, body=page(row("v1", D1, immutable=True)))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v1", "manifest_digest": D2})
    assert result["failed"] is True and "immutable" in result["msg"] and transport.writes == []


def test_half_way_failure_lists_changed_tags(run_module, transport):
    transport.expect("GET", LIST, body=page(row("a"), row("b"), row("c")))
    transport.expect("DELETE", LIST + "a", status=204)
    transport.expect("DELETE", LIST + "b", status=204)
    transport.expect("DELETE", LIST + "c", status=503, body={"message": "Repository is in read only or mirror mode: 1"})
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["a", "b", "c"], "state": "absent"})
    assert result["failed"] is True and result["changed"] is True
    assert result["changed_tags"] == ["a", "b"] and result["failed_tag"] == "c"
    assert "read-only or mirror mode" in result["msg"] and "tags changed before the failure: a, b" in result["msg"]


def test_tag_deleted_by_another_run_meanwhile_is_absent_as_wanted(run_module, transport):
    """Two runs delete b at once: this one read b active, the other deleted it first; b is absent, as declared."""
    transport.expect("GET", LIST, body=page(row("a"), row("b"), row("c")))
    transport.expect("DELETE", LIST + "a", status=204)
    transport.expect("DELETE", LIST + "b", status=404, body=NOT_FOUND)
    transport.expect("DELETE", LIST + "c", status=204)
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["a", "b", "c"], "state": "absent"}, diff=True)
    assert not result.get("failed") and result["changed"] is True
    assert [(t["name"], t["state"], t["changed"], t["actions"]) for t in result["tags"]] == [
        ("a", "absent", True, ["deleted"]), ("b", "absent", False, []), ("c", "absent", True, ["deleted"])]
    assert result["diff"]["after"]["b"] == {"state": "absent"}
    assert [w for w in result["warnings"] if w.startswith("b: ")] == [
        "b: not active any more when this task deleted it (HTTP 404): another run deleted it or it expired after it was "
        "read; it is absent, as wanted"]


@pytest.mark.parametrize("args, words", [
    ({"repository": "Org/app", "name": "x"}, "repository:"),
    ({"repository": "org/app", "name": []}, "name: give at least one"),
    ({"repository": "org/app", "name": ["ok", "../x"]}, "name:"),
    ({"repository": "org/app", "name": "x", "manifest_digest": "sha256:abc"}, "manifest_digest:"),
    ({"repository": "org/app", "name": "x", "source_tag": "a b"}, "source_tag:"),
    ({"repository": "org/app", "name": "x", "manifest_digest": D1, "source_tag": "y"}, "mutually exclusive"),
    ({"repository": "org/app", "name": "x", "expiration": "tomorrow"}, "expiration:"),
    ({"repository": "org/app", "name": "x", "expiration": "2020-01-01T00:00:00Z"}, "in the past"),
    ({"repository": "org/app", "name": "x", "expiration": 1796510802000}, "milliseconds"),
    ({"repository": "org/app", "name": "x", "state": "absent", "expiration": "1d"}, "only used with state=present"),
    ({"repository": "org/app", "name": "x", "expected_digests": {"x": D1}}, "expected_digests: only used with state=absent"),
    ({"repository": "org/app", "name": "x", "state": "absent", "expected_digests": {"y": D1}},
     "expected_digests: y is not one of the tags in name (x)"),
    ({"repository": "org/app", "name": "x", "state": "absent", "expected_digests": {"x": "sha256:1"}},
     "expected_digests: x: 'sha256:1' is not a manifest digest"),
    ({"repository": "org/app", "name": "x", "state": "absent", "manifest_digest": D1, "expected_digests": {"x": D1}},
     "mutually exclusive"),
    ({"repository": "org/app", "name": "x", "state": "gone"}, "state"),
])
def test_bad_input_fails_before_any_request(run_module, transport, args, words):
    result = run_module(quay_tag.main, args)
    assert result["failed"] is True and words in result["msg"]
    assert transport.calls == []
    if "mutually exclusive" not in words and "state" != words:  # Ansible's own option checks return no api_requests
        assert result["api_requests"] == 0


def test_missing_connection_options(run_module, transport):
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "x"}, connection=False)
    assert result["failed"] is True and "quay_host" in result["msg"] and "QUAY_HOST" in result["msg"]
    assert transport.calls == []


def test_connection_from_environment(run_module, transport, monkeypatch):
    monkeypatch.setenv("QUAY_HOST", "quay.env.example/api/v1/")
    monkeypatch.setenv("QUAY_TOKEN", TOKEN)
    transport.expect("GET", LIST, body=page(row("x")))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "x"}, connection=False)
    assert result["changed"] is False
    assert transport.calls[0].url.startswith("https://quay.env.example/api/v1/repository/org/app/tag/?")


def test_token_never_in_output(run_module, transport):
    transport.expect("GET", LIST, status=401, body={"detail": "Requires authentication %s" % TOKEN})
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "x"})
    assert result["failed"] is True and "token is missing, invalid or expired" in result["msg"]
    assert TOKEN not in repr(result)


def test_check_mode_predicts_unavailable_digest(run_module, transport):
    # check mode: the tag would be created on D2, but no active tag references D2, so the real PUT would get 404
    transport.expect("GET", LIST, body=page())
    transport.expect("GET", LIST, body=page(row("other", D1)))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v9", "manifest_digest": D2}, check_mode=True)
    assert result["failed"] is True and "manifest %s is not available in org/app" % D2 in result["msg"]
    assert transport.calls[1].query == {"onlyActiveTags": "true", "page": "1", "limit": "100"}
    assert transport.writes == []


def test_check_mode_accepts_child_of_active_manifest_list(run_module, transport):
    lst = dict(row("multi", "sha256:" + "3" * 64), is_manifest_list=True, child_manifests_presence={D2: True})
    transport.expect("GET", LIST, body=page())
    transport.expect("GET", LIST, body=page(lst))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v9", "manifest_digest": D2}, check_mode=True)
    assert result["changed"] is True and result["tags"][0]["actions"] == ["created"]


def test_check_mode_accepts_a_child_digest_when_the_server_does_not_list_children(run_module, transport):
    # Older Quay releases send a manifest list's row without child_manifests_presence (keys as Quay sends them).
    lst = {"name": "multiarch", "reversion": False, "start_ts": NOW - 86400, "manifest_digest": "sha256:" + "3" * 64,
           "is_manifest_list": True, "size": None, "last_modified": "Fri, 04 Dec 2026 14:52:08 -0000"}
    transport.expect("GET", LIST, body=page())
    transport.expect("GET", LIST, body=page(lst))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v9", "manifest_digest": D2}, check_mode=True)
    assert not result.get("failed"), result["msg"]
    assert result["changed"] is True and result["tags"][0]["actions"] == ["created"]
    assert any("does not list the children of its manifest lists" in w for w in result["warnings"])


def test_check_mode_refuses_a_child_the_repository_does_not_hold(run_module, transport):
    lst = dict(row("multi", "sha256:" + "3" * 64), is_manifest_list=True, child_manifests_presence={D2: False})
    transport.expect("GET", LIST, body=page())
    transport.expect("GET", LIST, body=page(lst))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v9", "manifest_digest": D2}, check_mode=True)
    assert result["failed"] is True and "is not available in org/app" in result["msg"]


def test_real_run_checks_digest_when_another_write_goes_first(run_module, transport):
    # Clearing immutability would go before the move to D3, which no active tag references:
    # the real run confirms D3 before writing anything, and fails without half-applying.
    d3 = "sha256:" + "3" * 64
    transport.expect("GET", LIST, body=page(row("a", D1, immutable=True)))
    transport.expect("GET", LIST, body=page(row("a", D1, immutable=True), row("b", D2, immutable=False)))
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "a", "manifest_digest": d3, "immutable": False})
    assert result["failed"] is True and "manifest %s is not available in org/app" % d3 in result["msg"]
    assert transport.writes == []


def test_real_run_finds_digest_among_rows_already_read(run_module, transport):
    # "a" already points at D2, so D2 is available: no extra read before expiring "a" and moving "b"
    transport.expect("GET", LIST, body=page(row("a", D2, end=NOW + 86400), row("b", D1)))
    transport.expect("PUT", LIST + "a", status=201, body="Updated")
    transport.expect("PUT", LIST + "b", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["a", "b"], "manifest_digest": D2,
                                        "expiration": "never"})
    assert result["changed"] is True and result["api_requests"] == 3
    assert [c.body for c in transport.writes] == [{"expiration": None}, {"manifest_digest": D2}]


def test_real_run_relies_on_the_put_when_the_move_goes_first(run_module, transport):
    transport.expect("GET", LIST, body=page())
    transport.expect("PUT", LIST + "v9", status=404, body=NOT_FOUND)
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v9", "manifest_digest": D2})
    assert result["failed"] is True and "is not available in org/app" in result["msg"]
    assert "no tag was changed" in result["msg"] and result["api_requests"] == 2


def test_a_write_whose_answers_were_all_lost_may_have_been_applied(run_module, transport):
    # Every DELETE reached Quay and timed out: the message must not say that no tag was changed.
    timeout = requests.exceptions.ReadTimeout("Read timed out.")
    transport.expect("GET", LIST, body=page(row("a", D1), row("b", D1)))
    transport.expect("DELETE", LIST + "a", status=204)
    transport.expect("DELETE", LIST + "b", raises=timeout)
    transport.expect("DELETE", LIST + "b", raises=timeout)
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["a", "b"], "state": "absent", "retries": 1})
    assert result["failed"] is True and result["changed_tags"] == ["a"] and result["failed_tag"] == "b"
    assert result["msg"].startswith("could not reach Quay at https://quay.example.com after 2 attempts: no answer within")
    assert result["msg"].endswith("(DELETE /api/v1/repository/org/app/tag/b); tags changed before the failure: a; this write "
                                  "may have been applied too (Quay's answer was lost): run the task again, it changes only "
                                  "what is left")


def test_a_move_whose_answers_were_all_lost_may_have_been_applied(run_module, transport):
    def quay(call):
        if call.method == "PUT":
            raise requests.exceptions.ReadTimeout("Read timed out.")
        return 200, page(row("v1", D1)), None  # the move never shows up

    transport.handler = quay
    # timeout 0.1 s: the read-backs watch the lost PUT for 0.1 s before it is sent again (or the task fails).
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v1", "manifest_digest": D2, "retries": 1,
                                        "timeout": 0.1})
    assert result["failed"] is True and result["changed_tags"] == [] and result["changed"] is False
    assert result["msg"].endswith("; no tag was changed before it, but this write may have been applied (Quay's answer was "
                                  "lost): run the task again, it changes only what is left")
    assert [c.method for c in transport.calls].count("PUT") == 2
    assert result["api_requests"] == len(transport.calls) >= 5


def test_a_refused_write_still_says_no_tag_was_changed(run_module, transport):
    transport.expect("GET", LIST, body=page(row("v1", D1)))
    for _attempt in range(2):
        transport.expect("PUT", LIST + "v1", status=503, body={"message": "upstream connect error"})
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "v1", "manifest_digest": D2, "retries": 1})
    assert result["failed"] is True and result["msg"].endswith("; no tag was changed")


# -- Quay's immutability rules: refused before the first write, in check mode too -----------------------------------------

CONFIG = "/config"


def quay_config(can_expire):
    """The parts of Quay's GET /config that matter here (the real body has many more keys)."""
    return {"config": {"FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE": can_expire}, "features": {
        "IMMUTABLE_TAGS": True, "IMMUTABLE_TAGS_CAN_EXPIRE": can_expire, "CHANGE_TAG_EXPIRATION": True}}


IMMUTABILITY_CASES = {
    # new tag: created, then expiration and immutable in one PUT, which Quay refuses after setting the expiration;
    # the tag is not there, so one more row is read to learn whether the server reports immutability
    "new tag with immutable and expiration": (
        {"name": "imm-a", "manifest_digest": D1, "immutable": True, "expiration": "2w"},
        [page(), page(row("latest", D1, immutable=False))],
        "imm-a would get an expiration in this task"),
    # a list where one tag is immutable: the expiration of the first would be set before the second failed
    "expiration on a list with an immutable tag": (
        {"name": ["a", "latest"], "expiration": "2w"},
        [page(row("a", immutable=False), row("latest", immutable=True))],
        "latest is immutable and this Quay server does not let immutable tags expire"),
    "immutable on an expiring tag": (
        {"name": "c", "immutable": True},
        [page(row("c", end=NOW + 86400, immutable=False))],
        "c has an expiration"),
}


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize("case", sorted(IMMUTABILITY_CASES))
def test_immutability_and_expiration_refused_before_any_write(run_module, transport, case, check_mode):
    args, reads, words = IMMUTABILITY_CASES[case]
    for body in reads:
        transport.expect("GET", LIST, body=body)
    transport.expect("GET", CONFIG, body=quay_config(False))
    result = run_module(quay_tag.main, dict(args, repository="org/app"), check_mode=check_mode)
    assert result["failed"] is True and result["changed"] is False, result
    assert result["msg"].startswith("nothing was changed: ") and words in result["msg"]
    assert "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE" in result["msg"]
    assert transport.writes == []
    assert transport.calls[-1].path == CONFIG and "Authorization" in transport.calls[-1].headers


@pytest.mark.parametrize("case", sorted(IMMUTABILITY_CASES))
def test_immutability_and_expiration_go_together_when_the_server_allows_it(run_module, transport, case):
    args, reads, _words = IMMUTABILITY_CASES[case]
    for body in reads:
        transport.expect("GET", LIST, body=body)
    transport.expect("GET", CONFIG, body=quay_config(True))
    names = args["name"] if isinstance(args["name"], list) else [args["name"]]
    for name in names:
        if name == "imm-a":
            transport.expect("PUT", LIST + name, status=201, body="Updated")
        transport.expect("PUT", LIST + name, status=201, body="Updated")
    result = run_module(quay_tag.main, dict(args, repository="org/app"))
    assert not result.get("failed"), result
    assert result["changed"] is True and all(t["changed"] for t in result["tags"])
    assert result["api_requests"] == len(transport.calls)


def test_immutable_with_expiration_never_is_one_put_and_asks_no_config(run_module, transport):
    transport.expect("GET", LIST, body=page(row("c", end=NOW + 86400, immutable=False)))
    transport.expect("PUT", LIST + "c", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "c", "immutable": True, "expiration": "never"})
    assert [c.body for c in transport.writes] == [{"expiration": None, "immutable": True}]
    assert result["tags"][0]["actions"] == ["expiration cleared", "made immutable"]
    assert result["api_requests"] == 2
    transport.expect("GET", LIST, body=page(row("c", immutable=True)))
    again = run_module(quay_tag.main, {"repository": "org/app", "name": "c", "immutable": True, "expiration": "never"})
    assert again["changed"] is False and again["api_requests"] == 1


def test_an_unreadable_config_fails_before_any_write_and_says_why_it_was_read(run_module, transport):
    transport.expect("GET", LIST, body=page(row("c", end=NOW + 86400, immutable=False)))
    transport.expect("GET", CONFIG, status=404, body=b"<html><title>404 Not Found</title></html>", headers={"Content-Type": "text/html"})
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "c", "immutable": True})
    assert result["failed"] is True and transport.writes == []
    assert result["msg"].startswith("could not learn whether this Quay server lets immutable tags expire "
                                    "(FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE in Quay's /config), which this task depends on: ")


# -- state=absent with expected digests --------------------------------------------------------------------------------------

def test_absent_with_expected_digests_skips_a_tag_that_moved(run_module, transport):
    def read(t, check):
        t.expect("GET", LIST, body=page(row("ci-1", D1), row("ci-2", D2)))

    def write(t):
        t.expect("DELETE", LIST + "ci-1", status=204)

    args = {"repository": "org/app", "name": ["ci-1", "ci-2"], "state": "absent", "expected_digests": {"ci-1": D1, "ci-2": D1}}
    result, calls = four_passes(run_module, transport, args, read, write)
    assert [c.method + " " + c.path for c in calls] == ["GET " + LIST, "DELETE " + LIST + "ci-1"]
    assert result["changed"] is True
    assert [(t["name"], t["state"], t["changed"]) for t in result["tags"]] == [("ci-1", "absent", True), ("ci-2", "present", False)]
    assert result["skipped_tags"] == [{"name": "ci-2", "manifest_digest": D2, "reason": (
        "it points at %s, not at the expected %s: it moved after the deletion was planned, so it is left alone" % (D2, D1))}]
    assert any(w.startswith("ci-2: not deleted: it points at") for w in result["warnings"])


def test_absent_with_manifest_digest_deletes_only_tags_still_on_it(run_module, transport):
    transport.expect("GET", LIST, body=page(row("a", D1), row("b", D2)))
    transport.expect("DELETE", LIST + "a", status=204)
    result = run_module(quay_tag.main, {"repository": "org/app", "name": ["a", "b"], "state": "absent", "manifest_digest": D1})
    assert [t["changed"] for t in result["tags"]] == [True, False] and [s["name"] for s in result["skipped_tags"]] == ["b"]


# -- immutability policies: a tag created immutable cannot get an expiration -----------------------------------------

REPO_POLICIES = "/api/v1/repository/org/app/immutabilitypolicy/"
ORG_POLICIES = "/api/v1/organization/org/immutabilitypolicy/"
SCOPE_403 = {"error_message": "Unauthorized", "error_type": "insufficient_scope", "status": 403}


def test_a_new_tag_a_policy_locks_gets_no_expiration_and_nothing_is_written(run_module, transport):
    transport.expect("GET", LIST, body=page())
    transport.expect("GET", CONFIG, body=quay_config(False))
    transport.expect("GET", REPO_POLICIES, body={"policies": []})
    transport.expect("GET", ORG_POLICIES, body={"policies": [
        {"uuid": "u1", "tagPattern": "pr-.*", "tagPatternMatches": True}]})
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "pr-7", "manifest_digest": D1, "expiration": "2w"})
    assert result["failed"] is True and result["changed"] is False and transport.writes == []
    assert ("pr-7 would be made immutable by the immutability policy of namespace org on the tags matching 'pr-.*'"
            in result["msg"])


def test_policies_the_token_cannot_read_leave_a_warning_and_the_task_goes_on(run_module, transport):
    transport.expect("GET", LIST, body=page())
    transport.expect("GET", CONFIG, body=quay_config(False))
    transport.expect("GET", REPO_POLICIES, status=403, body=SCOPE_403)
    transport.expect("GET", ORG_POLICIES, status=403, body=SCOPE_403)
    transport.expect("PUT", LIST + "pr-7", status=201, body="Updated")
    transport.expect("PUT", LIST + "pr-7", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "pr-7", "manifest_digest": D1, "expiration": "2w"})
    assert result["changed"] is True and not result.get("failed")
    assert any("could not read the immutability policies of repository org/app (repo:admin) and namespace org "
               "(org:admin)" in w for w in result["warnings"])


def test_a_server_without_immutable_tags_costs_only_its_config(run_module, transport):
    transport.expect("GET", LIST, body=page())
    transport.expect("GET", CONFIG, body={"features": {"IMMUTABLE_TAGS": False, "IMMUTABLE_TAGS_CAN_EXPIRE": False}})
    transport.expect("PUT", LIST + "pr-7", status=201, body="Updated")
    transport.expect("PUT", LIST + "pr-7", status=201, body="Updated")
    result = run_module(quay_tag.main, {"repository": "org/app", "name": "pr-7", "manifest_digest": D1, "expiration": "2w"})
    assert result["changed"] is True and result["api_requests"] == 4 and not result.get("warnings")
