# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Many repositories in one task: the same logic run once per repository, in parallel, with one result.

:func:`run_task` is where every module (and any other implementation of the task interface) chooses: a string
``repository`` runs the module's logic once on the task itself, exactly as before; a list runs it once per repository
through a :class:`RepositoryTask`, a stand-in for the task that has the same interface (``params``, ``check_mode``,
``diff_mode``, ``client``, ``module.warn``, ``fail``, ``fail_from_error``, ``exit``, ``warn_retries``) but whose
``exit`` and ``fail`` end only that repository's run. A bounded pool of threads runs them; the clients share one
session and one :class:`RateGate` (module_utils/_pool.py). Then the task ends once, with every repository's result.

Nothing here knows AnsibleModule: the task object is all it uses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._multi_params import expand
from ansible_collections.quaytools.tags.plugins.module_utils._pool import DEFAULT_PARALLEL, ClientPool, check_parallel


class RepositoryEnded(BaseException):
    """A repository's run called ``exit`` or ``fail`` (a BaseException, like SystemExit, so the logic's own
    ``except`` clauses never catch it)."""

    def __init__(self, failed, msg, result):
        super(RepositoryEnded, self).__init__(msg)
        self.failed = failed
        self.msg = msg
        self.result = result


class RepositoryTask:
    """The task interface for one repository of a multi-repository task."""

    def __init__(self, task, repository, params, pool):
        self.repository = repository
        self.params = params
        self.warnings = []
        self._task = task
        self._pool = pool
        self._client = None
        # The logic modules warn through ``task.module.warn``.
        self.module = self

    @property
    def check_mode(self):
        return self._task.check_mode

    @property
    def diff_mode(self):
        return self._task.diff_mode

    @property
    def client(self):
        if self._client is None:
            self._client = self._pool.client()
        return self._client

    def warn(self, warning):
        self.warnings.append(warning)

    def warn_retries(self):
        if self._client is not None:
            self.warnings.extend(self._client.warnings)
            self._client.warnings = []

    def _end(self, failed, msg, result):
        self.warn_retries()
        result.setdefault("api_requests", self._client.requests_sent if self._client is not None else 0)
        raise RepositoryEnded(failed, msg, result)

    def fail(self, msg, **result):
        self._end(True, msg, result)

    def fail_from_error(self, error, **result):
        if isinstance(error, QuayError):
            result.setdefault("error", error.to_result())
        self.fail(str(error), **result)

    def exit(self, **result):
        self._end(False, None, result)


def parallel_of(params):
    """The ``parallel`` option, or its default when the task has none."""
    value = params.get("parallel")
    return DEFAULT_PARALLEL if value is None else value


def _one(view, run):
    """Run the logic for one repository: its entry of ``repositories``, and its warnings."""
    try:
        run(view)
        ended = RepositoryEnded(True, "the module ended without a result (a bug of quaytools.tags)", {})
    except RepositoryEnded as done:
        ended = done
    except Exception as exc:  # pylint: disable=broad-except
        # One repository's unexpected error must not take the others down; it is reported like any failure.
        ended = RepositoryEnded(True, "unexpected error (a bug of quaytools.tags): %s: %s" % (type(exc).__name__, exc), {})
    result = ended.result
    entry = {"repository": view.repository, "changed": bool(result.pop("changed", False)), "failed": ended.failed,
             "msg": ended.msg or ""}
    entry.update(result)
    if "tags" not in entry:
        entry["tags"] = [entry["tag"]] if isinstance(entry.get("tag"), dict) else []
    for tag in entry["tags"]:
        if isinstance(tag, dict):
            tag["repository"] = view.repository
    return entry, ["%s: %s" % (view.repository, warning) for warning in view.warnings]


def _diff(entry):
    diff = dict(entry["diff"])
    diff["before_header"] = diff["after_header"] = entry["repository"]
    return diff


def run_many(task, run, kind, check=None):
    """The multi-repository run: ``task.params["repository"]`` is a list. Ends the task (exit or fail)."""
    params = task.params
    parallel = parallel_of(params)
    try:
        plan = expand(kind, params, check)
    except ValueError as exc:
        task.fail(str(exc))
    entries = []
    warnings = []
    pool = None
    if plan:
        # Imported here: a task with one repository (most tasks) does not pay for it.
        from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel

        pool = ClientPool(task.client, parallel)
        views = [RepositoryTask(task, repository, own, pool) for repository, own in plan]
        with ThreadPoolExecutor(max_workers=min(parallel, len(views))) as executor:
            for entry, said in executor.map(lambda view: _one(view, run), views):
                entries.append(entry)
                warnings.extend(said)
        summary = pool.gate.summary()
        if summary:
            warnings.append(summary)
    for warning in warnings:
        task.module.warn(warning)
    result = {
        "changed": any(entry["changed"] for entry in entries),
        "repositories": entries,
        "tags": [tag for entry in entries for tag in entry["tags"]],
        "api_requests": pool.requests_sent if pool is not None else 0,
    }
    if kind == "quay_tag":
        # The tags a deletion left alone (expected_digests), of every repository, each naming its repository.
        result["skipped_tags"] = [dict(tag, repository=entry["repository"])
                                  for entry in entries for tag in entry.get("skipped_tags") or []]
    if task.diff_mode:
        result["diff"] = [_diff(entry) for entry in entries if entry.get("diff") and entry["changed"]]
    failed = [entry for entry in entries if entry["failed"]]
    if failed:
        task.fail("%d of %d repositories failed (the other %d were handled, %d of them %s): %s" % (
            len(failed), len(entries), len(entries) - len(failed),
            sum(1 for entry in entries if entry["changed"] and not entry["failed"]),
            "would change" if task.check_mode else "changed",
            "; ".join("%s: %s" % (entry["repository"], entry["msg"]) for entry in failed)), **result)
    task.exit(**result)


def run_task(task, run, kind, check=None):
    """Run a module's logic on ``task``: once (``repository`` is a string) or once per repository (a list).

    ``run(task)`` is the module's logic (module_utils/_tag_*.py ``run``); ``kind`` names the module (its per-repository
    options, module_utils/_multi_params.py); ``check(params)`` validates one repository's options without any request
    (ValueError or an error message), so that every entry is checked before the first request.
    """
    params = task.params
    problem = check_parallel(parallel_of(params))
    if problem:
        task.fail(problem)
    repository = params.get("repository")
    if isinstance(repository, (list, tuple)):
        params["repository"] = list(repository)
        return run_many(task, run, kind, check)
    if repository is not None and not isinstance(repository, str):
        task.fail("repository: give namespace/name, or a list of them (entries may be dictionaries with a repository "
                  "key), not a %s" % type(repository).__name__)
    return run(task)
