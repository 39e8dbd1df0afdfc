# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the end-to-end tests share: the e2e world (tokens, repositories, seed), the emulator helper ``Quay``, and
``Ansible``, which writes playbooks and inventories and runs ansible-playbook on them.

Most tests describe *cases*: one inventory host per case, one generic task per module whose options come from the
host's ``case`` variable, run with the ``free`` strategy so that the cases (and their retry back-offs) overlap.
Each case works in its own repository ``e2e/<case name>``, so the emulator's request log and fault rules can be
told apart per case. The fixtures are in conftest.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")
CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")
# The tests import the emulator (and its constants) as quay_emulator.
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

# The tokens of the e2e world. Distinctive strings, so that finding one in any output is never a coincidence.
ADMIN_TOKEN = "e2eADMIN-7c3f9a1d5b8e2f4a6c0d9e1b3a5f7c2d"
WRITE_TOKEN = "e2eWRITE-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"
READ_TOKEN = "e2eREAD-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"
OUTSIDER_TOKEN = "e2eOUTSIDER-0a9b8c7d6e5f4a3b2c1d0e9f8a7b"
NAMESPACE = "e2e"

MODULES = ("quay_tag", "quay_tag_info", "quay_tag_restore")
CONNECTION_OPTIONS = ("quay_host", "quay_token", "validate_certs", "ca_path", "timeout", "retries")
MODULE_OPTIONS = {
    "quay_tag": ("repository", "name", "tag", "state", "manifest_digest", "source_tag", "expiration", "immutable",
                 "overwrite"),
    "quay_tag_info": ("repository", "name", "tag", "filter_tag_name", "only_active", "only_active_tags", "manifest_digest",
                      "page", "limit"),
    "quay_tag_restore": ("repository", "name", "tag", "manifest_digest", "at"),
}
WRITE_METHODS = ("PUT", "POST", "DELETE", "PATCH")


# -- the e2e world ----------------------------------------------------------------------------------------------------

def digest(repository, index):
    """The digest of manifest ``index`` (1, 2, 3) of a repository of the e2e world."""
    return "sha256:" + hashlib.sha256(("%s#m%d" % (repository, index)).encode("utf-8")).hexdigest()


def standard_repository(repository, **extra):
    """Every e2e repository: v1 on m1, v2 and stable on m2, candidate on m3, t1..t4 on m1, ``gone`` deleted."""
    m1, m2, m3 = (digest(repository, index) for index in (1, 2, 3))
    tags = [
        {"name": "v1", "manifest": m1, "start": -259200},
        {"name": "gone", "manifest": m1, "start": -259200, "end": -172800},
        {"name": "v2", "manifest": m2, "start": -172800},
        {"name": "stable", "manifest": m2, "start": -172800},
        {"name": "candidate", "manifest": m3, "start": -86400},
    ]
    tags.extend({"name": "t%d" % index, "manifest": m1, "start": -86000 + index} for index in range(1, 5))
    data = {"manifests": [{"digest": m, "size": 1000 + index} for index, m in enumerate((m1, m2, m3))], "tags": tags}
    data.update(extra)
    return data


def make_seed(names, config=None, repositories=None):
    """A seed with a standard repository ``e2e/<name>`` per name, plus ``repositories`` given in full."""
    repos = dict(("%s/%s" % (NAMESPACE, name), standard_repository("%s/%s" % (NAMESPACE, name))) for name in names)
    repos.update(repositories or {})
    return {
        "config": dict(config or {}),
        "tokens": {
            ADMIN_TOKEN: {"user": "ci", "scopes": ["repo:admin", "repo:write", "repo:read"]},
            WRITE_TOKEN: {"user": "ci", "scopes": ["repo:write", "repo:read"]},
            READ_TOKEN: {"user": "ci", "scopes": ["repo:read"]},
            OUTSIDER_TOKEN: {"user": "outsider", "scopes": ["repo:admin", "repo:write", "repo:read"]},
        },
        "namespaces": {NAMESPACE: {"owners": ["ci"], "organization": True}},
        "repositories": repos,
    }


def tag_path(repository, tag=""):
    return "/api/v1/repository/%s/tag/%s" % (repository, tag)


