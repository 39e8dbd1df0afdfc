# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The fast path: a module's logic run inside the controller's worker process by its action plugin.

Every quaytools.tags module has an action plugin of the same name (``plugins/action/<module>.py``, a few lines: a
subclass of :class:`QuayAction` naming the module's ``spec`` and the logic's ``run``). When the task runs on a local
connection, the action runs that same ``run(task)`` in the worker Ansible forks for the task, on a
:class:`ControllerTask`, instead of building, copying and starting the module in a new Python process. Otherwise,
and when the variable ``quaytools_tags_fast_path`` is false, it runs the module as usual (see
:meth:`QuayAction.module_path_reason`).

Parity with the module: the arguments take the JSON round trip they take to a module, are validated by ansible-core's
public ArgumentSpecValidator with the same spec and messages, fallbacks read the task's environment (the
``environment`` keyword laid over the controller's variables, which is what a local module sees), and the result is
formatted as AnsibleModule formats it (invocation, warnings, deprecations, no_log values removed).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import sys

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as ANSIBLE_CORE_VERSION
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

try:
    # ansible-core 2.19 and later: the codec the controller sends module arguments with.
    from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
    AnsibleJSONEncoder = None
except ImportError:
    from ansible.module_utils.common.json import AnsibleJSONEncoder
    Direction = get_module_decoder = get_module_encoder = None

from ansible_collections.quaytools.tags.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.quaytools.tags.plugins.module_utils._runtime import TaskRuntime, full_spec

display = Display()

# The variable that turns the fast path off (for a host, a group, a play, a block or a task).
FAST_PATH_VARIABLE = "quaytools_tags_fast_path"
# AnsibleModule keyword arguments that ArgumentSpecValidator takes too.
VALIDATOR_ARGUMENTS = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")
DISCOVERY_MODES = ("", "auto", "auto_legacy", "auto_silent", "auto_legacy_silent")
# ansible-core 2.19 keeps one copy of identical module warnings; older cores keep each.
DEDUPLICATES_WARNINGS = tuple(int(part) for part in ANSIBLE_CORE_VERSION.split(".")[:2]) >= (2, 19)


class TaskDone(BaseException):
    """Raised by ControllerTask's exits, as ``sys.exit`` ends a module: the logic modules never catch it."""

    def __init__(self, result):
        super(TaskDone, self).__init__("task done")
        self.result = result


def as_module_args(args):
    """The task's arguments as a module receives them: through the JSON codec the controller sends them with
    (vault values and templated strings become plain text; on ansible-core < 2.19 type errors would otherwise name
    AnsibleUnicode where the module says str)."""
    if get_module_encoder is not None:
        text = json.dumps(args, cls=get_module_encoder("legacy", Direction.CONTROLLER_TO_MODULE))
        return json.loads(text, cls=get_module_decoder("legacy", Direction.CONTROLLER_TO_MODULE))
    return json.loads(json.dumps(args, cls=AnsibleJSONEncoder, vault_to_text=True))


