# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quay_tag: read the tags, plan what differs, write only that.

Steps, each testable on its own:
``parse_request`` validates the options (no I/O), ``read_current`` (_tag_read) reads the active tags with as few
requests as it can, ``make_plan`` decides every write and plays them through Quay's rules (_rules) so that a write
Quay would refuse stops the task before the first one is sent, and ``apply_plan`` (_tag_apply) sends them.
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
    LAST_SECOND_OF_9999,
    PlanError,
    Request,
    begin,
    checked,
    checked_names,
    iso8601,
    parse_expiration,
)
from ansible_collections.quaytools.tags.plugins.module_utils._policy_locks import PolicyLocks
from ansible_collections.quaytools.tags.plugins.module_utils._rules import (
    EXPIRATION_MIN_OFFSET,
    FlagReader,
    TagFacts,
    check_writes,
    clamp_expiration,
    expiration_cap_passed,
    overwrite_refused,
)
from ansible_collections.quaytools.tags.plugins.module_utils._tag_apply import PartialFailure, apply_plan, failure_suffix
from ansible_collections.quaytools.tags.plugins.module_utils._tag_read import (
    can_expire_reader,
    check_digests,
    immutability_reported,
    read_current,
)


class TagRequest(Request):
    """The checked options of one quay_tag task."""

    state = "present"
    manifest_digest = None
    source_tag = None
    expiration = None
    immutable = None
    overwrite = True
    # state=absent: {name: digest} of the tags to delete only while they still point there.
    expected_digests = {}

    @property
    def lookup_names(self):
        names = list(self.names)
        if self.source_tag and self.source_tag not in names:
            names.append(self.source_tag)
        return names


def parse_request(params, now):
    """Validate the module options; raise ValueError naming the option. Sends nothing."""
    repository = checked("repository", validate_repository, params["repository"])
    names = checked_names("name", validate_tag_name, params.get("name"))
    state = params.get("state") or "present"
    digest = params.get("manifest_digest")
    source = params.get("source_tag")
    if digest is not None:
        checked("manifest_digest", validate_digest, digest)
    if source is not None:
        checked("source_tag", validate_tag_name, source)
    expiration = checked("expiration", parse_expiration, params.get("expiration"))
    if expiration is not None and expiration.kind == "absolute":
        if expiration.value > LAST_SECOND_OF_9999:
            raise ValueError("expiration: %s is after the year 9999: give epoch seconds, not milliseconds" % expiration.text)
        if expiration.value <= now:
            raise ValueError("expiration: %s (%s) is in the past: give a future date, a duration such as 2w, or never"
                             % (expiration.text, iso8601(expiration.value)))
    immutable = params.get("immutable")
    expected = _expected_digests(params.get("expected_digests"), names, state)
    if state == "absent":
        given = [opt for opt in ("source_tag", "expiration", "immutable") if params.get(opt) is not None]
        if given:
            raise ValueError("%s: only used with state=present; state=absent deletes the tags (those that still point at "
                             "manifest_digest or expected_digests, when given)" % ", ".join(given))
        if digest is not None:
            expected = dict((name, digest) for name in names)
            digest = None
    overwrite = params.get("overwrite", True)
    return TagRequest(repository, names, state=state, manifest_digest=digest, source_tag=source, expiration=expiration,
                      immutable=immutable, overwrite=overwrite, expected_digests=expected)


def _expected_digests(value, names, state):
    """The ``expected_digests`` option: ``{tag name: digest}``, each name one of ``name``. Raises ValueError."""
    if value is None:
        return {}
    if state != "absent":
        raise ValueError("expected_digests: only used with state=absent (delete a tag only while it points there); "
                         "with state=present, manifest_digest says where the tags must point")
    if not isinstance(value, dict):
        raise ValueError("expected_digests: give a dictionary of tag name: manifest digest")
    for name, digest in value.items():
        if name not in names:
            raise ValueError("expected_digests: %s is not one of the tags in name (%s)" % (name, ", ".join(names)))
        try:
            validate_digest(digest)
        except ValueError as exc:
            raise ValueError("expected_digests: %s: %s" % (name, exc))
    return dict(value)


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
        self.skipped = None   # state=absent: why an active tag is left alone

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


