# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quaytools.tags.quay_tag_restore.

``parse_request`` validates the options (no I/O), ``read_history`` sends the one GET (every row of the tag's
name), ``make_plan`` picks the target manifest from the options and the history (no I/O), and ``run`` sends
the restore only when the active tag points elsewhere.

History rows of one name come newest first (Quay orders by start in milliseconds but reports whole seconds,
so several rows can share a second: the list order is the only reliable tie-break). A retarget ends the old
row at the second the new one starts; a deletion ends a row with no successor.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import (
    QuayError,
    validate_digest,
    validate_repository,
    validate_tag_name,
)
from ansible_collections.quaytools.tags.plugins.module_utils._common import (
    PAGE_SIZE,
    PlanError,
    Request,
    begin,
    checked,
    iso8601,
    parse_point_in_time,
    row_is_active,
)
from ansible_collections.quaytools.tags.plugins.module_utils._rules import restore_refused


class RestoreRequest(Request):
    """The checked options of one quay_tag_restore task (one tag name)."""

    manifest_digest = None
    at = None

    def __init__(self, repository, name, **options):
        super(RestoreRequest, self).__init__(repository, [name], **options)

    @property
    def kind(self):
        if self.manifest_digest is not None:
            return "manifest_digest"
        if self.at is not None:
            return "at"
        return "undelete"


class Plan:
    """What the restore does: ``target`` is the manifest the tag ends up on."""

    def __init__(self, target, active, source=None):
        self.target = target
        self.active = active
        self.source = source

    @property
    def previous(self):
        return self.active.get("manifest_digest") if self.active else None

    @property
    def changed(self):
        return self.target != self.previous

    @property
    def drops_expiration(self):
        return self.changed and self.active is not None and self.active.get("end_ts") is not None


def parse_request(params, now):
    """Validate the module options; raise ValueError naming the option. Sends nothing."""
    repository = checked("repository", validate_repository, params["repository"])
    name = checked("name", validate_tag_name, params["name"])
    digest = params.get("manifest_digest")
    if digest is not None:
        checked("manifest_digest", validate_digest, digest)
    at = params.get("at")
    if at is not None:
        try:
            # the shared check of every time option: refuses milliseconds, 8-digit dates, NaN
            at = parse_point_in_time(at)
        except ValueError as exc:
            raise ValueError("at: %s: give epoch seconds or an ISO 8601 date-time such as 2026-11-28T09:00:00Z" % exc)
        if at > now:
            raise ValueError("at: %s is in the future: the history only tells where the tag pointed up to now (%s)"
                             % (_when(at), iso8601(now)))
    return RestoreRequest(repository, name, manifest_digest=digest, at=at)


def _when(epoch):
    """An instant for messages: ISO 8601 when it fits, the raw number otherwise."""
    try:
        return iso8601(epoch)
    except (ValueError, OverflowError, OSError):
        return "%d" % epoch if epoch == int(epoch) else "%s" % epoch


def read_history(client, request):
    """Every row of the tag's name, newest first: one GET unless the name has more rows than a page holds."""
    return client.list_all_tags(request.repository, specific_tag=request.name, only_active=False, limit=PAGE_SIZE)


def describe_row(row, now):
    """``sha256:... from <start> to <end>`` with the row's end spelt out when it has none yet."""
    end = row.get("end_ts")
    if end is None:
        until = "still active"
    elif end > now:
        until = "active, expires %s" % iso8601(end)
    else:
        until = "to %s" % iso8601(end)
    return "%s from %s %s" % (row.get("manifest_digest"), iso8601(row.get("start_ts")), until)


def alive_at(row, instant):
    """Whether the row was the tag at ``instant``: start <= instant < end (no end = still alive)."""
    end = row.get("end_ts")
    return (row.get("start_ts") or 0) <= instant and (end is None or instant < end)