@contextlib.contextmanager
def task_environment(values):
    """``os.environ`` as a local module would see it: the controller's variables with ``values`` laid over them.

    The worker process is forked for this one task; the controller's environment is put back all the same.
    """
    saved = dict(os.environ)
    try:
        os.environ.update((str(key), str(value)) for key, value in values.items())
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class ControllerTask(TaskRuntime):
    """The task runtime of the fast path: what AnsibleModule does for a module, done in the controller's worker."""

    def __init__(self, module_spec, args, name, check_mode=False, diff_mode=False, invocation=True):
        self.spec = full_spec(module_spec)
        self.name = name
        self.params = dict(args)
        self.check_mode = bool(check_mode)
        self.diff_mode = bool(diff_mode)
        self.invocation = invocation
        self.module = self
        self.warnings = []
        self.deprecations = []
        self.no_log_values = set()
        self._client = None

    def warn(self, warning):
        if not (DEDUPLICATES_WARNINGS and warning in self.warnings):
            self.warnings.append(warning)

    def validate(self):
        """Validate and complete ``params`` as AnsibleModule does; fail with its messages. Sends nothing."""
        validator = ArgumentSpecValidator(self.spec["argument_spec"],
                                          **dict((key, self.spec[key]) for key in VALIDATOR_ARGUMENTS if key in self.spec))
        result = validator.validate(self.params)
        self.params.update(result.validated_parameters)
        self.no_log_values.update(result._no_log_values)
        for deprecation in result._deprecations:
            self.deprecations.append(dict((key, deprecation.get(key)) for key in ("msg", "version", "date", "collection_name")))
        for warning in result._warnings:
            self.warn("Both option {option} and its alias {alias} are set.".format(option=warning["option"], alias=warning["alias"]))
        if result.error_messages:
            message = result.errors.msg
            if isinstance(result.errors.errors[0], UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (self.name, message)
            self._finish({"msg": message}, failed=True)
        self.check_connection_options()

    def _finish(self, result, failed):
        if failed:
            result["failed"] = True
        if self.invocation and "invocation" not in result:
            result["invocation"] = {"module_args": self.params}
        if self.warnings:
            result["warnings"] = list(self.warnings)
        if self.deprecations:
            result["deprecations"] = list(self.deprecations)
        # As AnsibleModule: booleans and None stay as they are, every other value loses the no_log values.
        preserved = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
        result = remove_values(result, self.no_log_values)
        result.update(preserved)
        raise TaskDone(result)


def inject_invocation(variables=None):
    """ansible-core 2.21 adds ``invocation`` to module results only when INJECT_INVOCATION is true; before, always."""
    if "INJECT_INVOCATION" not in C.config.get_configuration_definitions():
        return True
    return bool(C.config.get_config_value("INJECT_INVOCATION", variables=variables))


def _same_python(interpreter):
    """Whether ``interpreter`` names the Python this controller runs on (the same venv: same bin directory)."""
    mine = os.path.abspath(sys.executable)
    theirs = os.path.abspath(os.path.expanduser(interpreter))
    if theirs == mine:
        return True
    try:
        return os.path.dirname(theirs) == os.path.dirname(mine) and os.path.samefile(theirs, mine)
    except OSError:
        return False


class QuayAction(ActionBase):
    """The action plugin of a quaytools.tags module: its logic in the controller's worker, or the module itself.

    A subclass sets ``SPEC`` (the module's ``spec`` function) and ``RUN`` (the logic's ``run(task)``), both as
    ``staticmethod``.
    """

    SPEC = None
    RUN = None
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(QuayAction, self).run(tmp, task_vars)
        del tmp
        reason = self.module_path_reason(task_vars)
        if reason:
            display.vvv("%s: running the module (%s)" % (self._task.action, reason), host=self._play_context.remote_addr)
            wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
            result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        display.vvv("%s: running in the controller's worker (fast path)" % self._task.action, host=self._play_context.remote_addr)
        return merge_hash(result, self.run_in_process(task_vars))

    def module_path_reason(self, task_vars):
        """Why this task must run as a module (a text for -vvv), or None for the fast path."""
        wanted = self._templar.template(task_vars.get(FAST_PATH_VARIABLE, True))
        try:
            if not boolean(wanted, strict=True):
                return "%s is false" % FAST_PATH_VARIABLE
        except TypeError:
            raise AnsibleActionFail("%s must be a boolean, got %r" % (FAST_PATH_VARIABLE, wanted))
        if self._connection.transport != "local":
            return "connection %s is not local" % self._connection.transport
        if self._play_context.become:
            return "become is set"
        if self._task.async_val:
            return "async is set"
        if not HAS_REQUESTS:
            return "the controller's Python has no requests library"
        interpreter = self._chosen_interpreter(task_vars)
        if interpreter is not None and not _same_python(interpreter):
            return "ansible_python_interpreter is %s, not the controller's Python %s" % (interpreter, sys.executable)
        return None

    def _chosen_interpreter(self, task_vars):
        """The Python interpreter set for the target (variable or configuration), or None when it is discovered."""
        target_vars = task_vars
        if self._task.delegate_to:
            target_vars = (task_vars.get("ansible_delegated_vars") or {}).get(self._task.delegate_to, task_vars)
        value = C.config.get_config_value("INTERPRETER_PYTHON", variables=target_vars)
        value = self._templar.template(value) if value else value
        value = str(value or "").strip()
        return None if value in DISCOVERY_MODES else value

    def run_in_process(self, task_vars):
        environment = {}
        self._compute_environment_string(environment)
        task = ControllerTask(type(self).SPEC(), as_module_args(self._task.args), self._task.action,
                              check_mode=self._task.check_mode, diff_mode=self._task.diff,
                              invocation=inject_invocation(task_vars))
        with task_environment(environment):
            try:
                task.validate()
                type(self).RUN(task)
            except TaskDone as done:
                return done.result
        raise AnsibleActionFail("%s ended without a result" % self._task.action)