def _plan_delete(request, plan, row, warnings):
    """state=absent: delete an active tag, unless it no longer points at the digest it was expected on."""
    if row is None:
        return
    expected = request.expected_digests.get(plan.name)
    if expected is not None and row.get("manifest_digest") != expected:
        plan.skipped = ("it points at %s, not at the expected %s: it moved after the deletion was planned, so it is left "
                        "alone" % (row.get("manifest_digest"), expected))
        warnings.append("%s: not deleted: %s" % (plan.name, plan.skipped))
        return
    plan.writes.append(("delete", None))
    plan.actions.append("deleted")
    plan.after = {"state": "absent"}
    plan.end_ts = None


def _plan_present(request, plan, row, target, immutable_supported, now, warnings):
    """state=present: the writes that give the tag its manifest, expiration and immutability. Returns a problem or None."""
    name = plan.name
    is_immutable = bool(row and row.get("immutable"))
    moved = False
    start = row.get("start_ts") if row else None
    end = row.get("end_ts") if row else None
    if target is None and row is None:
        return "%s does not exist in %s: give manifest_digest or source_tag to create it" % (name, request.repository)
    if target is not None and (row is None or row.get("manifest_digest") != target):
        if row is not None and not request.overwrite:
            return overwrite_refused(name, row.get("manifest_digest"), target)
        if is_immutable and request.immutable is False:
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

    if request.expiration is not None and request.expiration.kind != "never":
        problem = expiration_cap_passed(name, start, now)
        if problem:
            return problem
    expiration_write, stored_end = _expiration_target(request, start, end, now, moved)
    immutable_write = UNSET
    if request.immutable is not None and request.immutable != is_immutable:
        immutable_write = request.immutable
    if request.immutable is False and is_immutable and immutable_write is not UNSET:
        # Quay applies the expiration before immutability: clear immutability in a PUT of its own first.
        plan.writes.append(("immutable", {"immutable": False}))
        plan.actions.append("immutability cleared")
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
            # One PUT: Quay clears (or sets) the expiration first, then locks the tag.
            body["immutable"] = immutable_write
            plan.actions.append("made immutable" if immutable_write else "immutability cleared")
        plan.writes.append(("change", body))
    plan.after["expiration"] = iso8601(stored_end)
    if request.immutable is not None:
        plan.after["immutable"] = request.immutable
    plan.end_ts = stored_end
    return None


def make_plan(request, current, immutable_supported, now, flag=None, locks=None):
    """Decide every write for every tag, and play each tag's writes through Quay's rules (_rules.check_writes).

    ``flag`` is a _rules.FlagReader of FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE; it is asked only when a rule depends on it
    (default: Quay's default, off). ``locks`` (_policy_locks.PolicyLocks) names the immutability policy that makes a
    tag immutable when this task points it at a manifest; it is asked only for such a tag that also gets an expiration.
    Raises PlanError, naming every tag Quay would refuse, before anything is sent.
    """
    flag = flag if flag is not None else FlagReader(lambda: False)
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
            _plan_delete(request, plan, row, warnings)
            problem = None
        else:
            problem = _plan_present(request, plan, row, target, immutable_supported, now, warnings)
        if problem is None:
            problem = check_writes(name, TagFacts.of_row(row), plan.writes, flag, locks)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise PlanError("nothing was changed: " + "; ".join(problems))
    return plans, warnings


def build_result(plans, warnings, diff_mode):
    result = {"changed": any(p.changed for p in plans), "tags": [p.result(p.end_ts) for p in plans],
              "skipped_tags": [{"name": p.name, "manifest_digest": p.row.get("manifest_digest"), "reason": p.skipped}
                               for p in plans if p.skipped]}
    if diff_mode:
        result["diff"] = {
            "before": dict((p.name, p.before) for p in plans),
            "after": dict((p.name, p.after) for p in plans),
        }
    return result


def run(module, now=None):
    """Entry point for the quay_tag module (a QuayModule); ``now`` (epoch seconds) is the time the plan uses."""
    request, now = begin(module, parse_request, now)
    client = module.client
    try:
        current, rows_seen = read_current(client, request.repository, request.lookup_names, now)
        supported = None
        if request.immutable is not None:
            supported = immutability_reported(client, request.repository, rows_seen)
        else:
            supported = any("immutable" in row for row in rows_seen) or None
        # Immutability policies exist only where tags report immutability; no row says so when none was read.
        locks = PolicyLocks(client, request.repository) if supported or not rows_seen else None
        plans, warnings = make_plan(request, current, supported, now, can_expire_reader(client), locks)
        if locks is not None and locks.warning():
            warnings.append(locks.warning())
        warnings.extend(check_digests(client, request, plans, rows_seen, now, module.check_mode))
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