def _find_at(request, rows, now):
    """The row alive at ``request.at``; on a shared second the newer row (earlier in the list) wins."""
    for row in rows:
        if alive_at(row, request.at):
            return row
    where = "tag %s in %s" % (request.name, request.repository)
    when = iso8601(request.at)
    if not rows:
        raise PlanError("at: %s has no history at all, so nothing tells where it pointed at %s: the name never existed "
                        "or its rows were garbage-collected after the namespace's time-machine window" % (where, when))
    oldest = rows[-1]
    if request.at < (oldest.get("start_ts") or 0):
        raise PlanError("at: %s is before the oldest history row of %s (%s): Quay keeps deleted and replaced rows only "
                        "for the namespace's time-machine window (2 weeks by default). Nearest history row: %s"
                        % (when, where, iso8601(oldest.get("start_ts")), describe_row(oldest, now)))
    before = next((row for row in rows if row.get("end_ts") is not None and row["end_ts"] <= request.at), None)
    after = next((row for row in reversed(rows) if (row.get("start_ts") or 0) > request.at), None)
    nearest = ["ended before: %s" % describe_row(before, now)] if before else []
    if after:
        nearest.append("started after: %s" % describe_row(after, now))
    hint = "" if after else ". Leave out at to bring the tag back on the manifest it had last"
    raise PlanError("at: %s did not exist at %s (it was deleted or had expired then). Nearest history rows: %s%s"
                    % (where, when, "; ".join(nearest), hint))


def make_plan(request, rows, now):
    """Decide the target manifest from the options and the history rows (newest first). Sends nothing."""
    active = next((row for row in rows if row_is_active(row, now)), None)
    source = None
    if request.kind == "manifest_digest":
        target = request.manifest_digest
    elif request.kind == "at":
        source = _find_at(request, rows, now)
        target = source["manifest_digest"]
    elif active is not None:
        target = active["manifest_digest"]
    elif rows:
        source = rows[0]
        target = source["manifest_digest"]
    else:
        raise PlanError("tag %s has no history in %s: there is nothing to undelete (the name never existed or its rows "
                        "were garbage-collected after the namespace's time-machine window); give manifest_digest to "
                        "point it at a manifest the repository has" % (request.name, request.repository))
    plan = Plan(target, active, source)
    problem = restore_refused(request.name, request.repository, active, target)
    if problem is not None:
        raise PlanError(problem)
    return plan


def _expiration(row):
    return iso8601(row.get("end_ts")) if row else None


def result_of(request, plan, diff):
    result = {
        "changed": plan.changed,
        "tag": {"name": request.name, "manifest_digest": plan.target, "previous_manifest_digest": plan.previous},
    }
    if diff:
        before_expiration = _expiration(plan.active)
        result["diff"] = {
            "before": {"manifest_digest": plan.previous, "expiration": before_expiration},
            "after": {"manifest_digest": plan.target, "expiration": None if plan.changed else before_expiration},
        }
    return result


def _with_history(err, request, plan, now):
    """A restore 404 for a digest read from the history: say which row it came from."""
    if err.kind != "not_found" or plan.source is None:
        return err
    message = "%s. Tag %s pointed at it %s" % (err.message, request.name, describe_row(plan.source, now))
    return QuayError(message, err.kind, method=err.method, path=err.path, status=err.status,
                     server_message=err.server_message, attempts=err.attempts)


def run(module, now=None):
    """Entry point of the module: ``module`` is a QuayModule."""
    request, now = begin(module, parse_request, now)
    try:
        rows = read_history(module.client, request)
        try:
            plan = make_plan(request, rows, now)
        except PlanError as exc:
            module.fail(str(exc))
        if plan.drops_expiration:
            module.module.warn("tag %s in %s was set to expire at %s; the restore drops that expiration (Quay creates the "
                               "restored row without one): set it again with quaytools.tags.quay_tag if it is still wanted"
                               % (request.name, request.repository, iso8601(plan.active["end_ts"])))
        if plan.changed and not module.check_mode:
            try:
                module.client.restore_tag(request.repository, request.name, plan.target)
            except QuayError as err:
                raise _with_history(err, request, plan, now)
    except QuayError as err:
        module.fail_from_error(err)
    module.exit(**result_of(request, plan, module.diff_mode))
