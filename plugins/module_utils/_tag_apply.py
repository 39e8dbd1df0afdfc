# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""quay_tag's writes: send a plan's writes in order, and say exactly what was done when one fails."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError


def apply_plan(client, repository, plans):
    """Send the writes in order; return warnings. On failure, raise ``PartialFailure`` naming what was already done.

    A DELETE answered 404 means the tag stopped being active after it was read (another run deleted it, or it
    expired): it is absent, as wanted, so that tag counts as unchanged by this run and a warning says why.
    """
    done = []
    warnings = []
    for plan in plans:
        for index, (kind, body) in enumerate(plan.writes):
            try:
                if kind == "delete":
                    client.delete_tag(repository, plan.name)
                else:
                    client.change_tag(repository, plan.name, **body)
            except QuayError as exc:
                if exc.kind == "not_found" and kind == "delete":
                    warnings.append("%s: not active any more when this task deleted it (HTTP 404): another run deleted it or "
                                    "it expired after it was read; it is absent, as wanted" % plan.name)
                    plan.writes = []
                    plan.actions = []
                    break
                if exc.kind == "not_found" and kind == "move":
                    # The repository was just read, so it is the manifest that Quay does not have (alive).
                    exc.message = ("manifest %s is not available in %s (HTTP 404): Quay points a tag only at a manifest that an "
                                   "active tag (or an active manifest list) of the repository references; for a manifest that "
                                   "only the tag history references, use quaytools.tags.quay_tag_restore (%s %s)"
                                   % (body["manifest_digest"], repository, exc.method, exc.path))
                partial = [p.name for p in done]
                if index > 0:
                    partial.append(plan.name)
                raise PartialFailure(exc, partial, plan.name)
        if plan.writes:
            done.append(plan)
    return warnings


class PartialFailure(Exception):
    """A write failed; ``changed`` lists the tags already changed before it."""

    def __init__(self, error, changed, failed):
        super(PartialFailure, self).__init__(str(error))
        self.error = error
        self.changed = changed
        self.failed = failed


def failure_suffix(failure):
    """What the message of a failed write adds: which tags were changed before it, and whether the failed write itself
    may have been applied (its answer was lost), so nobody reads "no tag was changed" where Quay may have changed one."""
    done = ("; tags changed before the failure: %s" % ", ".join(failure.changed)) if failure.changed else \
        "; no tag was changed"
    if not failure.error.outcome_unknown:
        return done
    if failure.changed:
        done += "; this write may have been applied too"
    else:
        done = "; no tag was changed before it, but this write may have been applied"
    return done + " (Quay's answer was lost): run the task again, it changes only what is left"
