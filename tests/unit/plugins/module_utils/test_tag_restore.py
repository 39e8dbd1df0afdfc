# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The planning logic of quay_tag_restore: options, choosing the target from the history, errors. No I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._tag_restore import (
    PlanError,
    RestoreRequest as Request,
    alive_at,
    make_plan,
    parse_request,
    result_of,
)

NOW = 1795906100  # 2026-11-28T22:48:20Z
D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
D3 = "sha256:" + "3" * 64


def hist(digest, start, end=None, **extra):
    row = {"name": "latest", "reversion": False, "start_ts": start, "manifest_digest": digest, "is_manifest_list": False,
           "size": 10}
    if end is not None:
        row["end_ts"] = end
    row.update(extra)
    return row


# latest: D1, moved to D2, then a bad push moved it to D3 (newest first, as Quay lists them).
MOVED = [hist(D3, NOW - 100), hist(D2, NOW - 200, NOW - 100), hist(D1, NOW - 300, NOW - 200)]
# latest: D1, moved to D2, then deleted.
DELETED = [hist(D2, NOW - 200, NOW - 100), hist(D1, NOW - 300, NOW - 200)]


def req(**options):
    return Request("org/app", "latest", manifest_digest=options.get("manifest_digest"), at=options.get("at"))


def params(**overrides):
    base = dict(repository="org/app", name="latest", manifest_digest=None, at=None)
    base.update(overrides)
    return base


# -- options ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (NOW - 60, NOW - 60),
    (str(NOW - 60), NOW - 60),
    (float(NOW) - 0.5, NOW - 0.5),
    ("2026-11-28T22:40:46Z", 1795905646),
    ("2026-11-28T23:40:46+01:00", 1795905646),
    (NOW, NOW),  # now itself is not the future
])
def test_at_is_parsed(value, expected):
    assert parse_request(params(at=value), NOW).at == expected


@pytest.mark.parametrize("value, words", [
    (NOW + 5, "is in the future"),
    ("2026-11-28T22:49:00Z", "is in the future"),
    (NOW * 1000, "at: %d is not in epoch seconds: it would be the year 58879; if it is in milliseconds, give %d"
                 % (NOW * 1000, NOW)),
    (20261128, "at: 20261128 is ambiguous: it reads as the date 2026-11-28"),
    ("yesterday", "epoch seconds or an ISO 8601"),
    (True, "epoch seconds or an ISO 8601"),
    (float("nan"), "not a point in time"),
    (float("inf"), "not a point in time"),
    ({"when": 1}, "epoch seconds or an ISO 8601"),
])
def test_bad_at(value, words):
    with pytest.raises(ValueError) as exc:
        parse_request(params(at=value), NOW)
    assert str(exc.value).startswith("at: ")
    assert words in str(exc.value)


@pytest.mark.parametrize("overrides, option", [
    (dict(repository="org/App"), "repository"),
    (dict(name="bad tag"), "name"),  # Quay's restore would create a tag with this name
    (dict(name="北京"), "name"),
    (dict(name="a/b"), "name"),
    (dict(manifest_digest="sha256:xyz"), "manifest_digest"),
])
def test_bad_names_and_digests(overrides, option):
    with pytest.raises(ValueError) as exc:
        parse_request(params(**overrides), NOW)
    assert str(exc.value).startswith(option + ": ")


def test_kinds():
    assert parse_request(params(manifest_digest=D1), NOW).kind == "manifest_digest"
    assert parse_request(params(at=NOW - 1), NOW).kind == "at"
    assert parse_request(params(), NOW).kind == "undelete"


# -- the row alive at an instant ----------------------------------------------------------------

def test_alive_at_is_half_open():
    row = hist(D1, 100, 200)
    assert [alive_at(row, t) for t in (99, 100, 199.9, 200)] == [False, True, True, False]
    assert alive_at(hist(D1, 100), 10 ** 10)


# -- manifest_digest ----------------------------------------------------------------------------

def test_digest_after_a_bad_push():
    plan = make_plan(req(manifest_digest=D1), MOVED, NOW)
    assert (plan.target, plan.previous, plan.changed) == (D1, D3, True)


def test_digest_already_active_is_no_change():
    plan = make_plan(req(manifest_digest=D3), MOVED, NOW)
    assert plan.changed is False


def test_digest_on_a_name_without_history_creates_the_tag():
    plan = make_plan(req(manifest_digest=D1), [], NOW)
    assert (plan.target, plan.previous, plan.changed) == (D1, None, True)


# -- at -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("at, target, changed", [
    (NOW - 150, D2, True),
    (NOW - 250, D1, True),
    (NOW - 300, D1, True),  # the first second of the oldest row
    (NOW - 200, D2, True),  # the move's second: the newer row wins
    (NOW - 100, D3, False),  # the active row
    (NOW, D3, False),
])
def test_at_between_moves(at, target, changed):
    plan = make_plan(req(at=at), MOVED, NOW)
    assert (plan.target, plan.changed) == (target, changed)
    assert plan.previous == D3


