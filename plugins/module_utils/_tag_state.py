# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quay_tag: read the tags, plan what differs, write only that.

Three steps, each testable on its own:
``parse_request`` validates the options (no I/O), ``read_current`` reads the active tags with as few
requests as it can, ``make_plan`` decides every write (no I/O), and ``apply_plan`` sends them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import (
    UNSET,
    QuayError,
    validate_digest,
    validate_repository,
    validate_tag_name,
)
from ansible_collections.quaytools.tags.plugins.module_utils._common import (
    EXPIRATION_MAX_OFFSET,
    EXPIRATION_MIN_OFFSET,
    clamp_expiration,
    iso8601,
    now_ts,
    parse_expiration,
)

PAGE_SIZE = 100
# Epoch seconds past year 9999: Quay rejects them (usually a value in milliseconds).
MAX_EPOCH = 253402300799


class PlanError(ValueError):
    """The desired state cannot be reached; raised before any write."""


class Request:
    """The validated options of one quay_tag task."""

    def __init__(self, repository, names, state, manifest_digest, source_tag, expiration, immutable, overwrite):
        self.repository = repository
        self.names = names
        self.state = state
        self.manifest_digest = manifest_digest
        self.source_tag = source_tag
        self.expiration = expiration
        self.immutable = immutable
        self.overwrite = overwrite

    @property
    def lookup_names(self):
        names = list(self.names)
        if self.source_tag and self.source_tag not in names:
            names.append(self.source_tag)
        return names


def parse_request(params, now):
    """Validate the module options; raise ValueError naming the option. Sends nothing."""
    try:
        repository = validate_repository(params["repository"])
    except ValueError as exc:
        raise ValueError("repository: %s" % exc)
    raw_names = params.get("name") or []
    if not raw_names:
        raise ValueError("name: give at least one tag name")
    names = []
    for name in raw_names:
        try:
            validate_tag_name(name)
        except ValueError as exc:
            raise ValueError("name: %s" % exc)
        if name not in names:
            names.append(name)
    state = params.get("state") or "present"
    digest = params.get("manifest_digest")
    source = params.get("source_tag")
    if digest is not None:
        try:
            validate_digest(digest)
        except ValueError as exc:
            raise ValueError("manifest_digest: %s" % exc)
    if source is not None:
        try:
            validate_tag_name(source)
        except ValueError as exc:
            raise ValueError("source_tag: %s" % exc)
    try:
        expiration = parse_expiration(params.get("expiration"))
    except ValueError as exc:
        raise ValueError("expiration: %s" % exc)
    if expiration is not None and expiration.kind == "absolute":
        if expiration.value > MAX_EPOCH:
            raise ValueError("expiration: %s is after the year 9999: give epoch seconds, not milliseconds" % expiration.text)
        if expiration.value <= now:
            raise ValueError("expiration: %s (%s) is in the past: give a future date, a duration such as 2w, or never"
                             % (expiration.text, iso8601(expiration.value)))
    immutable = params.get("immutable")
    if state == "absent":
        given = [opt for opt in ("manifest_digest", "source_tag", "expiration", "immutable") if params.get(opt) is not None]
        if given:
            raise ValueError("%s: only used with state=present; state=absent deletes the tags whatever they point to"
                             % ", ".join(given))
    overwrite = params.get("overwrite", True)
    return Request(repository, names, state, digest, source, expiration, immutable, overwrite)


def common_substring(names):
    """The longest substring shared by every name (used as Quay's like: filter, which matches a superset)."""
    shortest = min(names, key=len)
    for length in range(len(shortest), 1, -1):
        for start in range(0, len(shortest) - length + 1):
            candidate = shortest[start:start + length]
            if all(candidate in name for name in names):
                return candidate
    return None


