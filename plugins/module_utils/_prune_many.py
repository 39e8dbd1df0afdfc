# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The retention selection of many repositories at once, for quaytools.tags.prune_plan.

The input is what quay_tag_info answers for a list of repositories: its ``repositories`` (one entry per repository,
with ``repository`` and ``tags``; a repository without tags is there too) or its ``tags`` (rows that each carry
their ``repository``). Each repository is planned on its own with _prune.plan, with the same policy and the same
``now``. Pure Python, no I/O; errors are ValueError naming what is wrong.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.quaytools.tags.plugins.module_utils._prune import plan


def is_many(tags):
    """Whether ``tags`` is a multi-repository listing (rows or entries that name their repository)."""
    return (isinstance(tags, (list, tuple)) and len(tags) > 0
            and all(isinstance(item, dict) and "repository" in item for item in tags))


def _groups(tags):
    """``[(repository, rows)]`` in the order the repositories first appear."""
    if all(isinstance(item.get("tags"), list) and "name" not in item for item in tags):
        failed = [item["repository"] for item in tags if item.get("failed")]
        if failed:
            raise ValueError("the listing of %s failed, so nothing can be planned there: read those repositories "
                             "again first" % ", ".join(str(name) for name in failed))
        return [(item["repository"], item["tags"]) for item in tags]
    groups = {}
    order = []
    for index, row in enumerate(tags):
        repository = row.get("repository")
        if not isinstance(repository, str) or not repository:
            raise ValueError("tag #%d of the input has no repository: %r" % (index, row))
        if repository not in groups:
            groups[repository] = []
            order.append(repository)
        groups[repository].append(row)
    return [(repository, groups[repository]) for repository in order]


def plan_many(tags, now=None, **policy):
    """The plan of every repository of the listing.

    Returns ``{"prune": [...], "keep": [...], "repositories": [{"repository", "prune", "keep"}...],
    "targets": [{"repository", "name": [...]}...]}``: the entries of ``prune`` and ``keep`` carry their
    ``repository``; ``targets`` lists the repositories where something goes, with the names, in the form the
    ``repository`` option of quaytools.tags.quay_tag takes.
    """
    # One moment for every repository (plan() reads the clock when it is not given one).
    moment = time.time() if now is None or now == "" else now
    result = {"prune": [], "keep": [], "repositories": [], "targets": []}
    for repository, rows in _groups(tags):
        try:
            decided = plan(rows, now=moment, **policy)
        except ValueError as exc:
            raise ValueError("%s: %s" % (repository, exc))
        for key in ("prune", "keep"):
            for entry in decided[key]:
                entry["repository"] = repository
                result[key].append(entry)
        result["repositories"].append({"repository": repository, "prune": decided["prune"], "keep": decided["keep"]})
        if decided["prune"]:
            result["targets"].append({"repository": repository, "name": [entry["name"] for entry in decided["prune"]]})
    return result
