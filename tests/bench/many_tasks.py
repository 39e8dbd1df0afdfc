# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The per-task part of ``make bench``: playbooks of 1, 10 and 50 tasks, and where a task's time goes.

Four playbooks per size, each a whole ``ansible-playbook`` process timed from start to exit:

- ``debug``: N ``ansible.builtin.debug`` tasks, Ansible's own per-task floor (an action that runs in the worker);
- ``fast``: N unchanged ``quaytools.tags.quay_tag`` tasks, on the fast path (the default on a local connection);
- ``module``: the same N tasks with ``quaytools_tags_fast_path: false``, the module path;
- ``uri``: the same job written with ``ansible.builtin.uri``: per tag a GET task and a PUT task skipped when the tag
  already points at the digest.

The four run one after the other in each round, in an order that rotates from round to round; ratios are the median
over the rounds of the ratio within a round (paired). The marginal cost of a task is (T50 - T10) / 40.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import statistics
import subprocess
import sys
import time

SIZES = (1, 10, 50)
VARIANTS = ("debug", "fast", "module", "uri")
# The targets of the per-task issue, for 10 tasks: fast <= 0.3 x uri and <= 1.6 x debug.
TARGETS = {("fast", "uri"): 0.3, ("fast", "debug"): 1.6}


def playbook(variant, count):
    """The play of one variant with ``count`` tasks (``bench_url``, ``bench_token``, ``bench_digest`` as extra vars)."""
    play = {
        "name": "%d %s task(s)" % (count, variant), "hosts": "localhost", "gather_facts": False,
        "module_defaults": {
            "group/quaytools.tags.quay": {"quay_host": "{{ bench_url }}", "quay_token": "{{ bench_token }}"},
            "ansible.builtin.uri": {"headers": {"Authorization": "Bearer {{ bench_token }}"}},
        },
        "tasks": [],
    }
    if variant == "module":
        play["vars"] = {"quaytools_tags_fast_path": False}
    for index in range(count):
        if variant == "debug":
            play["tasks"].append({"name": "debug %d" % index, "ansible.builtin.debug": {"msg": "stable is at {{ bench_digest }}"}})
        elif variant in ("fast", "module"):
            play["tasks"].append({"name": "tag %d" % index, "quaytools.tags.quay_tag": {
                "repository": "bench/app", "name": "stable", "manifest_digest": "{{ bench_digest }}"}})
        else:
            play["tasks"].append({"name": "read %d" % index, "ansible.builtin.uri": {
                "url": "{{ bench_url }}/api/v1/repository/bench/app/tag/?specificTag=stable&onlyActiveTags=true"},
                "register": "bench_current"})
            play["tasks"].append({"name": "write %d" % index, "ansible.builtin.uri": {
                "url": "{{ bench_url }}/api/v1/repository/bench/app/tag/stable", "method": "PUT", "body_format": "json",
                "body": {"manifest_digest": "{{ bench_digest }}"}, "status_code": 201},
                "when": "bench_current.json.tags | map(attribute='manifest_digest') | list != [bench_digest]",
                "changed_when": True})
    return [play]


