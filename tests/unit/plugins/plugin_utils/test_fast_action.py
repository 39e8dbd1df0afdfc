# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fast path's pieces: ControllerTask against the module's own main(), the environment overlay, the argument
codec, and when the action plugin runs the module instead (the whole path is in tests/e2e/test_parity.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import sys

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils import _tag_info, _tag_restore, _tag_state
from ansible_collections.quaytools.tags.plugins.modules import quay_tag, quay_tag_info, quay_tag_restore
from ansible_collections.quaytools.tags.plugins.plugin_utils import _fast_action
from ansible_collections.quaytools.tags.plugins.plugin_utils._fast_action import (
    ControllerTask,
    QuayAction,
    TaskDone,
    as_module_args,
    task_environment,
)

HOST = "https://quay.example.com"
TOKEN = "unit-test-token-0123456789abcdefghijklmnop"  # the token of run_module (tests/unit/conftest.py)

D1 = "sha256:" + "a1" * 32
D2 = "sha256:" + "b2" * 32
PATH = "/api/v1/repository/org/app/tag/"
MODULES = {"quay_tag": (quay_tag, _tag_state), "quay_tag_info": (quay_tag_info, _tag_info),
           "quay_tag_restore": (quay_tag_restore, _tag_restore)}


def run_fast(module, args, check_mode=False, diff=False, connection=True):
    full = dict(args)
    if connection:
        full.setdefault("quay_host", HOST)
        full.setdefault("quay_token", TOKEN)
    plugin, logic = MODULES[module]
    # Like the action plugin: invocation only where this ansible-core's modules return it (2.21: INJECT_INVOCATION).
    task = ControllerTask(plugin.spec(), as_module_args(full), "quaytools.tags." + module, check_mode=check_mode,
                          diff_mode=diff, invocation=_fast_action.inject_invocation())
    with pytest.raises(TaskDone) as done:
        task.validate()
        logic.run(task)
    return done.value.result


def row(name, digest, start=1700000000):
    return {"name": name, "manifest_digest": digest, "start_ts": start, "reversion": False, "is_manifest_list": False,
            "size": 10}


# (module, options, transport script: [(method, path, status, body)], check_mode, diff)
SAME = {
    "unchanged": ("quay_tag", {"repository": "org/app", "name": ["stable"], "manifest_digest": D1},
                  [("GET", PATH, 200, {"tags": [row("stable", D1)], "page": 1, "has_additional": False})], False, True),
    "move in check mode": ("quay_tag", {"repository": "org/app", "name": ["stable"], "manifest_digest": D2},
                           [("GET", PATH, 200, {"tags": [row("stable", D1)], "page": 1, "has_additional": False}),
                            ("GET", PATH, 200, {"tags": [row("v2", D2)], "page": 1, "has_additional": False})], True, True),
    "move": ("quay_tag", {"repository": "org/app", "tag": ["stable"], "manifest_digest": D2},
             [("GET", PATH, 200, {"tags": [row("stable", D1)], "page": 1, "has_additional": False}),
              ("PUT", PATH + "stable", 201, "Updated")], False, False),
    "server error echoing the token": ("quay_tag_info", {"repository": "org/app"},
                                       [("GET", PATH, 403, {"error_message": "no access for " + TOKEN})], False, False),
    "retried then answered": ("quay_tag_restore", {"repository": "org/app", "name": "stable", "manifest_digest": D1},
                              [("GET", PATH, 503, "busy"),
                               ("GET", PATH, 200, {"tags": [row("stable", D1)], "page": 1, "has_additional": False})],
                              False, True),
    "unsupported option": ("quay_tag_info", {"repository": "org/app", "bogus": 1}, [], False, False),
    "wrong type": ("quay_tag_info", {"repository": "org/app", "limit": "ten"}, [], False, False),
    "mutually exclusive": ("quay_tag_restore", {"repository": "org/app", "name": "x", "at": 1, "manifest_digest": D1}, [],
                           False, False),
    "bad value": ("quay_tag", {"repository": "Org/App", "name": ["x"]}, [], False, False),
    "bad retries": ("quay_tag_info", {"repository": "org/app", "retries": 11}, [], False, False),
}


@pytest.mark.parametrize("name", sorted(SAME))
def test_the_controller_task_returns_what_the_module_returns(name, transport, run_module):
    module, args, script, check_mode, diff = SAME[name]
    results = []
    for runner in ("module", "fast"):
        for method, path, status, body in script:
            transport.expect(method, path, status=status, body=body)
        if runner == "module":
            result = run_module(MODULES[module][0].main, dict(args, _ansible_module_name="quaytools.tags." + module),
                                check_mode=check_mode, diff=diff)
        else:
            result = run_fast(module, args, check_mode=check_mode, diff=diff)
        assert transport.script == [], "unused answers"
        results.append(result)
    module_result, fast_result = results
    for result in results:  # the back-off has jitter
        result["warnings"] = [re.sub(r"retried in [0-9.]+ s", "retried", w) for w in result.get("warnings", [])]
    assert fast_result == module_result
    assert TOKEN not in repr(fast_result)


def test_a_failure_is_formatted_as_by_ansible_module():
    result = run_fast("quay_tag_info", {"repository": "org/app", "bogus": 1})
    assert result["failed"] is True
    assert result["msg"] == "Unsupported parameters for (quaytools.tags.quay_tag_info) module: bogus. Supported parameters " \
        "include: ca_path, filter_tag_name, limit, manifest_digest, name, only_active, page, parallel, quay_host, " \
        "quay_token, repository, retries, timeout, validate_certs (only_active_tags, tag)."
    if _fast_action.inject_invocation():
        assert result["invocation"]["module_args"]["quay_token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    else:  # ansible-core 2.21 without INJECT_INVOCATION: no invocation, as from the module
        assert "invocation" not in result


def test_the_task_exit_is_not_an_exception_the_logic_could_catch():
    assert not issubclass(TaskDone, Exception)


def test_no_invocation_when_the_core_does_not_inject_it():
    task = ControllerTask(quay_tag_info.spec(), {"repository": "org/app", "quay_host": HOST, "quay_token": TOKEN},
                          "quay_tag_info", invocation=False)
    with pytest.raises(TaskDone) as done:
        task.fail("x")
    assert "invocation" not in done.value.result


def test_fallbacks_read_the_task_environment_and_it_is_put_back(monkeypatch):
    monkeypatch.setenv("QUAY_TOKEN", "controller-token")
    monkeypatch.setenv("QUAY_RETRIES", "2")
    task = ControllerTask(quay_tag_info.spec(), {"repository": "org/app"}, "quay_tag_info")
    with task_environment({"QUAY_HOST": "quay.example.com", "QUAY_TOKEN": "", "QUAY_TIMEOUT": 5}):
        assert os.environ["QUAY_TIMEOUT"] == "5"
        with pytest.raises(TaskDone) as done:
            task.validate()
    # QUAY_TOKEN set empty by the task's environment wins over the controller's value, as for a module.
    assert done.value.result["msg"].startswith("missing required connection option quay_token")
    assert task.params["quay_host"] == "quay.example.com" and task.params["timeout"] == 5.0 and task.params["retries"] == 2
    assert os.environ["QUAY_TOKEN"] == "controller-token" and "QUAY_HOST" not in os.environ and "QUAY_TIMEOUT" not in os.environ


def test_module_arguments_take_the_json_round_trip():
    args = as_module_args({"name": ["stable"], "limit": 3, "only_active": "yes"})
    assert args == {"name": ["stable"], "limit": 3, "only_active": "yes"}
    assert type(args["name"][0]) is str  # pylint: disable=unidiomatic-typecheck


class Stub:
    def __init__(self, **attributes):
        self.__dict__.update(attributes)


def action(transport="local", become=False, async_val=0, delegate_to=None):
    plugin = QuayAction.__new__(QuayAction)
    plugin._templar = Stub(template=lambda value: value)
    plugin._connection = Stub(transport=transport)
    plugin._play_context = Stub(become=become)
    plugin._task = Stub(async_val=async_val, delegate_to=delegate_to, action="quaytools.tags.quay_tag")
    return plugin


@pytest.mark.parametrize("plugin, task_vars, reason", [
    (action(), {}, None),
    (action(), {"ansible_python_interpreter": sys.executable}, None),
    (action(), {"ansible_python_interpreter": "auto_silent"}, None),
    (action(), {"quaytools_tags_fast_path": "no"}, "quaytools_tags_fast_path is false"),
    (action(transport="ssh"), {}, "connection ssh is not local"),
    (action(become=True), {}, "become is set"),
    (action(async_val=30), {}, "async is set"),
    (action(), {"ansible_python_interpreter": "/opt/other/bin/python3"},
     "ansible_python_interpreter is /opt/other/bin/python3, not the controller's Python " + sys.executable),
    (action(delegate_to="builder"), {"ansible_python_interpreter": "/usr/bin/python3", "ansible_delegated_vars": {
        "builder": {"ansible_python_interpreter": sys.executable}}}, None),
], ids=["local", "controller python", "discovery", "turned off", "remote", "become", "async", "other python", "delegated"])
def test_when_the_module_runs_instead(plugin, task_vars, reason):
    assert plugin.module_path_reason(task_vars) == reason


def test_a_wrong_switch_value_is_an_error():
    with pytest.raises(Exception, match="quaytools_tags_fast_path must be a boolean"):
        action().module_path_reason({"quaytools_tags_fast_path": "sometimes"})


def test_requests_missing_on_the_controller_runs_the_module(monkeypatch):
    monkeypatch.setattr(_fast_action, "HAS_REQUESTS", False)
    assert action().module_path_reason({}) == "the controller's Python has no requests library"


def test_deprecated_options_are_reported_as_by_ansible_module():
    spec = {"argument_spec": {"repository": {"type": "str", "deprecated_aliases": [
        {"name": "repo", "version": "2.0.0", "collection_name": "quaytools.tags"}], "aliases": ["repo"]}}}
    task = ControllerTask(spec, {"repo": "org/app", "quay_host": HOST, "quay_token": TOKEN}, "quaytools.tags.x")
    with pytest.raises(TaskDone) as done:
        task.validate()
        task.exit(changed=False)
    assert done.value.result["deprecations"] == [{"msg": "Alias 'repo' is deprecated. See the module docs for more information",
                                                  "version": "2.0.0", "date": None, "collection_name": "quaytools.tags"}]
    assert task.params["repository"] == "org/app"


def test_the_same_python_under_another_name_of_the_same_venv(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python").symlink_to(sys.executable)
    (bindir / "python3").symlink_to("python")
    assert _fast_action._same_python(str(bindir / "python3")) is False  # another venv (directory) is another Python
    assert _fast_action._same_python(sys.executable) is True
    assert _fast_action._same_python(os.path.join(os.path.dirname(sys.executable), "no-such-python")) is False
