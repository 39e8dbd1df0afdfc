# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The logic of quay_tag_info, driven through the real QuayClient over the fake transport."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient
from ansible_collections.quaytools.tags.plugins.module_utils._tag_info import make_plan, parse_request, read_rows

NOW = 1795905700
D1 = "sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af"
D2 = "sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5"
LIST = "sha256:b4287e47ed4f6d030aa5f3c5f3dbdae56c8ae54871c585acc6ee682315aa9d73"
PATH = "/api/v1/repository/org/app/tag/"


def params(**overrides):
    base = dict(repository="org/app", name=None, filter_tag_name=None, only_active=True, manifest_digest=None,
                page=None, limit=100)
    base.update(overrides)
    return base


def check_params(values):
    """The message parse_request raises for ``values``, or None."""
    try:
        parse_request(values, NOW)
    except ValueError as exc:
        return str(exc)
    return None


def list_tags(client, values, now):
    """What the module returns (without changed) for ``values``: the read, then the plan."""
    request = parse_request(values, now)
    rows, facts = read_rows(client, request, now)
    return dict(tags=make_plan(request, rows, now), **facts)


def quay_row(name, digest=D1, start=NOW - 60, end=None):
    """A row as Quay's _tag_dict writes it (immutable feature off)."""
    row = {"name": name, "reversion": False, "start_ts": start, "manifest_digest": digest, "is_manifest_list": False,
           "size": 58}
    if end is not None:
        row["end_ts"] = end
    return row


def answer(rows, more=False, page=1):
    return {"tags": rows, "page": page, "has_additional": more}


@pytest.fixture
def client():
    return QuayClient("https://quay.example.com", "token-123", retries=0)


# -- validation ---------------------------------------------------------------------------------

def test_defaults_are_valid():
    assert check_params(params()) is None
    assert check_params(params(name=["latest"], filter_tag_name="like:v1_%", manifest_digest=D1, page=3, limit=1)) is None


@pytest.mark.parametrize("overrides, option, words", [
    (dict(repository="org"), "repository", "namespace/name"),
    (dict(repository="Org/App"), "repository", "lower-case"),
    (dict(name=["bad tag"]), "name", "not a valid tag name"),
    (dict(name=["latest", "a/b"]), "name", "not a valid tag name"),
    (dict(name=["a", "b"], page=1), "page", "give one name"),
    (dict(filter_tag_name="latest"), "filter_tag_name", "like:TEXT"),
    (dict(filter_tag_name="bogus:latest"), "filter_tag_name", "like:TEXT"),  # Quay would silently ignore it
    (dict(filter_tag_name="like:a&page=2"), "filter_tag_name", "like:TEXT"),
    (dict(manifest_digest="sha256:abc"), "manifest_digest", "algorithm:hex"),
    (dict(manifest_digest="5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af"), "manifest_digest", "sha256:"),
    (dict(limit=0), "limit", "1 to 100"),
    (dict(limit=101), "limit", "1 to 100"),
    (dict(page=0), "page", "numbered from 1"),
    (dict(page=-2), "page", "numbered from 1"),
])
def test_bad_input_names_the_option(overrides, option, words):
    message = check_params(params(**overrides))
    assert message.startswith(option + ": ")
    assert words in message


# -- reading every page -------------------------------------------------------------------------

def test_all_pages_are_read_in_order(transport, client):
    transport.expect("GET", PATH, body=answer([quay_row("c"), quay_row("b")], more=True))
    transport.expect("GET", PATH, body=answer([quay_row("a")], page=2))
    result = list_tags(client, params(limit=2), NOW)
    assert [t["name"] for t in result["tags"]] == ["c", "b", "a"]
    assert [(c.query["page"], c.query["limit"], c.query["onlyActiveTags"]) for c in transport.calls] == [
        ("1", "2", "true"), ("2", "2", "true")]
    assert "page" not in result and "has_additional" not in result