def read_current(client, repository, names, now):
    """Active rows of ``names``: ``({name: row or None}, rows_seen)`` with as few GETs as the numbers allow.

    One name: one ``specificTag`` lookup. Several: active tags page by page (filtered with ``like:`` on the
    longest substring every name shares, which can only widen the match), stopping as soon as every name is
    found; once the names still missing are no more than the pages already read, they are looked up one by one.
    """
    wanted = set(names)
    found = {}
    rows_seen = []

    def keep(rows):
        for row in rows:
            rows_seen.append(row)
            end = row.get("end_ts")
            if row.get("name") in wanted and (end is None or end > now):
                found[row["name"]] = row

    if len(names) == 1:
        keep(client.list_tags(repository, specific_tag=names[0], only_active=True)["tags"])
    else:
        shared = common_substring(names)
        page = 1
        while True:
            data = client.list_tags(repository, filter_tag_name=("like:" + shared) if shared else None,
                                    only_active=True, page=page, limit=PAGE_SIZE)
            keep(data["tags"])
            missing = [name for name in names if name not in found]
            if not missing or not data.get("has_additional") or not data["tags"]:
                break
            if len(missing) <= page:
                for name in missing:
                    keep(client.list_tags(repository, specific_tag=name, only_active=True)["tags"])
                break
            page += 1
    return dict((name, found.get(name)) for name in names), rows_seen


def _references(row, digest):
    """Whether an active row makes ``digest`` taggable: it points at it, or at a manifest list that holds it."""
    return row.get("manifest_digest") == digest or digest in (row.get("child_manifests_presence") or {})


def digest_available(client, repository, digest, rows_seen, now):
    """Whether Quay would accept a PUT of ``digest``: an active tag (or active manifest list) references it.

    Looks in the rows already read first; otherwise pages through the active tags, stopping when found.
    """
    if any(_references(row, digest) for row in rows_seen if row.get("end_ts") is None or row["end_ts"] > now):
        return True
    page = 1
    while True:
        data = client.list_tags(repository, only_active=True, page=page, limit=PAGE_SIZE)
        if any(_references(row, digest) for row in data["tags"]):
            return True
        if not data.get("has_additional") or not data["tags"]:
            return False
        page += 1


def check_digests(client, request, plans, rows_seen, now, check_mode):
    """Fail before any write when a move targets a manifest Quay would refuse (404).

    Only ``manifest_digest`` can name such a manifest (a source tag's manifest is alive by definition). In check
    mode this is what makes the prediction exact; in a real run it is needed only when another write would go
    first (the move's own 404 would otherwise stop the task before anything changed).
    """
    if request.manifest_digest is None:
        return
    writes = [(plan, kind) for plan in plans for kind, _body in plan.writes]
    moves = [index for index, (_plan, kind) in enumerate(writes) if kind == "move"]
    if not moves or (not check_mode and moves[0] == 0):
        return
    if not digest_available(client, request.repository, request.manifest_digest, rows_seen, now):
        raise PlanError("manifest %s is not available in %s: Quay points a tag only at a manifest that an active tag "
                        "(or an active manifest list) of the repository references; for a manifest that only the tag "
                        "history references, use quaytools.tags.quay_tag_restore" % (request.manifest_digest, request.repository))


def immutability_reported(client, repository, rows_seen):
    """Whether the server reports per-tag immutability (Quay 3.17+ with FEATURE_IMMUTABLE_TAGS)."""
    if rows_seen:
        return any("immutable" in row for row in rows_seen)
    rows = client.list_tags(repository, limit=1)["tags"]
    return any("immutable" in row for row in rows) if rows else None


