# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An organization-scale job run the way AWX and Automation Platform run jobs: through ansible-runner, in a private
data directory, with the connection injected as environment variables exactly as extras/awx/credential_type.yml
injects it (QUAY_HOST, QUAY_TOKEN, QUAY_VALIDATE_CERTS) and nothing about the connection in the playbook."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import yaml

import ansible_runner

from e2e_support import ADMIN_TOKEN, NAMESPACE, ROOT

SERVICES = ["svc-%03d" % index for index in range(120)]
OTHERS = ["legacy", "tools"]

PLAYBOOK = [{
    "name": "Clean up the service repositories of the organization",
    "hosts": "localhost",
    "gather_facts": False,
    "tasks": [
        {"name": "Find the service repositories",
         "quaytools.tags.quay_repository_info": {"namespace": NAMESPACE, "name_pattern": "svc-.*"},
         "register": "found"},
        {"name": "Read their active tags in one task",
         "quaytools.tags.quay_tag_info": {"repository": "{{ found.repositories | map(attribute='repository') | list }}"},
         "register": "listing"},
        {"name": "Decide what goes in every repository",
         "ansible.builtin.set_fact": {
             "plan": "{{ listing.repositories | quaytools.tags.prune_plan(match=['t[0-9]+'], protect=[], "
                     "protect_manifests=false) }}"}},
        {"name": "Delete what goes in every repository in one task",
         "quaytools.tags.quay_tag": {"repository": "{{ plan.targets }}", "state": "absent"},
         "when": "plan.targets | length > 0",
         "register": "deleted"},
    ],
}]


def credential_environment(url):
    """What a job gets from a credential of extras/awx/credential_type.yml: its injectors, filled in."""
    with open(os.path.join(ROOT, "extras", "awx", "credential_type.yml"), "r", encoding="utf-8") as handle:
        injectors = yaml.safe_load(handle)["injectors"]["env"]
    inputs = {"quay_host": url, "quay_token": ADMIN_TOKEN, "validate_certs": True}
    environment = {}
    for name, template in injectors.items():
        field = template.strip("{} ")
        environment[name] = str(inputs[field])
    return environment


def private_data_dir(base, url, collections, ansible_env):
    """The directory layout ansible-runner reads: project/, inventory/, env/envvars."""
    for folder in ("project", "inventory", "env"):
        os.makedirs(os.path.join(base, folder))
    with open(os.path.join(base, "project", "org.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(PLAYBOOK, handle, sort_keys=False)
    with open(os.path.join(base, "inventory", "hosts"), "w", encoding="utf-8") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    envvars = credential_environment(url)
    envvars.update({
        "QUAY_PARALLEL": "8",
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_HOME": ansible_env["ANSIBLE_HOME"],
        "ANSIBLE_LOCAL_TEMP": ansible_env["ANSIBLE_LOCAL_TEMP"],
        "ANSIBLE_REMOTE_TEMP": ansible_env["ANSIBLE_REMOTE_TEMP"],
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    })
    with open(os.path.join(base, "env", "envvars"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(envvars, handle)
    return base


def run_job(base, monkeypatch):
    # ansible-runner starts the ansible-playbook it finds on PATH: the one next to this Python.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    for name in list(os.environ):
        if name.startswith(("QUAY_", "ANSIBLE_")):
            monkeypatch.delenv(name)
    return ansible_runner.run(private_data_dir=base, playbook="org.yml", quiet=True, ident="job")


def task_results(runner):
    """{task name: the module's result} from the job's events, as AWX records them."""
    results = {}
    for event in runner.events:
        if event.get("event") in ("runner_on_ok", "runner_on_failed", "runner_on_skipped"):
            data = event["event_data"]
            results[data["task"]] = dict(data.get("res") or {}, event=event["event"])
    return results


def files_with(base, secret):
    """The files of the job's artifacts (its output, events and status, as AWX keeps them) that hold ``secret``."""
    found = []
    for folder, _dirs, files in os.walk(os.path.join(base, "artifacts")):
        for name in files:
            with open(os.path.join(folder, name), "r", encoding="utf-8", errors="replace") as handle:
                if secret in handle.read():
                    found.append(os.path.relpath(os.path.join(folder, name), base))
    return found


def test_organization_job_through_ansible_runner(tmp_path, collections_path, quay, ansible, monkeypatch):
    quay.load(SERVICES + OTHERS)
    base = private_data_dir(str(tmp_path / "job"), quay.url, collections_path, ansible.environment())
    runner = run_job(base, monkeypatch)
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    results = task_results(runner)
    found = results["Find the service repositories"]
    assert [repo["repository"] for repo in found["repositories"]] == ["%s/%s" % (NAMESPACE, name) for name in SERVICES]
    deleted = results["Delete what goes in every repository in one task"]
    assert deleted["changed"] is True and len(deleted["repositories"]) == len(SERVICES)
    assert deleted["api_requests"] == len(SERVICES) * (1 + 4)
    for name in SERVICES[:3] + SERVICES[-3:]:
        assert sorted(quay.tags("%s/%s" % (NAMESPACE, name))) == ["candidate", "stable", "v1", "v2"]
    for name in OTHERS:
        assert sorted(quay.tags("%s/%s" % (NAMESPACE, name))) == ["candidate", "stable", "t1", "t2", "t3", "t4", "v1", "v2"]
    # The job's output and events (what AWX keeps and shows) never hold the token. Only ansible-runner's own record of
    # how it started the job holds it: artifacts/<ident>/command lists the environment it was given (env/envvars).
    assert files_with(base, ADMIN_TOKEN) == ["artifacts/job/command"]
    assert os.path.exists(os.path.join(base, "artifacts", "job", "job_events"))

    # The same job again: nothing left to do, so nothing is written.
    quay.emulator.clear_log()
    again = ansible_runner.run(private_data_dir=base, playbook="org.yml", quiet=True, ident="again")
    assert (again.status, again.rc) == ("successful", 0)
    assert task_results(again)["Delete what goes in every repository in one task"]["event"] == "runner_on_skipped"
    assert quay.writes() == []
