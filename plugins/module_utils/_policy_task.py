# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The steps every policy task shares: read the options, read the policies, plan, write, report.

``task`` is the runtime object of the seam (``params``, ``check_mode``, ``diff_mode``, ``client``, ``module.warn``,
``fail``, ``fail_from_error``, ``exit``). Nothing here calls Ansible directly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._policy_client import PolicyClient, Scope, with_message
from ansible_collections.quaytools.tags.plugins.module_utils._policy_reconcile import (
    diff_view,
    plan_changes,
    public,
    validate_policies,
)


class Request:
    """The checked options of one policy task."""

    def __init__(self, scope, policies, state, exclusive):
        self.scope = scope
        self.policies = policies
        self.state = state
        self.exclusive = exclusive


def parse_request(params, kind, user_allowed):
    """Every option checked before any request; ValueError naming the option and the fix."""
    scope = Scope.from_params(params, user_allowed)
    state = params.get("state") or "present"
    exclusive = bool(params.get("exclusive"))
    if state == "absent" and exclusive:
        raise ValueError("exclusive: only used with state=present; to delete every policy of %s, use state=present, "
                         "exclusive=true and policies: []" % scope.label)
    return Request(scope, validate_policies(kind, params.get("policies"), state), state, exclusive)


class ApplyError(Exception):
    """A write failed; ``done`` lists the changes already made."""

    def __init__(self, error, done):
        super(ApplyError, self).__init__(str(error))
        self.error = error
        self.done = done


def apply_changes(policy_client, changes, known_uuids):
    """Send the writes in order; fill in the uuids of created policies. Returns ``(done, warnings)``."""
    done = []
    warnings = []
    known = set(known_uuids)
    for change in changes:
        try:
            if change.action == "delete":
                if not policy_client.delete(change.uuid):
                    warnings.append("%s policy %s was already gone when this task deleted it (deleted since it was read); "
                                    "it is absent, as wanted" % (policy_client.kind.name, change.uuid))
                    continue
            elif change.action == "update":
                policy_client.update(change.uuid, change.after)
            else:
                change.after["uuid"] = policy_client.create(change.after, known)
                known.add(change.after["uuid"])
        except QuayError as err:
            raise ApplyError(err, done)
        done.append(change)
    return done, warnings


def change_result(kind, change):
    return {"action": change.action + "d", "uuid": change.uuid,
            "before": None if change.before is None else public(kind, change.before),
            "after": None if change.after is None else public(kind, change.after)}


def failure_message(error, kind, done):
    """The client's message plus what this task changed before the write that failed."""
    if done:
        text = "%s; changed before the failure: %s" % (error, ", ".join(
            "%s %s" % (c.action + "d", c.uuid or "a new policy") for c in done))
    else:
        text = "%s; no %s policy was changed before it" % (error, kind.name)
    if error.outcome_unknown:
        text += "; this write may have been applied (Quay's answer was lost): run the task again, it changes only what is left"
    return text


def run_task(task, kind, user_allowed, predict=None):
    """Entry point of a policy module. ``predict(task, request, changes)`` (optional) reads what it needs before any
    write and returns ``(result_fields, diff_fields)`` added to the result and to the diff's ``after``."""
    try:
        request = parse_request(task.params, kind, user_allowed)
    except ValueError as exc:
        task.fail(str(exc), changed=False)
    policy_client = PolicyClient(task.client, kind, request.scope)
    extra = {}
    extra_diff = {}
    try:
        existing = policy_client.list()
        changes, after = plan_changes(kind, existing, request.policies, request.state, request.exclusive)
        if predict is not None:
            extra, extra_diff = predict(task, request, changes)
    except QuayError as err:
        task.fail_from_error(err, changed=False)
    done = list(changes)
    if changes and not task.check_mode:
        try:
            done, warnings = apply_changes(policy_client, changes, [p["uuid"] for p in existing])
        except ApplyError as failure:
            task.fail_from_error(with_message(failure.error, failure_message(failure.error, kind, failure.done)),
                                 changed=bool(failure.done), changes=[change_result(kind, c) for c in failure.done])
        for warning in warnings:
            task.module.warn(warning)
    result = dict(request.scope.result())
    result.update(changed=bool(done), policies=[public(kind, p) for p in after],
                  changes=[change_result(kind, c) for c in done])
    result.update(extra)
    if task.diff_mode:
        result["diff"] = {"before": {"policies": diff_view(kind, existing)},
                          "after": dict({"policies": diff_view(kind, after)}, **extra_diff)}
    task.exit(**result)


def run_info(task, kind, user_allowed):
    """Entry point of a policy info module: the policies of one scope, nothing changed."""
    try:
        scope = Scope.from_params(task.params, user_allowed)
    except ValueError as exc:
        task.fail(str(exc), changed=False)
    try:
        policies = PolicyClient(task.client, kind, scope).list()
    except QuayError as err:
        task.fail_from_error(err, changed=False)
    result = dict(scope.result())
    result.update(changed=False, policies=[public(kind, p) for p in policies])
    task.exit(**result)