class TagPlan:
    """What one tag needs: the writes, in order, and the state before and after."""

    def __init__(self, name, row):
        self.name = name
        self.row = row
        self.writes = []      # list of (description, kwargs for client.change_tag or "delete")
        self.before = self._state(row)
        self.after = dict(self.before)
        self.actions = []
        self.end_ts = row.get("end_ts") if row else None

    @staticmethod
    def _state(row):
        if row is None:
            return {"state": "absent"}
        out = {"state": "present", "manifest_digest": row.get("manifest_digest"), "expiration": iso8601(row.get("end_ts"))}
        if "immutable" in row:
            out["immutable"] = bool(row["immutable"])
        return out

    @property
    def changed(self):
        return bool(self.writes)

    def result(self, end_ts):
        out = {"name": self.name, "state": self.after["state"], "changed": self.changed, "actions": list(self.actions),
               "manifest_digest": self.after.get("manifest_digest"), "expiration": self.after.get("expiration"),
               "end_ts": end_ts}
        if "immutable" in self.after:
            out["immutable"] = self.after["immutable"]
        return out


def _expiration_target(request, start, end, now, moved):
    """The end Quay must store for this row, or None when the current one already satisfies the request.

    Returns ``(write, stored_end)``: ``write`` is UNSET (nothing to send), None (clear) or epoch seconds.
    """
    exp = request.expiration
    if exp is None:
        return UNSET, end
    if exp.kind == "never":
        return (None, None) if end is not None else (UNSET, None)
    if exp.kind == "absolute":
        requested = int(exp.value)
        stored = clamp_expiration(start, requested)
        if not moved and end == stored:
            return UNSET, end
        return requested, stored
    deadline = int(now + exp.value)
    # "expires no later than now + duration": an earlier expiry stays; Quay never stores less than start + 1 h.
    if not moved and end is not None and end <= max(deadline, start + EXPIRATION_MIN_OFFSET):
        return UNSET, end
    return deadline, clamp_expiration(start, deadline)


def make_plan(request, current, immutable_supported, now):
    """Decide every write for every tag. Raises PlanError before anything is sent."""
    warnings = []
    plans = []
    problems = []
    target = request.manifest_digest
    if request.state == "present" and request.source_tag:
        source_row = current.get(request.source_tag)
        if source_row is None:
            raise PlanError("source_tag: %s is not an active tag in %s, so there is no manifest to point %s at"
                            % (request.source_tag, request.repository, ", ".join(request.names)))
        target = source_row["manifest_digest"]
    if request.immutable is not None and immutable_supported is False:
        raise PlanError("immutable: this Quay server does not report tag immutability (it needs Quay 3.17 or later with "
                        "FEATURE_IMMUTABLE_TAGS enabled), so it cannot be set or checked")

    for name in request.names:
        row = current.get(name)
        plan = TagPlan(name, row)
        plans.append(plan)
        if request.state == "absent":
            if row is not None:
                if row.get("immutable"):
                    problems.append("%s is immutable: clear it first with quay_tag immutable: false (needs repo:admin)" % name)
                    continue
                plan.writes.append(("delete", None))
                plan.actions.append("deleted")
                plan.after = {"state": "absent"}
                plan.end_ts = None
            continue

        is_immutable = bool(row and row.get("immutable"))
        moved = False
        start = row.get("start_ts") if row else None
        end = row.get("end_ts") if row else None
        if target is None and row is None:
            problems.append("%s does not exist in %s: give manifest_digest or source_tag to create it" % (name, request.repository))
            continue
        if target is not None and (row is None or row.get("manifest_digest") != target):
            if row is not None and not request.overwrite:
                problems.append("%s points to %s, not %s, and overwrite is false" % (name, row.get("manifest_digest"), target))
                continue
            if is_immutable and request.immutable is not False:
                problems.append("%s is immutable and would have to move: set immutable: false to allow it" % name)
                continue
            if is_immutable:
                plan.writes.append(("immutable", {"immutable": False}))
                plan.actions.append("immutability cleared")
                is_immutable = False
            plan.writes.append(("move", {"manifest_digest": target}))
            plan.actions.append("created" if row is None else "moved from %s" % row.get("manifest_digest"))
            moved = True
            start = int(now)
            end = None
            plan.after = {"state": "present", "manifest_digest": target, "expiration": None}
            if immutable_supported:
                plan.after["immutable"] = False
            if row is not None and row.get("end_ts") is not None and request.expiration is None:
                warnings.append("%s: Quay drops a tag's expiration when it moves; it had %s and now never expires "
                                "(set expiration to keep one)" % (name, iso8601(row.get("end_ts"))))

        if start is not None and request.expiration is not None and request.expiration.kind != "never":
            if now - start > EXPIRATION_MAX_OFFSET:
                problems.append("%s started on %s, more than 104 weeks ago: Quay caps an expiration at start + 104 weeks, "
                                "which is in the past, so the tag would expire at once; delete it instead"
                                % (name, iso8601(start)))
                continue
        expiration_write, stored_end = _expiration_target(request, start, end, now, moved)
        immutable_write = UNSET
        if request.immutable is not None and request.immutable != is_immutable:
            immutable_write = request.immutable
        if request.immutable is False and is_immutable and immutable_write is not UNSET:
            plan.writes.append(("immutable", {"immutable": False}))
            plan.actions.append("immutability cleared")
            is_immutable = False
            immutable_write = UNSET
        if expiration_write is not UNSET or immutable_write is not UNSET:
            body = {}
            if expiration_write is not UNSET:
                body["expiration"] = expiration_write
                plan.actions.append("expiration cleared" if expiration_write is None else "expiration set")
                if expiration_write is not None and stored_end != expiration_write:
                    warnings.append("%s: Quay keeps an expiration between 1 hour and 104 weeks after the tag's start (%s); "
                                    "it stores %s instead of the requested %s"
                                    % (name, iso8601(start), iso8601(stored_end), iso8601(expiration_write)))
            if immutable_write is not UNSET:
                body["immutable"] = immutable_write
                plan.actions.append("made immutable" if immutable_write else "immutability cleared")
            plan.writes.append(("change", body))
        plan.after["expiration"] = iso8601(stored_end)
        if request.immutable is not None:
            plan.after["immutable"] = request.immutable
        plan.end_ts = stored_end
    if problems:
        raise PlanError("nothing was changed: " + "; ".join(problems))
    return plans, warnings


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