class Quay:
    """The emulator of one test, with the questions tests ask it."""

    def __init__(self, emulator):
        self.emulator = emulator

    @property
    def url(self):
        return self.emulator.url

    def load(self, names=(), config=None, repositories=None):
        """Reset the emulator to a world with these repositories (log, faults and clock cleared)."""
        self.emulator.reset(make_seed(names, config, repositories))
        return self

    def fault(self, **rule):
        self.emulator.add_faults(rule)

    def faults(self):
        return self.emulator.faults()

    def requests(self, repository=None):
        """Every /api request logged (fault answers included), or those whose path is in ``repository``."""
        entries = self.emulator.log()["requests"]
        if repository is None:
            return entries
        prefix = "/api/v1/repository/%s/tag/" % repository
        return [entry for entry in entries if entry["path"].startswith(prefix)]

    def writes(self, repository=None):
        return [entry for entry in self.requests(repository) if entry["method"] in WRITE_METHODS]

    def calls(self, repository=None):
        """``METHOD path`` of each logged request, in order."""
        return ["%s %s" % (entry["method"], entry["path"]) for entry in self.requests(repository)]

    def tags(self, repository):
        """The active tags as the emulator holds them: {name: digest}."""
        dump = self.emulator.repository(repository)
        return dict((row["name"], row["manifest"]) for row in dump["tags"]
                    if row["current"] and row["alive"] and not row["hidden"])

    def rows(self, repository, name):
        """Every visible row of one tag name, newest first."""
        dump = self.emulator.repository(repository)
        return [row for row in dump["tags"] if row["name"] == name and not row["hidden"]]


# -- running ansible-playbook -----------------------------------------------------------------------------------------

class Run:
    """One finished ansible-playbook run."""

    def __init__(self, args, returncode, stdout, stderr, records, seconds):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.records = records
        self.seconds = seconds

    def record(self, task, host="localhost"):
        found = [r for r in self.records if r["task"] == task and r["host"] == host]
        assert found, "no result for task %r on host %r; ran: %s\n%s\n%s" % (
            task, host, [(r["task"], r["host"]) for r in self.records], self.stdout[-3000:], self.stderr[-3000:])
        assert len(found) == 1, "task %r ran %d times on %s" % (task, len(found), host)
        return found[0]

    def result(self, task, host="localhost"):
        return self.record(task, host)["result"]

    def case(self, name):
        """The result of the module task of case ``name`` (the one task of that host that was not skipped)."""
        ran = [r for r in self.records if r["host"] == name and r["status"] != "skipped"]
        assert len(ran) == 1, "case %s: expected one module run, got %s\n%s\n%s" % (
            name, [(r["task"], r["status"]) for r in ran], self.stdout[-3000:], self.stderr[-3000:])
        return ran[0]["result"]

    @property
    def returned_json(self):
        return json.dumps(self.records, sort_keys=True)

    def explain(self):
        return "ansible-playbook %s -> %s in %.1fs\n--- stdout\n%s\n--- stderr\n%s" % (
            " ".join(self.args), self.returncode, self.seconds, self.stdout[-6000:], self.stderr[-3000:])


def _generic_task(module, check_keyword):
    options = CONNECTION_OPTIONS + MODULE_OPTIONS[module]
    task = {
        "name": module,
        "quaytools.tags.%s" % module: dict((option, "{{ case.args['%s'] | default(omit) }}" % option) for option in options),
        "when": "case.module == '%s'" % module,
        "ignore_errors": True,
        "diff": "{{ case.diff | default(false) }}",
    }
    if check_keyword:
        task["check_mode"] = "{{ case.check | default(false) }}"
    return task


