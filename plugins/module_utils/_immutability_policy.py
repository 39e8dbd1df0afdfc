# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quaytools.tags.quay_immutability_policy: an organization's or a repository's immutability policies
made exactly what the task lists, and which tags that makes immutable.

What Quay does (pinned by tests/unit/emulator/test_policies.py): creating or updating a policy at once marks
immutable every alive tag of the scope whose whole name matches the pattern (``tagPatternMatches: false``: whose
name does not match it), and clears their expiration; a tag created later that matches is created immutable.
Deleting or changing a policy never makes a tag mutable again. An organization policy acts on every repository
of the namespace and is not listed at repository level. There is no user-level route: the organization route
takes a user namespace.

To report those tags (and predict them in check mode), the active tags of the affected repositories are read
before any write, and only when a policy is created or updated: one GET per 100 active tags of the repository,
and for an organization one GET per 100 repositories first, then that for each repository.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._common import iso8601, now_ts, row_is_active
from ansible_collections.quaytools.tags.plugins.module_utils._policy_client import with_message
from ansible_collections.quaytools.tags.plugins.module_utils._policy_reconcile import IMMUTABILITY, covering_policy
from ansible_collections.quaytools.tags.plugins.module_utils._policy_task import run_task
from ansible_collections.quaytools.tags.plugins.module_utils._repositories import iter_repositories, repository_name


def tags_made_immutable(tag_sets, policies, now):
    """The alive, mutable tags that ``policies`` (created or updated) mark immutable. Pure.

    ``tag_sets`` is ``[(repository, rows)]`` with Quay's active tag rows. Returns one dict per tag, in repository
    order and then by name: ``repository``, ``name``, ``manifest_digest``, ``expiration`` (the one Quay clears, or
    None) and ``tag_pattern`` (the first policy that marks it).
    """
    marked = []
    for repository, rows in tag_sets:
        for row in sorted(rows, key=lambda r: r.get("name") or ""):
            if row.get("immutable") or not row_is_active(row, now):
                continue
            policy = covering_policy(policies, row.get("name") or "")
            if policy is not None:
                marked.append({"repository": repository, "name": row.get("name"), "manifest_digest": row.get("manifest_digest"),
                               "expiration": iso8601(row.get("end_ts")), "tag_pattern": policy["tag_pattern"]})
    return marked


def read_tag_sets(client, scope):
    """``[(repository, active rows)]`` of the repositories a policy of ``scope`` acts on."""
    try:
        if scope.kind == "repository":
            repositories = [scope.name]
        else:
            repositories = [repository_name(item) for item in iter_repositories(client, namespace=scope.name)]
        return [(repository, client.list_all_tags(repository, only_active=True)) for repository in repositories]
    except QuayError as err:
        need = " (the token needs repo:read for that)" if err.kind == "permission" else ""
        raise with_message(err, "%s. The active tags are read to report which tags the policies make immutable%s; "
                                "report_tags: false skips that reading; nothing was changed" % (err, need))


def run(task, now=None):
    """Entry point of the module."""
    now = now_ts() if now is None else now

    def predict(task, request, changes):
        if not task.params.get("report_tags", True):
            return {}, {}
        applied = [c.after for c in changes if c.action in ("create", "update")]
        if not applied:
            return {"tags_made_immutable": []}, {}
        marked = tags_made_immutable(read_tag_sets(task.client, request.scope), applied, now)
        diff = {"tags_made_immutable": ["%s:%s" % (t["repository"], t["name"]) for t in marked]} if marked else {}
        return {"tags_made_immutable": marked}, diff

    run_task(task, IMMUTABILITY, user_allowed=False, predict=predict)
