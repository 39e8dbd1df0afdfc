# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Several ansible-playbook processes promote and delete tags in one repository at the same time.

Their declarations overlap but agree (three delete t3, two promote stable, two create qa), so together they declare
one state. The processes start their module tasks together (a file barrier), and the first DELETE of each is held
2.5 s before Quay handles it, so every process reads the tags before any deletion lands, and several send the same
write: the later DELETE of a tag meets a 404, the later PUT opens another history row. All must end in the declared
state, without a failure, and a second run of each must report ok.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from e2e_support import NAMESPACE, digest

REPO = NAMESPACE + "/shared"
M1, M2, M3 = (digest(REPO, index) for index in (1, 2, 3))
SEED_REPOSITORY = {
    "manifests": [{"digest": M1, "size": 1}, {"digest": M2, "size": 2}, {"digest": M3, "size": 3}],
    "tags": [{"name": "v1", "manifest": M1, "start": -259200}, {"name": "prod", "manifest": M1, "start": -259200},
             {"name": "v2", "manifest": M2, "start": -172800}, {"name": "stable", "manifest": M2, "start": -172800},
             {"name": "candidate", "manifest": M3, "start": -86400}]
    + [{"name": "t%d" % index, "manifest": M1, "start": -80000 + index} for index in range(1, 9)],
}


def deletes(*names):
    return {"repository": REPO, "name": list(names), "state": "absent"}


# process: (first task: deletes, second task: promotion)
PROCESSES = {
    "a": (deletes("t1", "t2", "t3"), {"repository": REPO, "name": ["stable", "prod"], "source_tag": "candidate"}),
    "b": (deletes("t2", "t3", "t4"), {"repository": REPO, "name": ["prod", "stable"], "source_tag": "candidate"}),
    "c": (deletes("t3", "t4", "t5", "t6"), {"repository": REPO, "name": ["qa"], "manifest_digest": M2, "expiration": "2w"}),
    "d": (deletes("t5", "t6", "t7"), {"repository": REPO, "name": ["qa"], "manifest_digest": M2, "expiration": "2w"}),
}
DECLARED = {"v1": M1, "v2": M2, "candidate": M3, "t8": M1, "stable": M3, "prod": M3, "qa": M2}


def playbook(url, token, barrier, name):
    delete, promote = PROCESSES[name]
    return [{"name": "process " + name, "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/quaytools.tags.quay": {"quay_host": url, "quay_token": token, "timeout": 30}},
             "tasks": [
                 # On the controller (no module process): say ready, then wait for the test to open the barrier.
                 {"name": "barrier", "ansible.builtin.debug": {"msg": "{{ lookup('ansible.builtin.pipe', %r) }}" % (
                     "touch %s && while [ ! -e %s ]; do sleep 0.05; done && echo go"
                     % (os.path.join(barrier, "ready-" + name), os.path.join(barrier, "go")))}},
                 {"name": "delete", "quaytools.tags.quay_tag": delete},
                 {"name": "promote", "quaytools.tags.quay_tag": promote},
             ]}]


def run_together(quay, ansible, barrier):
    """Start every process, open the barrier once all are at it, wait for all; returns {name: Run}."""
    os.makedirs(barrier)
    handles = dict((name, ansible.start(playbook(quay.url, ansible.connection()["quay_token"], barrier, name)))
                   for name in PROCESSES)
    deadline = time.monotonic() + 120
    while not all(os.path.exists(os.path.join(barrier, "ready-" + name)) for name in PROCESSES):
        assert time.monotonic() < deadline, "the processes did not reach the barrier"
        assert all(handle[0].poll() is None for handle in handles.values()), "a process ended before the barrier"
        time.sleep(0.05)
    with open(os.path.join(barrier, "go"), "w"):
        pass
    return dict((name, ansible.finish(handle)) for name, handle in handles.items())


def test_concurrent_playbooks_converge_and_a_second_run_reports_ok(quay, ansible, tmp_path):
    quay.load(repositories={REPO: SEED_REPOSITORY})
    # One held DELETE per process (each sends the next only when the previous one was answered).
    quay.fault(method="DELETE", path="^/api/v1/repository/%s/tag/" % REPO, action="delay", delay=2.5, count=len(PROCESSES))

    first = run_together(quay, ansible, str(tmp_path / "barrier1"))

    for name, run in first.items():
        assert run.returncode == 0, run.explain()
        for task in ("delete", "promote"):
            assert run.record(task)["status"] in ("ok", "changed"), (name, task, run.result(task).get("msg"))
    assert quay.tags(REPO) == DECLARED
    rows = dict((row["name"], row) for row in quay.emulator.repository(REPO)["tags"] if row["current"] and row["alive"])
    assert rows["qa"]["end_ms"] is not None  # the expiration survived the other process's move of qa
    writes = quay.writes(REPO)
    conflicts = [e for e in writes if e["method"] == "DELETE" and e["status"] == 404]
    # The race really happened: some process deleted a tag another had already deleted.
    assert conflicts, [(e["method"], e["path"], e["status"]) for e in writes]
    # Each tag deleted exactly once on Quay's side, whoever did it; the processes' reports agree with that.
    deleted = sorted(e["path"].rsplit("/", 1)[1] for e in writes if e["method"] == "DELETE" and e["status"] == 204)
    assert deleted == ["t1", "t2", "t3", "t4", "t5", "t6", "t7"]
    reported = sorted(t["name"] for run in first.values() for t in run.result("delete")["tags"] if t["changed"])
    assert reported == deleted
    for conflict in conflicts:
        tag = conflict["path"].rsplit("/", 1)[1]
        warned = [w for run in first.values() for w in run.result("delete").get("warnings", []) if w.startswith(tag + ":")]
        assert warned, (tag, [run.result("delete").get("warnings") for run in first.values()])

    quay.emulator.clear_faults()
    quay.emulator.clear_log()
    second = run_together(quay, ansible, str(tmp_path / "barrier2"))

    for name, run in second.items():
        assert run.returncode == 0, run.explain()
        for task in ("delete", "promote"):
            assert run.record(task)["status"] == "ok", (name, task, run.result(task))
    assert quay.writes() == []
    assert quay.tags(REPO) == DECLARED