class Ansible:
    """Writes playbooks and inventories into a scratch directory and runs ansible-playbook on them."""

    def __init__(self, workdir, collections, quay):
        self.workdir = workdir
        self.collections = collections
        self.quay = quay
        self.count = 0
        bindir = os.path.dirname(sys.executable)
        self.playbook_command = [sys.executable, os.path.join(bindir, "ansible-playbook")]
        self.home = os.path.join(os.path.dirname(collections), "ansible-home")

    def environment(self, extra=None):
        env = dict((key, value) for key, value in os.environ.items()
                   if not key.startswith(("ANSIBLE_", "QUAY_")) and key not in ("PYTHONPATH",))
        env.update({
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
            "ANSIBLE_COLLECTIONS_PATH": self.collections,
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_HOME": self.home,
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.home, "tmp"),
            "ANSIBLE_REMOTE_TEMP": os.path.join(self.home, "remote-tmp"),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_DIR,
            "ANSIBLE_CALLBACKS_ENABLED": "e2e_record",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_DEPRECATION_WARNINGS": "false",
            "ANSIBLE_SYSTEM_WARNINGS": "false",
            # The emulator is on loopback: a proxy from the CI machine's environment must not be used to reach it.
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        })
        env.update(extra or {})
        return env

    def _write(self, name, data):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as handle:
            json.dump(data, handle, indent=1)  # JSON is YAML: no quoting surprises
        return path

    def start(self, plays, inventory=None, check=False, diff=False, verbosity=0, env=None, forks=None, extra_args=()):
        """Start ansible-playbook without waiting; ``finish(handle)`` waits and returns a Run."""
        self.count += 1
        tag = "run%02d" % self.count
        playbook = self._write("%s-playbook.yml" % tag, plays)
        record = os.path.join(self.workdir, "%s-results.json" % tag)
        args = [playbook]
        hosts = 1
        if inventory is not None:
            args[:0] = ["-i", self._write("%s-inventory.json" % tag, inventory)]
            hosts = len(inventory["all"]["hosts"])
        else:
            args[:0] = ["-i", "localhost,", "-c", "local"]
        if check:
            args.append("--check")
        if diff:
            args.append("--diff")
        if verbosity:
            args.append("-" + "v" * verbosity)
        args.extend(extra_args)
        environment = self.environment(env)
        environment["E2E_RECORD_FILE"] = record
        environment["ANSIBLE_FORKS"] = str(forks or min(16, max(5, hosts)))  # enough to overlap the retry back-offs
        began = time.monotonic()
        process = subprocess.Popen(self.playbook_command + args, cwd=self.workdir, env=environment,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True)
        return process, args, record, began

    @staticmethod
    def finish(handle, timeout=300):
        process, args, record, began = handle
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            raise AssertionError("ansible-playbook %s did not finish within %d s\n%s\n%s" % (args, timeout, stdout, stderr))
        records = []
        if os.path.exists(record):
            with open(record) as handle_:
                records = json.load(handle_)
        return Run(args, process.returncode, stdout, stderr, records, time.monotonic() - began)

    def playbook(self, plays, **kwargs):
        timeout = kwargs.pop("timeout", 300)
        return self.finish(self.start(plays, **kwargs), timeout=timeout)

    def connection(self, **overrides):
        """Connection options of a case: the emulator, the admin token, quick retries. None drops an option."""
        options = {"quay_host": self.quay.url, "quay_token": ADMIN_TOKEN, "retries": 3, "timeout": 10}
        options.update(overrides)
        return dict((key, value) for key, value in options.items() if value is not None)

    def cases(self, cases, check=False, diff=False, verbosity=0, env=None, connection=True):
        """Run ``{name: {"module": ..., "args": {...}, "conn": {...}, "check": bool}}``, one host per case.

        ``args`` are the module options; ``conn`` overrides the connection options (None drops one); with
        ``connection=False`` no connection option is added at all. The Run's ``case(name)`` gives each result.
        """
        hosts = {}
        for name, case in cases.items():
            assert case["module"] in MODULES, case
            args = dict(self.connection(**case.get("conn", {}))) if connection else {}
            args.update(case.get("args", {}))
            host = {"module": case["module"], "args": args}
            for key in ("check", "diff"):
                if key in case:
                    host[key] = case[key]
            hosts[name] = {"case": host}
        inventory = {"all": {"hosts": hosts, "vars": {"ansible_connection": "local"}}}
        check_keyword = not check and any("check" in case for case in cases.values())
        plays = [{"name": "cases", "hosts": "all", "gather_facts": False, "strategy": "free",
                  "tasks": [_generic_task(module, check_keyword) for module in MODULES]}]
        return self.playbook(plays, inventory=inventory, check=check, diff=diff, verbosity=verbosity, env=env)
