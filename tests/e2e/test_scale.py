# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Organization scale under faults, through real ansible-playbook runs: 500 repositories in one task.

A few repositories fail (a 503 that lasts, a 429 with Retry-After that lasts, a connection dropped on every attempt)
among others that hit one transient fault and recover: the task names exactly the failed ones, every other repository
is done, a re-run finishes the job with nothing half-done and no retry at all, check mode sends no write, and the
token never shows at -vvvv with several requests in flight.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import Counter

from e2e_support import ADMIN_TOKEN, NAMESPACE, WRITE_METHODS, digest

COUNT = 500
NAMES = ["r%03d" % index for index in range(COUNT)]
REPOSITORIES = ["%s/%s" % (NAMESPACE, name) for name in NAMES]
# Faults that outlast every retry (count 0: forever) in three repositories.
BROKEN = {
    "e2e/r013": {"method": "PUT", "status": 503, "body": {"message": "service unavailable"}},
    "e2e/r177": {"method": "PUT", "status": 429, "headers": {"Retry-After": "1"}, "body": {"message": "slow down"}},
    "e2e/r301": {"method": "PUT", "action": "drop"},
}
# One fault each, then the repository is served normally.
TRANSIENT = {
    "e2e/r050": {"method": "PUT", "status": 503},
    "e2e/r250": {"method": "GET", "status": 429, "headers": {"Retry-After": "1"}},
    "e2e/r420": {"method": "GET", "action": "drop"},
}


def run_promote(ansible, quay, check=False, verbosity=0, **module):
    """One play: quay_tag promoting candidate to stable and prod in every repository, in one task."""
    args = {"repository": REPOSITORIES, "name": ["stable", "prod"], "source_tag": "candidate", "retries": 3, "timeout": 10}
    args.update(module)
    task = {"name": "promote", "quaytools.tags.quay_tag": args, "ignore_errors": True}
    if check:
        task["check_mode"] = True
    plays = [{"name": "organization", "hosts": "localhost", "gather_facts": False,
              "module_defaults": {"group/quaytools.tags.quay": {"quay_host": quay.url, "quay_token": ADMIN_TOKEN}},
              "tasks": [task]}]
    run = ansible.playbook(plays, verbosity=verbosity, timeout=600)
    return run, run.result("promote")


def fault(quay, repository, spec, count):
    rule = dict(spec, path="^/api/v1/repository/%s/tag/" % repository, count=count)
    quay.fault(**rule)


def by_repository(quay):
    """{repository: Counter of "METHOD status"} over the emulator's log."""
    counts = {}
    for entry in quay.requests():
        match = re.match(r"^/api/v1/repository/(%s/[^/]+)/tag/" % NAMESPACE, entry["path"])
        if match:
            counts.setdefault(match.group(1), Counter())["%s %s" % (entry["method"], entry["status"])] += 1
    return counts


def test_faults_in_a_few_of_500_repositories(ansible, quay):
    quay.load(NAMES)
    for repository, spec in BROKEN.items():
        fault(quay, repository, spec, 0)
    for repository, spec in TRANSIENT.items():
        fault(quay, repository, spec, 1)
    run, result = run_promote(ansible, quay, parallel=8)

    assert result["failed"] is True, run.explain()
    failed = sorted(entry["repository"] for entry in result["repositories"] if entry["failed"])
    assert failed == sorted(BROKEN)
    assert result["msg"].startswith("3 of 500 repositories failed (the other 497 were handled, 497 of them changed): ")
    for repository in BROKEN:
        assert "%s: " % repository in result["msg"]
    kinds = dict((entry["repository"], entry["error"]["kind"]) for entry in result["repositories"] if entry["failed"])
    assert kinds == {"e2e/r013": "unavailable", "e2e/r177": "rate_limit", "e2e/r301": "network"}
    assert [entry["repository"] for entry in result["repositories"]] == REPOSITORIES
    # Every other repository was promoted, the transient ones included (after their one retry).
    for name in NAMES:
        repository = "%s/%s" % (NAMESPACE, name)
        tags = quay.tags(repository)
        wanted = digest(repository, 2) if repository in BROKEN else digest(repository, 3)
        assert tags["stable"] == wanted, repository
    # Retries stay bounded: 4 attempts for each broken write, one retry for each transient fault.
    counts = by_repository(quay)
    assert counts["e2e/r013"]["PUT 503"] == 4 and counts["e2e/r177"]["PUT 429"] == 4 and counts["e2e/r301"]["PUT None"] == 4
    assert counts["e2e/r050"]["PUT 503"] == 1 and counts["e2e/r250"]["GET 429"] == 1 and counts["e2e/r420"]["GET None"] == 1
    healthy = [repository for repository in REPOSITORIES if repository not in BROKEN and repository not in TRANSIENT]
    assert all(counts[repository] == Counter({"GET 200": 1, "PUT 201": 2}) for repository in healthy)
    warnings = result.get("warnings", [])
    assert any(w.startswith("Quay rate-limited this task (HTTP 429) ") for w in warnings)
    assert any(w.startswith("e2e/r050: PUT /api/v1/repository/e2e/r050/tag/stable: HTTP 503; retried in ") for w in warnings)

    # The re-run, with the registry healthy again: the three repositories are finished, nothing else is written, and
    # nothing is retried.
    quay.emulator.clear_faults()
    quay.emulator.clear_log()
    run, again = run_promote(ansible, quay, parallel=8)
    assert again.get("failed") is not True, run.explain()
    changed = sorted(entry["repository"] for entry in again["repositories"] if entry["changed"])
    assert changed == sorted(BROKEN)
    counts = by_repository(quay)
    assert sum(counts.values(), Counter()) == Counter({"GET 200": 500, "PUT 201": 6})
    assert not [w for w in again.get("warnings", []) if "retried" in w or "rate-limited" in w]
    for repository in BROKEN:
        assert quay.tags(repository)["stable"] == quay.tags(repository)["prod"] == digest(repository, 3)


def test_check_mode_over_500_repositories_sends_no_write(ansible, quay):
    quay.load(NAMES)
    run, result = run_promote(ansible, quay, check=True, parallel=16)
    assert result.get("failed") is not True, run.explain()
    assert result["changed"] is True and len(result["repositories"]) == COUNT
    assert all(entry["changed"] for entry in result["repositories"])
    assert quay.writes() == []
    assert Counter(entry["method"] for entry in quay.requests()) == Counter({"GET": COUNT})


def test_the_token_appears_nowhere_at_vvvv_with_parallel_requests(ansible, quay):
    names = NAMES[:60]
    quay.load(names)
    fault(quay, "e2e/r007", {"method": "PUT", "status": 500, "body": {"message": "token %s refused" % ADMIN_TOKEN}}, 0)
    fault(quay, "e2e/r008", {"method": "GET", "status": 502, "body": "Bearer %s" % ADMIN_TOKEN}, 1)
    run, result = run_promote(ansible, quay, verbosity=4, parallel=8,
                              repository=["%s/%s" % (NAMESPACE, name) for name in names])
    assert result["failed"] is True and "e2e/r007: " in result["msg"], run.explain()
    for text in (run.stdout, run.stderr, run.returned_json):
        assert ADMIN_TOKEN not in text
    # -vvvv did print the module's arguments and its whole result (the token is in the arguments, censored).
    assert "e2e/r059" in run.stdout and "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout + run.returned_json
    # Two PUTs in each of the other 59 repositories, one refused PUT (HTTP 500 is not retried) in r007.
    assert len([entry for entry in quay.requests() if entry["method"] in WRITE_METHODS]) == 2 * 59 + 1
