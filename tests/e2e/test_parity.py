# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parity of the two paths: the same playbook run on the fast path (the action plugin's logic in the controller's
worker) and on the module path (``quaytools_tags_fast_path=false``) gives the same results and sends the same requests.

One playbook holds every scenario: play ``cases`` has one inventory host per case and one generic task per module
(options, ``environment``, ``check_mode``, ``diff`` and ``no_log`` from the host's ``case``); play ``special`` has the
scenarios that need their own task keywords (block and play ``environment``, ``module_defaults`` by action name, a
vault value, a loop, delegation to a non-local connection, ``async``, the short module name). The emulator is reset to
the same world before each run; each run exports QUAY_HOST and QUAY_TOKEN as AWX injects a credential.

The results are the ones the callbacks receive (``invocation`` included), compared key by key; epoch seconds and ISO
dates may differ by a few seconds between the runs (the module path is slower, and relative expirations count
from the run's own clock). The suite runs in every leg of the CI matrix (tests/ci/matrix.sh) and in ``make e2e``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import os
import re
import time

from e2e_support import ADMIN_TOKEN, NAMESPACE, READ_TOKEN, WRITE_TOKEN, digest

BOGUS_TOKEN = "e2eBOGUS-5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a"
VAULT_PASSWORD = "parity-vault-password"
CONNECTIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "connection_plugins")
CONNECTION = ("quay_host", "quay_token", "validate_certs", "ca_path", "timeout", "retries")
# The options of each module (a new module: add it here, and cases for it below).
ACCEPTS = {
    "quay_tag": ("repository", "name", "tag", "state", "manifest_digest", "source_tag", "expiration", "immutable", "overwrite"),
    "quay_tag_info": ("repository", "name", "filter_tag_name", "only_active", "manifest_digest", "page", "limit"),
    "quay_tag_restore": ("repository", "name", "tag", "manifest_digest", "at"),
    "quay_autoprune_policy": ("namespace", "repository", "scope", "policies", "state", "exclusive"),
    "quay_autoprune_policy_info": ("namespace", "repository", "scope"),
    "quay_immutability_policy": ("namespace", "repository", "policies", "state", "exclusive", "report_tags"),
    "quay_immutability_policy_info": ("namespace", "repository"),
}
MODULES = tuple(ACCEPTS)
# The world's server features: both policy features on (rows then carry ``immutable``).
FEATURES = {"auto_prune": True, "immutable_tags": True}
# Seconds two timestamps of the same event may differ by between the two runs.
CLOCK_SLACK = 120
ISO_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
# What differs between any two runs, whatever the path: async job identifiers, the identifiers Quay gives a new policy,
# the retry back-off (it has jitter), and the order in which ansible-core lists the valid booleans (a set, in each
# process's hash order).
RUN_SPECIFIC = ("ansible_job_id", "results_file", "uuid")
BACKOFF_RE = re.compile(r"retried in [0-9.]+ s")
BOOLEANS_RE = re.compile(r"(Valid booleans include: )(.*)$")


def repo(case):
    return "%s/%s" % (NAMESPACE, case)


# name: (module, options, extra keys of the case: env, check, diff, no_log)
def cases():
    m1 = digest(repo("p-exclusive"), 1)
    return {
        # where the token comes from
        "p-token-option": ("quay_tag_info", {"name": "stable", "quay_token": READ_TOKEN}, {}),
        "p-token-awx": ("quay_tag_info", {"name": "v1"}, {}),
        "p-token-task-env": ("quay_tag_info", {}, {"env": {"QUAY_TOKEN": ADMIN_TOKEN}}),
        "p-token-env-empty": ("quay_tag_info", {}, {"env": {"QUAY_TOKEN": ""}}),
        "p-token-env-wrong": ("quay_tag_info", {}, {"env": {"QUAY_TOKEN": BOGUS_TOKEN}}),
        "p-token-omit": ("quay_tag_info", {"quay_token": "{{ omit }}"}, {}),
        "p-host-env-empty": ("quay_tag_info", {}, {"env": {"QUAY_HOST": ""}}),
        "p-env-settings": ("quay_tag_info", {}, {"env": {"QUAY_TIMEOUT": "5", "QUAY_RETRIES": "0", "QUAY_VALIDATE_CERTS": "no"}}),
        "p-env-bad-type": ("quay_tag_info", {}, {"env": {"QUAY_RETRIES": "many"}}),
        # argument validation
        "p-unsupported": ("quay_tag_info", {"bogus": 1}, {}),
        "p-bad-type": ("quay_tag_info", {"limit": "ten"}, {}),
        "p-bad-bool": ("quay_tag", {"name": ["stable"], "immutable": "maybe"}, {}),
        "p-missing-required": ("quay_tag_restore", {}, {}),
        "p-exclusive": ("quay_tag", {"name": ["stable"], "manifest_digest": m1, "source_tag": "candidate"}, {}),
        "p-bad-choice": ("quay_tag", {"name": ["stable"], "state": "gone"}, {}),
        "p-bad-value": ("quay_tag", {"name": ["../stable"], "source_tag": "candidate"}, {}),
        "p-alias-both": ("quay_tag", {"name": ["stable"], "tag": ["stable"], "source_tag": "candidate"}, {}),
        "p-connection-error": ("quay_tag_info", {"quay_host": "http://127.0.0.1:9", "retries": 0}, {}),
        # changes, check mode, diff
        "p-check-diff": ("quay_tag", {"name": ["stable", "prod"], "source_tag": "candidate"}, {"check": True, "diff": True}),
        "p-change": ("quay_tag", {"name": ["stable", "prod"], "source_tag": "candidate"}, {"diff": True}),
        "p-unchanged": ("quay_tag", {"name": ["stable"], "manifest_digest": digest(repo("p-unchanged"), 2)}, {"diff": True}),
        "p-expire": ("quay_tag", {"name": ["v1"], "expiration": "2w"}, {"diff": True}),
        "p-delete": ("quay_tag", {"name": ["t1", "t2", "nothere"], "state": "absent"}, {"diff": True}),
        "p-overwrite": ("quay_tag", {"name": ["stable"], "source_tag": "candidate", "overwrite": False}, {}),
        "p-delete-check": ("quay_tag", {"name": ["t1", "nothere"], "state": "absent"}, {"check": True, "diff": True}),
        "p-expire-check": ("quay_tag", {"name": ["v1", "new"], "expiration": "3d", "source_tag": "v2"}, {"check": True, "diff": True}),
        "p-restore-check": ("quay_tag_restore", {"name": "stable", "manifest_digest": digest(repo("p-restore-check"), 1)},
                            {"check": True, "diff": True}),
        "p-restore": ("quay_tag_restore", {"name": "stable", "manifest_digest": digest(repo("p-restore"), 1)}, {"diff": True}),
        "p-undelete": ("quay_tag_restore", {"name": "gone"}, {"diff": True, "check": True}),
        "p-info-page": ("quay_tag_info", {"page": 1, "limit": 2}, {}),
        "p-info-history": ("quay_tag_info", {"name": "gone", "only_active": False,
                                             "manifest_digest": digest(repo("p-info-history"), 1)}, {}),
        "p-missing-repository": ("quay_tag_info", {"repository": "e2e/does-not-exist"}, {}),
        # faults: a retried 503 (a warning), a token echoed back (scrubbed), a failed write half-way
        "p-retried": ("quay_tag_info", {}, {}),
        "p-echo": ("quay_tag", {"name": ["stable"], "source_tag": "candidate"}, {}),
        "p-half-way": ("quay_tag", {"name": ["stable", "prod"], "source_tag": "candidate"}, {}),
        # the policy modules (repository policies need repo:admin)
        "p-autoprune-info": ("quay_autoprune_policy_info", {}, {"env": {"QUAY_TOKEN": ADMIN_TOKEN}}),
        "p-autoprune-create": ("quay_autoprune_policy", {"policies": [{"method": "number_of_tags", "value": 5}]},
                               {"env": {"QUAY_TOKEN": ADMIN_TOKEN}, "diff": True}),
        "p-autoprune-check": ("quay_autoprune_policy", {"policies": [{"method": "creation_date", "value": "2w",
                                                                      "tag_pattern": "^pr-"}]},
                              {"env": {"QUAY_TOKEN": ADMIN_TOKEN}, "diff": True, "check": True}),
        "p-autoprune-bad": ("quay_autoprune_policy", {"policies": [{"method": "number_of_tags", "value": 5,
                                                                    "tag_pattern": "(unclosed"}]}, {}),
        "p-autoprune-no-rights": ("quay_autoprune_policy_info", {}, {}),
        "p-immutability-create": ("quay_immutability_policy", {"policies": [{"tag_pattern": "^v[0-9]"}]},
                                  {"env": {"QUAY_TOKEN": ADMIN_TOKEN}, "diff": True}),
        "p-immutability-info": ("quay_immutability_policy_info", {}, {"env": {"QUAY_TOKEN": ADMIN_TOKEN}}),
        # task no_log
        "p-no-log": ("quay_tag_info", {"name": "stable"}, {"no_log": True}),
        "p-no-log-failure": ("quay_tag", {"name": ["-bad"]}, {"no_log": True}),
    }


def faults(quay):
    quay.fault(method="GET", path="/e2e/p-retried/", status=503, body="upstream busy")
    quay.fault(method="PUT", path="/e2e/p-echo/", status=400, body={"message": "bad header Bearer %s" % WRITE_TOKEN})
    quay.fault(method="PUT", path="/e2e/p-half-way/tag/prod", status=403, body={"error_message": "no", "error_type": "insufficient_scope"})


def generic_task(module):
    # Every option of the module, and one it does not have (``bogus``), each omitted unless the case sets it.
    options = dict((option, "{{ case.args['%s'] | default(omit) }}" % option) for option in CONNECTION + ACCEPTS[module] + ("bogus",))
    options["repository"] = "{{ case.args.repository | default('e2e/' ~ inventory_hostname) }}"
    return {
        "name": module,
        "quaytools.tags.%s" % module: options,
        "when": "case.module == '%s'" % module,
        "environment": "{{ case.env | default({}) }}",
        "check_mode": "{{ case.check | default(ansible_check_mode) }}",
        "diff": "{{ case.diff | default(false) }}",
        "no_log": "{{ case.no_log | default(false) }}",
        "ignore_errors": True,
    }


def special_tasks():
    """Scenarios of play ``special`` (host localhost); the play's environment sets a wrong token."""
    info = "quaytools.tags.quay_tag_info"
    return [
        {"name": "play environment only", info: {"repository": repo("s-env")}, "ignore_errors": True},
        {"name": "task environment over the play's", info: {"repository": repo("s-env")},
         "environment": {"QUAY_TOKEN": "{{ parity_token }}"}},
        {"name": "block environment", "environment": {"QUAY_TOKEN": ADMIN_TOKEN}, "block": [
            {"name": "block environment task", info: {"repository": repo("s-env"), "name": "v2"}},
            {"name": "task over block environment", info: {"repository": repo("s-env")},
             "environment": {"QUAY_TOKEN": ""}, "ignore_errors": True},
        ]},
        {"name": "module_defaults by action name", "module_defaults": {
            info: {"quay_token": READ_TOKEN, "limit": 3},
            "group/quaytools.tags.quay": {"quay_token": BOGUS_TOKEN, "retries": 1}}, "block": [
            {"name": "action defaults win over the group's", info: {"repository": repo("s-defaults")}},
            {"name": "group defaults for another module", "quaytools.tags.quay_tag": {
                "repository": repo("s-defaults"), "name": "v1"}, "ignore_errors": True},
        ]},
        {"name": "vault token", info: {"repository": repo("s-vault"), "quay_token": "{{ vaulted_token }}"}},
        {"name": "loop", info: {"repository": repo("s-loop"), "name": "{{ item }}"}, "loop": ["stable", "v2", "nothere"],
         "environment": {"QUAY_TOKEN": ADMIN_TOKEN}},
        {"name": "loop with a failing item",
         "quaytools.tags.quay_tag": {"repository": repo("s-loop"), "name": "{{ item }}", "source_tag": "candidate"},
         "loop": [["prod"], ["-x"]], "environment": {"QUAY_TOKEN": ADMIN_TOKEN}, "ignore_errors": True},
        {"name": "delegated to a non-local connection", info: {"repository": repo("s-delegate"), "name": "v1"},
         "delegate_to": "remote", "environment": {"QUAY_TOKEN": ADMIN_TOKEN}},
        {"name": "async",
         "quaytools.tags.quay_tag": {"repository": repo("s-async"), "name": ["stable"], "source_tag": "candidate"},
         "environment": {"QUAY_TOKEN": ADMIN_TOKEN}, "async": 60, "poll": 1},
        {"name": "short name, unsupported option", "quay_tag_info": {"repository": repo("s-env"), "nope": True},
         "ignore_errors": True},
    ]


def parity_playbook(case_table):
    return [
        {"name": "cases", "hosts": "cases", "gather_facts": False, "strategy": "free",
         "tasks": [generic_task(module) for module in MODULES]},
        {"name": "special", "hosts": "special", "gather_facts": False, "collections": ["quaytools.tags"],
         "module_defaults": {"group/quaytools.tags.quay": {"timeout": 7}},
         "environment": {"QUAY_TOKEN": BOGUS_TOKEN}, "vars_files": ["vault.yml"],
         "vars": {"parity_token": WRITE_TOKEN}, "tasks": special_tasks()},
    ]


def inventory(case_table):
    hosts = dict((name, {"case": dict(extra, module=module, args=args)}) for name, (module, args, extra) in case_table.items())
    hosts.update({"localhost": {}, "remote": {"ansible_connection": "fakeremote"}})
    return {"all": {"vars": {"ansible_connection": "local"}, "hosts": hosts, "children": {
        "cases": {"hosts": dict((name, {}) for name in case_table)},
        "special": {"hosts": {"localhost": {}}},
    }}}


def write_vault_files(workdir):
    from ansible.parsing.vault import VaultLib, VaultSecret

    secret = VaultSecret(VAULT_PASSWORD.encode("utf-8"))
    text = VaultLib([("default", secret)]).encrypt(ADMIN_TOKEN, secret).decode("ascii")
    with open(os.path.join(workdir, "vault.yml"), "w") as handle:
        handle.write("vaulted_token: !vault |\n" + "".join("  %s\n" % line for line in text.splitlines()))
    password_file = os.path.join(workdir, "vault-password")
    with open(password_file, "w") as handle:
        handle.write(VAULT_PASSWORD + "\n")
    return password_file


def run_both(quay, ansible):
    """Run the parity playbook on the fast path and on the module path; return {path: (run, requests)}."""
    table = cases()
    names = list(table) + ["s-env", "s-defaults", "s-vault", "s-loop", "s-delegate", "s-async"]
    password_file = write_vault_files(ansible.workdir)
    env = {"QUAY_HOST": quay.url, "QUAY_TOKEN": WRITE_TOKEN, "ANSIBLE_CONNECTION_PLUGINS": CONNECTIONS_DIR}
    out = {}
    for path, fast in (("fast", "true"), ("module", "false")):
        quay.load(names, config=FEATURES)
        faults(quay)
        run = ansible.playbook(parity_playbook(table), inventory=inventory(table), env=env,
                               extra_args=("-e", "quaytools_tags_fast_path=%s" % fast, "--vault-password-file", password_file))
        assert run.returncode == 0, run.explain()
        out[path] = (run, sorted("%s %s?%s" % (entry["method"], entry["path"], entry["query"]) for entry in quay.requests()))
    return out


def _epoch(value):
    now = time.time()
    return isinstance(value, int) and not isinstance(value, bool) and now - 3e8 < value < now + 3e8


def _iso(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def _run_neutral(text):
    text = BACKOFF_RE.sub("retried in N s", text)
    return BOOLEANS_RE.sub(lambda match: match.group(1) + ", ".join(sorted(match.group(2).split(", "))), text)


def differences(fast, module, where="result"):
    """Where two results differ, as readable lines; equal timestamps may be CLOCK_SLACK seconds apart."""
    if isinstance(fast, dict) and isinstance(module, dict):
        out = []
        for key in sorted((set(fast) | set(module)) - set(RUN_SPECIFIC), key=str):
            if key not in fast or key not in module:
                out.append("%s.%s: only on the %s path: %r" % (where, key, "fast" if key in fast else "module",
                                                               fast.get(key, module.get(key))))
            else:
                out.extend(differences(fast[key], module[key], "%s.%s" % (where, key)))
        return out
    if isinstance(fast, list) and isinstance(module, list) and len(fast) == len(module):
        out = []
        for index, (one, other) in enumerate(zip(fast, module)):
            out.extend(differences(one, other, "%s[%d]" % (where, index)))
        return out
    if _epoch(fast) and _epoch(module) and abs(fast - module) <= CLOCK_SLACK:
        return []
    if isinstance(fast, str) and isinstance(module, str) and fast != module:
        if _run_neutral(fast) == _run_neutral(module):
            return []
        dates = (ISO_RE.findall(fast), ISO_RE.findall(module))
        if dates[0] and len(dates[0]) == len(dates[1]) and ISO_RE.sub("", fast) == ISO_RE.sub("", module) and all(
                abs(_iso(one) - _iso(other)) <= CLOCK_SLACK for one, other in zip(*dates)):
            return []
    if fast != module:
        return ["%s: fast %r, module %r" % (where, fast, module)]
    return []


def by_task(run):
    return dict(((record["task"], record["host"]), record) for record in run.records if record["status"] != "skipped")


def assert_parity(runs):
    fast_run, fast_requests = runs["fast"]
    module_run, module_requests = runs["module"]
    fast, module = by_task(fast_run), by_task(module_run)
    assert sorted(fast) == sorted(module)
    wrong = []
    for key in sorted(fast):
        if fast[key]["status"] != module[key]["status"]:
            wrong.append("%s: status fast %s, module %s" % (key, fast[key]["status"], module[key]["status"]))
        wrong.extend("%s %s" % (key, line) for line in differences(fast[key]["result"], module[key]["result"]))
    assert wrong == [], "\n".join(wrong)
    assert fast_requests == module_requests
    return fast, module


def test_both_paths_give_the_same_results(quay, ansible):
    fast, module = assert_parity(run_both(quay, ansible))
    results = dict((key, record["result"]) for key, record in fast.items())

    # The scenarios did what they are about (on both paths, since the results are equal).
    def case(name):
        return results[(cases()[name][0], name)]

    def args(result):
        return result["invocation"]["module_args"]

    assert case("p-token-option")["tags"][0]["name"] == "stable"
    assert case("p-token-awx")["tags"][0]["name"] == "v1"
    assert case("p-token-env-empty")["msg"].startswith("missing required connection option quay_token")
    assert case("p-host-env-empty")["msg"].startswith("missing required connection option quay_host")
    assert case("p-token-env-wrong")["error"]["status"] == 401
    assert case("p-unsupported")["msg"].startswith("Unsupported parameters for (quaytools.tags.quay_tag_info) module: bogus")
    assert re.match(r"argument 'limit' is of type .*str.* and we were unable to convert to int", case("p-bad-type")["msg"])
    assert case("p-missing-required")["msg"] == "missing required arguments: name"
    assert "Both option name and its alias tag are set." in case("p-alias-both")["warnings"]
    assert case("p-connection-error")["error"]["kind"] == "network"
    assert case("p-check-diff")["changed"] is True and case("p-check-diff")["diff"]["after"]["prod"]["state"] == "present"
    assert case("p-unchanged")["changed"] is False
    assert "Bearer ********" in case("p-echo")["msg"] and WRITE_TOKEN not in case("p-echo")["msg"]
    assert case("p-no-log")["censored"].startswith("the output has been hidden")
    special = dict((task, results[(task, "localhost")]) for task, host in results if host == "localhost")
    assert special["play environment only"]["error"]["status"] == 401
    assert special["task environment over the play's"]["tags"]
    assert special["block environment task"]["tags"][0]["name"] == "v2"
    assert special["task over block environment"]["msg"].startswith("missing required connection option quay_token")
    assert special["group defaults for another module"]["error"]["status"] == 401
    assert special["action defaults win over the group's"]["api_requests"] == 3  # 8 active tags, limit 3 a page
    assert special["vault token"]["tags"]
    assert [item.get("tags", [{}])[0].get("name") if item.get("tags") else None
            for item in special["loop"]["results"]] == ["stable", "v2", None]
    assert special["short name, unsupported option"]["msg"].startswith("Unsupported parameters for (quay_tag_info) module: nope")
    assert case("p-autoprune-create")["changed"] is True and case("p-immutability-create")["changed"] is True
    assert "not a valid regular expression" in case("p-autoprune-bad")["msg"]
    # The arguments each task ran with, from ``invocation``: ansible-core 2.21 returns it only with INJECT_INVOCATION
    # (false by default; both paths then leave it out, as compared above).
    if "invocation" in case("p-token-option"):
        assert args(case("p-env-settings"))["retries"] == 0
        assert args(case("p-env-settings"))["validate_certs"] is False
        assert args(case("p-token-option"))["quay_token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
        assert args(special["action defaults win over the group's"])["limit"] == 3
        assert args(special["group defaults for another module"])["retries"] == 1
        assert args(special["short name, unsupported option"])["timeout"] == 7.0  # the play's group default
    assert special["async"]["changed"] is True
    assert quay.tags(repo("p-change"))["prod"] == digest(repo("p-change"), 3)
    for name in ("p-check-diff", "p-delete-check", "p-expire-check", "p-restore-check", "p-undelete"):
        assert case(name)["changed"] is True and quay.writes(repo(name)) == [], name


def test_the_fast_path_runs_local_tasks_and_the_module_runs_the_others(quay, ansible):
    """At -vvv each task says which path it took: delegation to a non-local connection and async run the module."""
    quay.load(["s-delegate", "s-async", "s-env"])
    info = "quaytools.tags.quay_tag_info"
    plays = [{"name": "paths", "hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "local", info: {"repository": repo("s-env")}, "environment": {"QUAY_TOKEN": ADMIN_TOKEN}},
        {"name": "delegated", info: {"repository": repo("s-delegate")}, "delegate_to": "remote"},
        {"name": "async", info: {"repository": repo("s-async")}, "async": 60, "poll": 1},
        {"name": "forced", info: {"repository": repo("s-env")}, "vars": {"quaytools_tags_fast_path": False}},
    ]}]
    hosts = {"all": {"hosts": {"localhost": {"ansible_connection": "local"}, "remote": {"ansible_connection": "fakeremote"}}}}
    run = ansible.playbook(plays, inventory=hosts, verbosity=3,
                           env={"QUAY_HOST": quay.url, "QUAY_TOKEN": READ_TOKEN, "ANSIBLE_CONNECTION_PLUGINS": CONNECTIONS_DIR})
    assert run.returncode == 0, run.explain()
    said = re.findall(r"quaytools\.tags\.quay_tag_info: (running [^\n]*)", run.stdout)
    assert said == ["running in the controller's worker (fast path)",
                    "running the module (connection fakeremote is not local)",
                    "running the module (async is set)",
                    "running the module (quaytools_tags_fast_path is false)"], run.stdout[-4000:]
    assert run.stdout.count("AnsiballZ_quay_tag_info.py") >= 3
    # The fast path prints no EXEC line, so the environment's token is not printed either.
    assert ADMIN_TOKEN not in run.stdout and ADMIN_TOKEN not in run.stderr
