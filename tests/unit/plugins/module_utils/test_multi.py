# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""run_task on any object with the task interface (no AnsibleModule): the choice between one and many repositories,
the per-repository stand-in, and how one repository's end never ends the task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest
import requests

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient, QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._multi import RepositoryTask, run_task
from ansible_collections.quaytools.tags.tests.unit.conftest import FakeTransport


class Ended(Exception):
    def __init__(self, failed, msg, result):
        super(Ended, self).__init__(msg)
        self.failed = failed
        self.msg = msg
        self.result = result


class PlainTask:
    """The task interface with nothing of Ansible: what the in-process action plugin path provides too."""

    def __init__(self, params, check_mode=False, diff_mode=False):
        self.params = dict(params)
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warnings = []
        self.module = self
        self.transport = FakeTransport(lambda call: (200, {"tags": [], "page": 1, "has_additional": False}, None))
        self._client = None

    @property
    def client(self):
        if self._client is None:
            session = requests.Session()
            session.mount("https://", self.transport)
            self._client = QuayClient("https://quay.example.com", "tok", session=session)
        return self._client

    def warn(self, warning):
        self.warnings.append(warning)

    def warn_retries(self):
        pass

    def fail(self, msg, **result):
        raise Ended(True, msg, result)

    def fail_from_error(self, error, **result):
        self.fail(str(error), **result)

    def exit(self, **result):
        raise Ended(False, None, result)


def ending(task, run, kind="quay_tag_info", check=None):
    with pytest.raises(Ended) as ended:
        run_task(task, run, kind, check)
    return ended.value


def test_a_string_runs_the_logic_on_the_task_itself():
    seen = []

    def run(task):
        seen.append(task)
        task.exit(changed=False, tags=[])

    task = PlainTask({"repository": "org/app"})
    done = ending(task, run)
    assert seen == [task] and done.result == {"changed": False, "tags": []}


def test_a_list_runs_the_logic_once_per_repository():
    seen = []
    lock = threading.Lock()

    def run(task):
        assert isinstance(task, RepositoryTask)
        task.client.list_tags(task.params["repository"])
        with lock:
            seen.append(task.params["repository"])
        if task.params["repository"] == "org/b":
            task.module.warn("careful")
            task.fail("b went wrong", changed=False)
        task.exit(changed=task.params["repository"] == "org/c", tags=[{"name": "x"}])

    task = PlainTask({"repository": ["org/a", "org/b", "org/c"], "parallel": 2})
    done = ending(task, run)
    assert sorted(seen) == ["org/a", "org/b", "org/c"]
    assert done.failed is True
    assert done.msg == "1 of 3 repositories failed (the other 2 were handled, 1 of them changed): org/b: b went wrong"
    assert [(e["repository"], e["failed"], e["changed"], e["msg"], e["api_requests"]) for e in done.result["repositories"]] == [
        ("org/a", False, False, "", 1), ("org/b", True, False, "b went wrong", 1), ("org/c", False, True, "", 1)]
    assert done.result["tags"] == [{"name": "x", "repository": "org/a"}, {"name": "x", "repository": "org/c"}]
    assert done.result["api_requests"] == 3 and done.result["changed"] is True
    assert task.warnings == ["org/b: careful"]
    assert task.client.requests_sent == 0


def test_the_logic_cannot_swallow_the_end_of_a_repository():
    def run(task):
        try:
            task.exit(changed=False)
        except Exception:  # pylint: disable=broad-except
            task.fail("swallowed")

    done = ending(PlainTask({"repository": ["org/a"]}), run)
    assert done.failed is False and done.result["repositories"][0]["failed"] is False


@pytest.mark.parametrize("run, message", [
    (lambda task: None, "org/a: the module ended without a result (a bug of quaytools.tags)"),
    (lambda task: {}["missing"], "org/a: unexpected error (a bug of quaytools.tags): KeyError: 'missing'"),
])
def test_a_broken_run_is_a_failure_of_its_repository(run, message):
    done = ending(PlainTask({"repository": ["org/a", "org/b"]}), run)
    assert done.failed is True and message in done.msg and "org/b: " in done.msg


def test_quay_errors_carry_their_facts():
    def run(task):
        task.fail_from_error(QuayError("nope (GET /x)", "server", method="GET", path="/x", status=500))

    done = ending(PlainTask({"repository": ["org/a"]}), run)
    entry = done.result["repositories"][0]
    assert entry["error"] == {"kind": "server", "status": 500, "method": "GET", "path": "/x", "server_message": None,
                              "attempts": 1}


def test_check_and_diff_modes_reach_every_repository():
    modes = []

    def run(task):
        modes.append((task.check_mode, task.diff_mode))
        task.exit(changed=True, diff={"before": {"a": 1}, "after": {"a": 2}})

    task = PlainTask({"repository": ["org/a", "org/b"]}, check_mode=True, diff_mode=True)
    done = ending(task, run)
    assert modes == [(True, True), (True, True)]
    assert done.result["diff"] == [
        {"before": {"a": 1}, "after": {"a": 2}, "before_header": "org/a", "after_header": "org/a"},
        {"before": {"a": 1}, "after": {"a": 2}, "before_header": "org/b", "after_header": "org/b"}]


def test_the_check_runs_before_any_request():
    def run(task):
        raise AssertionError("must not run")

    def check(params):
        # quay_tag_info's name is a list of names, in an entry too
        return "name: bad" if params.get("name") == ["bad"] else None

    task = PlainTask({"repository": ["org/a", {"repository": "org/b", "name": "bad"}], "name": "good"})
    done = ending(task, run, check=check)
    assert done.failed is True and done.msg == "repository[1] (org/b): name: bad"
    assert task.transport.calls == []