def test_full_last_page_needs_no_extra_request(transport, client):
    # Quay reads limit+1 rows, so a last page that is exactly full already says has_additional: false.
    transport.expect("GET", PATH, body=answer([quay_row("d"), quay_row("c")], more=True))
    transport.expect("GET", PATH, body=answer([quay_row("b"), quay_row("a")], more=False, page=2))
    result = list_tags(client, params(limit=2), NOW)
    assert len(result["tags"]) == 4
    assert len(transport.calls) == 2


def test_empty_extra_page_ends_the_listing(transport, client):
    # A server that announces more rows and then has none (rows deleted meanwhile): stop, keep what was read.
    transport.expect("GET", PATH, body=answer([quay_row("b"), quay_row("a")], more=True))
    transport.expect("GET", PATH, body=answer([], more=True, page=2))
    result = list_tags(client, params(limit=2), NOW)
    assert [t["name"] for t in result["tags"]] == ["b", "a"]
    assert len(transport.calls) == 2


def test_default_page_size_is_quays_maximum(transport, client):
    transport.expect("GET", PATH, body=answer([]))
    assert list_tags(client, params(), NOW) == {"tags": []}
    assert transport.calls[0].query == {"onlyActiveTags": "true", "limit": "100", "page": "1"}


def test_server_side_filters_are_sent(transport, client):
    transport.expect("GET", PATH, body=answer([]))
    list_tags(client, params(name=["latest"], filter_tag_name="eq:latest", only_active=False), NOW)
    assert transport.calls[0].query == {"specificTag": "latest", "filter_tag_name": "eq:latest", "onlyActiveTags": "false",
                                        "limit": "100", "page": "1"}


# -- one page -----------------------------------------------------------------------------------

def test_one_page_as_quay_pages_it(transport, client):
    transport.expect("GET", PATH, body=answer([quay_row("x")], more=True, page=3))
    result = list_tags(client, params(page=3, limit=1), NOW)
    assert result["page"] == 3 and result["has_additional"] is True
    assert [t["name"] for t in result["tags"]] == ["x"]
    assert len(transport.calls) == 1  # has_additional is reported, not followed
    assert (transport.calls[0].query["page"], transport.calls[0].query["limit"]) == ("3", "1")


def test_page_past_the_end(transport, client):
    transport.expect("GET", PATH, body=answer([], more=False, page=9))
    assert list_tags(client, params(page=9), NOW) == {"tags": [], "page": 9, "has_additional": False}


# -- rows ---------------------------------------------------------------------------------------

def test_manifest_digest_filters_after_reading(transport, client):
    transport.expect("GET", PATH, body=answer([quay_row("a", D1), quay_row("b", D2), quay_row("c", D1, end=NOW - 5)]))
    result = list_tags(client, params(manifest_digest=D1, only_active=False), NOW)
    assert [(t["name"], t["active"]) for t in result["tags"]] == [("a", True), ("c", False)]
    assert "manifest_digest" not in " ".join(transport.calls[0].query)  # not a Quay parameter


def test_manifest_digest_filter_on_one_page_keeps_quays_paging(transport, client):
    transport.expect("GET", PATH, body=answer([quay_row("a", D2), quay_row("b", D2)], more=True))
    result = list_tags(client, params(manifest_digest=D1, page=1, limit=2), NOW)
    assert result == {"tags": [], "page": 1, "has_additional": True}


def test_active_is_computed_against_now(transport, client):
    rows = [
        quay_row("expiring", D1, start=NOW - 100, end=NOW + 3600),  # alive, with a scheduled expiration
        quay_row("forever", D1, start=NOW - 100),
        quay_row("moved", D2, start=NOW - 200, end=NOW - 100),
        quay_row("expired", D2, start=NOW - 200, end=NOW),  # ends this very second
    ]
    transport.expect("GET", PATH, body=answer(rows))
    tags = list_tags(client, params(only_active=False), NOW)["tags"]
    assert [(t["name"], t["active"]) for t in tags] == [("expiring", True), ("forever", True), ("moved", False),
                                                        ("expired", False)]


