# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quaytools.tags.prune_plan on the listing of many repositories (quay_tag_info with a list of repositories)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.quaytools.tags.plugins.filter.prune_plan import prune_plan

NOW = 1800000000
DAY = 86400


def tag(repository, name, age_days):
    """A row of quay_tag_info for a list of repositories; every tag on its own manifest."""
    digest = "sha256:%064x" % (hash((repository, name)) & (2 ** 64 - 1))
    return {"repository": repository, "name": name, "manifest_digest": digest, "active": True,
            "start_ts": NOW - int(age_days * DAY)}


def entries():
    """RV(repositories) of quay_tag_info: one entry per repository, an empty one included."""
    return [
        {"repository": "org/api", "changed": False, "failed": False, "msg": "",
         "tags": [tag("org/api", "latest", 1), tag("org/api", "ci-3", 40), tag("org/api", "ci-2", 50),
                  tag("org/api", "ci-1", 60)]},
        {"repository": "org/empty", "changed": False, "failed": False, "msg": "", "tags": []},
        {"repository": "org/web", "changed": False, "failed": False, "msg": "",
         "tags": [tag("org/web", "ci-9", 5), tag("org/web", "ci-8", 45)]},
    ]


def test_each_repository_is_planned_on_its_own():
    result = prune_plan(entries(), match=["ci-.*"], older_than="30d", keep_newest=1, now=NOW)
    assert [e["repository"] for e in result["repositories"]] == ["org/api", "org/empty", "org/web"]
    plans = dict((e["repository"], e) for e in result["repositories"])
    assert [t["name"] for t in plans["org/api"]["prune"]] == ["ci-2", "ci-1"]
    assert [t["name"] for t in plans["org/api"]["keep"]] == ["latest", "ci-3"]
    assert plans["org/empty"] == {"repository": "org/empty", "prune": [], "keep": []}
    # keep_newest counts per repository: web keeps its newest ci tag, ci-8 goes.
    assert [t["name"] for t in plans["org/web"]["prune"]] == ["ci-8"]
    assert [(t["repository"], t["name"]) for t in result["prune"]] == [
        ("org/api", "ci-2"), ("org/api", "ci-1"), ("org/web", "ci-8")]
    assert all("repository" in t for t in result["keep"])
    assert result["targets"] == [{"repository": "org/api", "name": ["ci-2", "ci-1"]},
                                 {"repository": "org/web", "name": ["ci-8"]}]


def test_flat_rows_that_name_their_repository():
    rows = [t for entry in entries() for t in entry["tags"]]
    result = prune_plan(rows, match=["ci-.*"], older_than="30d", keep_newest=1, now=NOW)
    assert [e["repository"] for e in result["repositories"]] == ["org/api", "org/web"]
    assert result["targets"] == prune_plan(entries(), match=["ci-.*"], older_than="30d", keep_newest=1, now=NOW)["targets"]


def test_one_moment_for_every_repository(monkeypatch):
    import time
    ticks = iter(range(NOW, NOW + 100))
    monkeypatch.setattr(time, "time", lambda: next(ticks))
    listing = entries()
    # One second short of 40 days at the first reading of the clock: kept, unless web were planned a tick later.
    listing[2]["tags"].append(dict(tag("org/web", "ci-7", 40), start_ts=NOW - 40 * DAY + 1))
    result = prune_plan(listing, match=["ci-.*"], older_than="40d")
    assert [t["name"] for t in result["prune"]] == ["ci-3", "ci-2", "ci-1", "ci-8"]
    assert [t["rule"] for t in result["keep"] if t["name"] == "ci-7"] == ["too_young"]


@pytest.mark.parametrize("data, words", [
    ([dict(entries()[0], failed=True, tags=[], msg="boom")], "the listing of org/api failed"),
    ([tag("org/api", "ci-1", 60), {"repository": "", "name": "x"}], "tag #1 of the input has no repository"),
    ([{"repository": "org/api", "tags": [{"start_ts": 1}]}], "org/api: tag #0 of the input has no name"),
])
def test_bad_listings(data, words):
    with pytest.raises(AnsibleFilterError) as raised:
        prune_plan(data, match=["ci-.*"], now=NOW)
    assert words in str(raised.value)


def test_rows_without_repository_stay_one_repository():
    single = prune_plan([{"name": "ci-1", "start_ts": NOW - 60 * DAY}], match=["ci-.*"], now=NOW)
    assert set(single) == {"prune", "keep"} and "repository" not in single["prune"][0]
