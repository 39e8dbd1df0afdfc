# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The planning logic of quay_tag, in plain Python (no HTTP, no AnsibleModule)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._tag_state import (
    PlanError,
    common_substring,
    make_plan,
    parse_request,
    read_current,
)

NOW = 1800000000
D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64


def request(**params):
    base = {"repository": "org/app", "name": ["t"], "state": "present", "manifest_digest": None, "source_tag": None,
            "expiration": None, "immutable": None, "overwrite": True}
    base.update(params)
    return parse_request(base, NOW)


def row(name="t", digest=D1, start=NOW - 86400, end=None, **extra):
    out = {"name": name, "manifest_digest": digest, "start_ts": start}
    if end is not None:
        out["end_ts"] = end
    out.update(extra)
    return out


class FakeClient:
    """Active tags of one repository, paged like Quay; counts requests."""

    def __init__(self, names):
        self.rows = [row(n) for n in names]
        self.requests = []

    def list_tags(self, repository, specific_tag=None, filter_tag_name=None, only_active=None, page=None, limit=None):
        self.requests.append((specific_tag, filter_tag_name, page))
        rows = self.rows
        if specific_tag:
            rows = [r for r in rows if r["name"] == specific_tag]
        if filter_tag_name:
            text = filter_tag_name.split(":", 1)[1].lower()
            rows = [r for r in rows if text in r["name"].lower()]
        limit = limit or 50
        page = page or 1
        chunk = rows[(page - 1) * limit:page * limit + 1]
        return {"tags": chunk[:limit], "page": page, "has_additional": len(chunk) > limit}


def test_common_substring():
    assert common_substring(["pr-101", "pr-102", "pr-199"]) == "pr-1"
    assert common_substring(["stable", "latest"]) == "st"  # "ta" is as long; the first found wins
    assert common_substring(["a", "b"]) is None
    assert common_substring(["abc", "xyz"]) is None


@pytest.mark.parametrize("total, wanted, max_requests", [
    (50, ["latest"], 1),
    (50, ["a1", "a2", "a3"], 1),
    (1000, ["x-0001", "x-0002"], 1),       # both on the first page of the like:x-000 match
    (10000, ["ci-%04d" % n for n in range(100)], 1),   # like:ci-00 matches exactly these 100 (+ none)
])
def test_read_current_request_bound(total, wanted, max_requests):
    names = ["ci-%04d" % n for n in range(total)] if wanted[0].startswith("ci-") else \
        (["x-%04d" % n for n in range(total)] if wanted[0].startswith("x-") else ["a%d" % n for n in range(total)] + ["latest"])
    client = FakeClient(names)
    current, _rows = read_current(client, "org/app", wanted, NOW)
    assert all(current[n] is not None for n in wanted)
    assert len(client.requests) <= max_requests


def test_read_current_switches_to_lookups_for_few_missing_names():
    client = FakeClient(["filler%03d" % n for n in range(300)] + ["zeta"])
    current, _rows = read_current(client, "org/app", ["filler001", "zeta"], NOW)
    assert current["zeta"] is not None
    # page 1 (like:e filter over 301 names) has filler001 but not zeta; then one specificTag lookup
    assert len(client.requests) == 2 and client.requests[1][0] == "zeta"


def test_read_current_reports_missing_names():
    client = FakeClient(["a", "b"])
    current, _rows = read_current(client, "org/app", ["a", "nope"], NOW)
    assert current == {"a": client.rows[0], "nope": None}


def test_plan_move_drops_expiration_with_warning():
    plans, warnings = make_plan(request(manifest_digest=D2), {"t": row(end=NOW + 999)}, None, NOW)
    assert [w[0] for w in plans[0].writes] == ["move"]
    assert plans[0].after["expiration"] is None
    assert "drops a tag's expiration" in warnings[0]


def test_plan_relative_expiration_on_fresh_tag_respects_minimum():
    # a tag started 10 minutes ago, asked to expire within 5 minutes: Quay stores start + 1 h; no flip-flop
    start = NOW - 600
    plans, _w = make_plan(request(expiration="5m"), {"t": row(start=start, end=start + 3600)}, None, NOW)
    assert plans[0].writes == []


def test_plan_refuses_expiration_on_ancient_tag():
    with pytest.raises(PlanError) as exc:
        make_plan(request(expiration="1d"), {"t": row(start=NOW - 105 * 7 * 86400)}, None, NOW)
    assert "104 weeks" in str(exc.value)


def test_plan_absent_immutable_refused():
    with pytest.raises(PlanError) as exc:
        make_plan(request(state="absent"), {"t": row(immutable=True)}, True, NOW)
    assert "immutable" in str(exc.value)


def test_plan_collects_every_problem_before_writing():
    with pytest.raises(PlanError) as exc:
        make_plan(request(name=["a", "b"], expiration="1d"), {"a": None, "b": None}, None, NOW)
    assert "a does not exist" in str(exc.value) and "b does not exist" in str(exc.value)
    assert str(exc.value).startswith("nothing was changed")


def test_parse_request_dedupes_names():
    assert request(name=["a", "b", "a"]).names == ["a", "b"]