def build_result(plans, warnings, diff_mode):
    result = {"changed": any(p.changed for p in plans), "tags": [p.result(p.end_ts) for p in plans]}
    if diff_mode:
        result["diff"] = {
            "before": dict((p.name, p.before) for p in plans),
            "after": dict((p.name, p.after) for p in plans),
        }
    return result


def run(module):
    """Entry point for the quay_tag module (a QuayModule)."""
    now = now_ts()
    try:
        request = parse_request(module.params, now)
    except ValueError as exc:
        module.fail(str(exc))
    client = module.client
    try:
        current, rows_seen = read_current(client, request.repository, request.lookup_names, now)
        supported = None
        if request.immutable is not None:
            supported = immutability_reported(client, request.repository, rows_seen)
        else:
            supported = any("immutable" in row for row in rows_seen) or None
        plans, warnings = make_plan(request, current, supported, now)
        check_digests(client, request, plans, rows_seen, now, module.check_mode)
    except QuayError as exc:
        module.fail_from_error(exc, changed=False)
    except PlanError as exc:
        module.fail(str(exc), changed=False)
    for warning in warnings:
        module.module.warn(warning)
    if not module.check_mode:
        try:
            for warning in apply_plan(client, request.repository, plans):
                module.module.warn(warning)
        except PartialFailure as failure:
            suffix = failure_suffix(failure)
            module.fail_from_error(QuayError(str(failure.error) + suffix, failure.error.kind, failure.error.method,
                                             failure.error.path, failure.error.status, failure.error.server_message,
                                             failure.error.attempts),
                                   changed=bool(failure.changed), changed_tags=failure.changed, failed_tag=failure.failed)
    module.exit(**build_result(plans, warnings, module.diff_mode))