def run_playbook(runner, emulator, path, extra):
    """One whole ansible-playbook process; returns its wall seconds and the requests the emulator received."""
    emulator.control("DELETE", "log")
    env = dict(runner.env)
    env.pop("QUAYTOOLS_BENCH_TIMINGS", None)
    started = time.perf_counter()
    proc = subprocess.run([runner.ansible_playbook, "-i", "localhost,", "-c", "local", "-e", "@" + extra, path],
                          env=env, cwd=runner.workdir, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError("%s failed with rc %d:\n%s\n%s" % (path, proc.returncode, proc.stdout[-4000:], proc.stderr[-2000:]))
    log = emulator.log()
    return wall, dict(log["by_method"])


def measure(runner, emulator, digest, rounds, progress):
    """{size: {variant: [wall seconds per round]}}, with the requests of each variant checked."""
    extra = os.path.join(runner.workdir, "many-vars.json")
    with open(extra, "w", encoding="utf-8") as handle:
        json.dump({"bench_url": emulator.url, "bench_token": emulator.token, "bench_digest": digest,
                   "ansible_python_interpreter": sys.executable}, handle)
    paths = {}
    for size in SIZES:
        for variant in VARIANTS:
            path = os.path.join(runner.workdir, "many-%s-%d.json" % (variant, size))
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(playbook(variant, size), handle)
            paths[(variant, size)] = path
    emulator.reset()
    times = dict((size, dict((variant, []) for variant in VARIANTS)) for size in SIZES)
    for index in range(rounds):
        for size in SIZES:
            order = VARIANTS[index % len(VARIANTS):] + VARIANTS[:index % len(VARIANTS)]
            for variant in order:
                wall, by_method = run_playbook(runner, emulator, paths[(variant, size)], extra)
                expected = {} if variant == "debug" else {"GET": size}
                if by_method != expected:
                    raise AssertionError("%d %s tasks sent %s, expected %s" % (size, variant, by_method, expected))
                times[size][variant].append(wall)
        progress("many tasks, round %d/%d: %s" % (index + 1, rounds, "; ".join(
            "%d: %s" % (size, " ".join("%s %.2f" % (v, times[size][v][-1]) for v in VARIANTS)) for size in SIZES)))
    return times


def paired(times, size, one, other):
    return statistics.median(a / b for a, b in zip(times[size][one], times[size][other]))


def summary(times):
    """Medians, paired ratios, marginal costs and whether the targets were met."""
    out = {"median": dict((size, dict((v, statistics.median(times[size][v])) for v in VARIANTS)) for size in SIZES),
           "ratios": {}, "marginal": {}, "rounds": len(times[SIZES[0]][VARIANTS[0]])}
    for size in SIZES:
        for one, other in (("fast", "uri"), ("fast", "debug"), ("module", "uri"), ("fast", "module")):
            out["ratios"][(size, one, other)] = paired(times, size, one, other)
    for variant in VARIANTS:
        out["marginal"][variant] = (out["median"][50][variant] - out["median"][10][variant]) / 40.0
    out["met"] = dict((key, out["ratios"][(10,) + key] <= limit) for key, limit in TARGETS.items())
    return out


def table(summary_):
    lines = ["| tasks | debug s | quay_tag fast path s | quay_tag module path s | uri way s | fast / uri | fast / debug "
             "| module / uri | fast / module |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size in SIZES:
        median = summary_["median"][size]
        ratios = summary_["ratios"]
        lines.append("| %d | %.2f | %.2f | %.2f | %.2f | %s | %s | %.2f | %.2f |" % (
            size, median["debug"], median["fast"], median["module"], median["uri"],
            _bold(ratios[(size, "fast", "uri")], size == 10), _bold(ratios[(size, "fast", "debug")], size == 10),
            ratios[(size, "module", "uri")], ratios[(size, "fast", "module")]))
    lines.append("| per task, (T50 - T10) / 40 | %s | %s | %s | %s | | | | |" % tuple(
        "%.0f ms" % (summary_["marginal"][v] * 1000) for v in VARIANTS))
    return "\n".join(lines)


def _bold(value, bold):
    return ("**%.2f**" if bold else "%.2f") % value


def targets_text(summary_):
    lines = []
    for (one, other), limit in TARGETS.items():
        value = summary_["ratios"][(10, one, other)]
        lines.append("- 10 unchanged-tag tasks on the fast path / 10 %s: %.2f (target <= %s): %s." % (
            "tasks written the uri way" if other == "uri" else "debug tasks", value, limit,
            "met" if value <= limit else "**missed**"))
    return "\n".join(lines)


def profile_fast(collections, emulator, digest, repeats):
    """The fast path's own work for one unchanged quay_tag task, in one process: validation, logic, result."""
    if collections not in sys.path:
        sys.path.insert(0, collections)
    # pylint: disable=import-error
    from ansible_collections.quaytools.tags.plugins.module_utils._tag_state import run
    from ansible_collections.quaytools.tags.plugins.modules.quay_tag import spec
    from ansible_collections.quaytools.tags.plugins.plugin_utils._fast_action import ControllerTask, TaskDone, as_module_args

    args = {"quay_host": emulator.url, "quay_token": emulator.token, "repository": "bench/app", "name": "stable",
            "manifest_digest": digest}
    samples = []
    for _repeat in range(repeats + 1):
        started = time.perf_counter()
        task = ControllerTask(spec(), as_module_args(args), "quaytools.tags.quay_tag")
        try:
            task.validate()
            run(task)
        except TaskDone as done:
            assert done.result["changed"] is False and done.result["api_requests"] == 1, done.result
        samples.append(time.perf_counter() - started)
    return statistics.median(samples[1:])


def breakdown(summary_, mod, client, fast_in_process):
    """Where one task's time goes, in ms: measured parts, and the rest derived from the marginal costs.

    A module's process is split by the instructions valgrind counted for each part (Python's start, the imports, the
    rest), applied to its CPU time: both are measured on the payload run directly, and neither depends much on how
    loaded the machine is (its wall time does). "module transfer" is the marginal cost less Ansible's per-task floor
    and the process: what Ansible does around the module, and whatever waiting the machine's load added.
    """
    marginal = dict((v, summary_["marginal"][v] * 1000) for v in VARIANTS)
    request = client["client"] * 1000
    instructions = mod.get("instructions")

    def module_parts(variant, payload):
        cpu = mod[payload]["cpu"] * 1000
        own_request = request if payload == "ours" else client["raw"] * 1000
        if instructions:
            share = cpu / instructions[payload]
            python = instructions["python"] * share
            if payload == "ours":
                imports = (instructions["ours_utils"] - instructions["python"]) * share
            else:
                imports = (instructions["urls"] - instructions["python"]) * share
        else:  # no valgrind: Python's start and the imports in wall time
            python = mod["python"]["cpu"] * 1000
            names = ("ansible.module_utils.basic", "ansible.module_utils.urls") if payload == "uri" else (
                "ansible.module_utils.basic", "ansible_collections.quaytools.tags.plugins.module_utils._module",
                "ansible_collections.quaytools.tags.plugins.module_utils._tag_state")
            imports = sum(mod[payload]["imports"].get(name, 0) for name in names) * 1000
        return {"floor": marginal["debug"], "transfer": marginal[variant] - marginal["debug"] - cpu, "python": python,
                "imports": imports, "request": own_request, "result": max(0.0, cpu - python - imports - own_request),
                "total": marginal[variant]}

    columns = {
        "debug": {"floor": marginal["debug"], "transfer": 0.0, "python": 0.0, "imports": 0.0, "request": 0.0, "result": 0.0,
                  "total": marginal["debug"]},
        "uri": module_parts("uri", "uri"),
        "module": module_parts("module", "ours"),
        "fast": {"floor": marginal["debug"], "transfer": marginal["fast"] - marginal["debug"] - fast_in_process * 1000,
                 "python": 0.0, "imports": 0.0, "request": request, "result": fast_in_process * 1000 - request,
                 "total": marginal["fast"]},
    }
    labels = [
        ("floor", "Ansible's own work for any task (a debug task: the worker fork, templating, callbacks)"),
        ("transfer", "module transfer: payload, temporary directory, copy, starting and waiting for the module's "
                     "process (fast path: the action plugin around the logic)"),
        ("python", "interpreter start"),
        ("imports", "imports (basic, requests or urls, our module_utils)"),
        ("request", "the request (one GET to the emulator; uri: bare HTTP)"),
        ("result", "the rest: arguments, logic, result (a module also unpacks its payload and prints JSON)"),
        ("total", "**per task** (marginal, (T50 - T10) / 40)"),
    ]
    lines = ["| ms per task | debug | uri GET task | quay_tag, module path | quay_tag, fast path |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for key, label in labels:
        cells = []
        for variant in ("debug", "uri", "module", "fast"):
            value = columns[variant][key]
            cells.append(("**%.0f**" if key == "total" else "%.0f") % value if value or key in ("total", "floor") else "-")
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    return "\n".join(lines)