def test_rows_sharing_one_second_follow_the_list_order():
    # Three moves within second S (Quay orders by milliseconds, reports seconds): D1 -> D2 -> D3.
    second = NOW - 50
    rows = [hist(D3, second), hist(D2, second, second), hist(D1, second - 10, second)]
    assert make_plan(req(at=second), rows, NOW).target == D3
    assert make_plan(req(at=second - 1), rows, NOW).target == D1


def test_at_before_the_oldest_row_shows_it():
    with pytest.raises(PlanError) as exc:
        make_plan(req(at=NOW - 301), MOVED, NOW)
    message = str(exc.value)
    assert message.startswith("at: 2026-11-28T22:43:19Z is before the oldest history row of tag latest in org/app")
    assert "time-machine window" in message
    assert "%s from 2026-11-28T22:43:20Z to 2026-11-28T22:45:00Z" % D1 in message


def test_at_while_deleted_shows_the_rows_around():
    rows = [hist(D1, NOW - 50), hist(D2, NOW - 200, NOW - 100)]  # deleted at NOW-100, created again at NOW-50
    with pytest.raises(PlanError) as exc:
        make_plan(req(at=NOW - 75), rows, NOW)
    message = str(exc.value)
    assert "did not exist at 2026-11-28T22:47:05Z" in message
    assert "ended before: %s from 2026-11-28T22:45:00Z to 2026-11-28T22:46:40Z" % D2 in message
    assert message.endswith("started after: %s from 2026-11-28T22:47:30Z still active" % D1)


def test_at_after_deletion():
    with pytest.raises(PlanError) as exc:
        make_plan(req(at=NOW - 100), DELETED, NOW)  # the deletion's second: gone
    assert "ended before: %s" % D2 in str(exc.value)
    assert "started after" not in str(exc.value)
    assert str(exc.value).endswith("Leave out at to bring the tag back on the manifest it had last")


def test_at_without_any_history():
    with pytest.raises(PlanError) as exc:
        make_plan(req(at=NOW - 1), [], NOW)
    assert "has no history at all" in str(exc.value)


# -- undelete -----------------------------------------------------------------------------------

def test_undelete_restores_the_most_recent_row():
    plan = make_plan(req(), DELETED, NOW)
    assert (plan.target, plan.previous, plan.changed) == (D2, None, True)
    assert plan.source is DELETED[0]


def test_undelete_an_expired_tag():
    rows = [hist(D1, NOW - 7200, NOW - 3600)]
    assert make_plan(req(), rows, NOW).target == D1


def test_undelete_leaves_an_active_tag_alone():
    plan = make_plan(req(), MOVED, NOW)
    assert (plan.target, plan.changed) == (D3, False)


def test_undelete_without_history():
    with pytest.raises(PlanError) as exc:
        make_plan(req(), [], NOW)
    assert "nothing to undelete" in str(exc.value) and "manifest_digest" in str(exc.value)


# -- immutability and expiration ----------------------------------------------------------------

def test_immutable_active_tag_is_refused_before_writing():
    rows = [hist(D3, NOW - 100, immutable=True)] + MOVED[1:]
    with pytest.raises(PlanError) as exc:
        make_plan(req(manifest_digest=D1), rows, NOW)
    assert "immutable: false" in str(exc.value)
    assert make_plan(req(manifest_digest=D3), rows, NOW).changed is False  # nothing to do is fine


def test_expiration_is_dropped_only_by_a_change():
    rows = [hist(D3, NOW - 100, NOW + 3600)] + MOVED[1:]
    assert make_plan(req(manifest_digest=D1), rows, NOW).drops_expiration is True
    assert make_plan(req(manifest_digest=D3), rows, NOW).drops_expiration is False
    assert make_plan(req(manifest_digest=D1), MOVED, NOW).drops_expiration is False


def test_result_and_diff():
    rows = [hist(D3, NOW - 100, NOW + 3600)] + MOVED[1:]
    request = req(manifest_digest=D1)
    plan = make_plan(request, rows, NOW)
    assert result_of(request, plan, diff=False) == {
        "changed": True, "tag": {"name": "latest", "manifest_digest": D1, "previous_manifest_digest": D3}}
    assert result_of(request, plan, diff=True)["diff"] == {
        "before": {"manifest_digest": D3, "expiration": "2026-11-28T23:48:20Z"},
        "after": {"manifest_digest": D1, "expiration": None}}
    same = make_plan(req(manifest_digest=D3), rows, NOW)
    diff = result_of(req(), same, diff=True)["diff"]
    assert diff["before"] == diff["after"]