def test_dates_become_iso8601(transport, client):
    row = {"name": "exptag", "reversion": True, "start_ts": 1795906020, "end_ts": 1795909620, "manifest_digest": D1,
           "is_manifest_list": False, "size": 58, "last_modified": "Sat, 28 Nov 2026 22:47:00 -0000",
           "expiration": "Sat, 28 Nov 2026 23:47:00 -0000"}
    transport.expect("GET", PATH, body=answer([row]))
    tag = list_tags(client, params(), 1795906030)["tags"][0]
    assert tag == {"name": "exptag", "manifest_digest": D1, "active": True, "reversion": True, "start_ts": 1795906020,
                   "end_ts": 1795909620, "last_modified": "2026-11-28T22:47:00Z", "expiration": "2026-11-28T23:47:00Z",
                   "is_manifest_list": False, "size": 58}


def test_manifest_list_row(transport, client):
    # Recorded from a real Quay (tests/emulator/README.md): the multiarch Docker manifest list of devtable/schema2repo, immutable tags feature on.
    row = {"name": "multiarch", "reversion": False, "immutable": False, "start_ts": 1795905646, "manifest_digest": LIST,
           "is_manifest_list": True, "size": None, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000",
           "is_sparse": False, "child_manifest_count": 2, "present_child_count": 2,
           "child_manifests_presence": {D1: True, D2: True}}
    transport.expect("GET", PATH, body=answer([row]))
    tag = list_tags(client, params(), NOW)["tags"][0]
    assert tag["is_manifest_list"] is True and tag["size"] is None and tag["immutable"] is False
    assert tag["child_manifest_count"] == 2 and tag["present_child_count"] == 2 and tag["is_sparse"] is False
    assert tag["child_manifests_presence"] == {D1: True, D2: True}


# -- several names ------------------------------------------------------------------------------

def test_one_name_is_one_specific_tag_request(transport, client):
    transport.expect("GET", PATH, body=answer([quay_row("latest")]))
    result = list_tags(client, params(name=["latest"]), NOW)
    assert [t["name"] for t in result["tags"]] == ["latest"]
    assert transport.calls[0].query["specificTag"] == "latest" and len(transport.calls) == 1


def test_several_active_names_in_one_filtered_listing(transport, client):
    # The names share "v1.": one like: listing holds both; the row of another name it also matches is left out.
    transport.expect("GET", PATH, body=answer([quay_row("v1.3"), quay_row("v1.2"), quay_row("v1.1")]))
    result = list_tags(client, params(name=["v1.1", "v1.3", "v1.1"]), NOW)
    assert [t["name"] for t in result["tags"]] == ["v1.1", "v1.3"]
    assert len(transport.calls) == 1
    assert transport.calls[0].query["filter_tag_name"] == "like:v1." and "specificTag" not in transport.calls[0].query


def test_several_names_history_reads_every_row_of_those_names(transport, client):
    rows = [quay_row("v1.3"), quay_row("v1.1", D2), quay_row("other-v1.9"), quay_row("v1.1", D1, start=NOW - 900, end=NOW - 60)]
    transport.expect("GET", PATH, body=answer(rows[:2], more=True))
    transport.expect("GET", PATH, body=answer(rows[2:], page=2))
    result = list_tags(client, params(name=["v1.1", "v1.3"], only_active=False), NOW)
    assert [(t["name"], t["active"]) for t in result["tags"]] == [("v1.3", True), ("v1.1", True), ("v1.1", False)]
    assert [c.query["filter_tag_name"] for c in transport.calls] == ["like:v1.", "like:v1."]
    assert [c.query["onlyActiveTags"] for c in transport.calls] == ["false", "false"]


def test_several_names_with_a_filter_keep_the_users_filter(transport, client):
    transport.expect("GET", PATH, body=answer([quay_row("a1"), quay_row("b1")]))
    result = list_tags(client, params(name=["a1", "zz"], filter_tag_name="like:1"), NOW)
    assert [t["name"] for t in result["tags"]] == ["a1"]
    assert transport.calls[0].query["filter_tag_name"] == "like:1"
