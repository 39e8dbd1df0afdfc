#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Organization-scale benchmarks (part of ``make bench``): jobs over hundreds of repositories at 20 ms of latency.

Three jobs, each written three ways and run against the emulator with a 20 ms network latency per request:

- list the active tags of N repositories (30 tags each);
- promote one tag (candidate -> stable) in N repositories;
- prune N repositories of 30 tags each, 10 going in each (the prune_plan filter, keep the 20 newest).

"ours" is one task per phase with a list of repositories; "loop" is the same job as a per-repository loop of
the modules as they were before lists (one module run per repository); "uri" is ansible.builtin.uri. Each
job runs for N = 10, 50, 200 and 500 repositories. The loop and uri variants cost about a second per repository and
per request, so by default they run for N = 10 and 50 only and their time at 200 and 500 is extrapolated along the
straight line through those points (marked as such in the table and dashed in the chart); ``--full`` measures
every point. Requests are counted by the emulator, per method, after the warm-up.

The results replace the section between the org-scale markers of docs/performance.md, and the chart
docs/performance-org-scale.svg is drawn by tests/bench/chart.py with matplotlib from tests/bench/requirements.txt
(its own environment, .venv-bench, built by tests/ci/bench.sh).

    python tests/bench/org_scale.py [--sizes 10,50,200,500] [--loop-sizes 10,50] [--full] [--no-write]
"""

from __future__ import absolute_import, division, print_function

import argparse
import copy
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import run as single  # tests/bench/run.py: the emulator process, the playbook runner, the machine description

HERE = single.HERE
ROOT = single.ROOT
LATENCY_MS = 20
TAGS = 30
GOING = 10
MARK_BEGIN = "<!-- org-scale:begin -->"
MARK_END = "<!-- org-scale:end -->"
CHART = os.path.join(ROOT, "docs", "performance-org-scale.svg")
VARIANTS = ("ours", "loop", "uri")
VARIANT_TITLES = {"ours": "ours (one task, a list of repositories)", "loop": "per-repository loop of the modules",
                  "uri": "ansible.builtin.uri"}


def repository_names(count):
    return ["org/r%03d" % index for index in range(count)]


def _digest(repository, index):
    return "sha256:" + hashlib.sha256(("%s#m%d" % (repository, index)).encode("utf-8")).hexdigest()


def make_seeds(base, size):
    """The worlds of the three jobs, on top of the single-repository bench seed (its token and bench/app, which the
    warm-up uses): ``{"list": seed, "promote": seed, "prune": seed}`` with ``size`` repositories org/r000...."""
    common = {"tokens": base["tokens"], "namespaces": dict(base["namespaces"], org={"owners": ["bench"], "organization": True}),
              "repositories": {"bench/app": base["repositories"]["bench/app"]}}
    tagged = copy.deepcopy(common)
    # 30 tags ci-00000..ci-00029, one second apart (the newest a second before the load), each on its own manifest.
    tagged["generate"] = [{"repository": name, "tags": TAGS, "manifests": TAGS, "prefix": "ci-"} for name in repository_names(size)]
    promote = copy.deepcopy(common)
    for name in repository_names(size):
        old, new = _digest(name, 1), _digest(name, 2)
        promote["repositories"][name] = {"manifests": [{"digest": old, "size": 1000}, {"digest": new, "size": 1001}],
                                         "tags": [{"name": "stable", "manifest": old, "start": -86400},
                                                  {"name": "candidate", "manifest": new, "start": -3600}]}
    return {"list": tagged, "promote": promote, "prune": tagged}


class Job:
    """One organization-scale job: its task files (tasks/org_<key>_<variant>.yml), its world, the requests per
    repository of the single-repository job, and the check of the state it leaves."""

    def __init__(self, key, title, seed, per_repository, rule, check):
        self.key = key
        self.title = title
        self.seed = seed
        self.per_repository = per_repository
        self.rule = rule
        self.check = check

    def variables(self, size):
        return {"bench_repositories": repository_names(size), "bench_rows": size * TAGS, "bench_match": ["ci-.*"],
                "bench_keep_newest": TAGS - GOING}


def alive(emulator, repository):
    return single.alive(emulator.repository(repository))


def check_promoted(emulator, size):
    for name in repository_names(size):
        tags = alive(emulator, name)
        if tags.get("stable") != tags.get("candidate"):
            raise AssertionError("%s: stable was not promoted" % name)


def check_pruned(emulator, size):
    wanted = sorted("ci-%05d" % index for index in range(GOING, TAGS))
    for name in repository_names(size):
        left = sorted(tag for tag in alive(emulator, name) if tag.startswith("ci-"))
        if left != wanted:
            raise AssertionError("%s: left %s, expected the %d newest" % (name, left[:3], TAGS - GOING))


def check_nothing(emulator, size):
    return None


JOBS = (
    Job("list", "list the tags of N repositories", "list", {"GET": 1}, "1 GET per repository", check_nothing),
    Job("promote", "promote one tag in N repositories", "promote", {"GET": 1, "PUT": 1},
        "1 GET + 1 PUT per repository", check_promoted),
    Job("prune", "prune N repositories (30 tags, 10 go)", "prune", {"GET": 2, "DELETE": GOING},
        "2 GET + 10 DELETE per repository (the listing's GET, then quay_tag's read before its deletes)", check_pruned),
)


class Bench:
    """The emulator (20 ms latency) and the playbook runner of tests/bench/run.py, one job run at a time."""

    def __init__(self, workdir, seeds):
        self.workdir = workdir
        path = os.path.join(workdir, "org-seed.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(seeds["list"], handle)
        self.seeds = seeds
        self.emulator = single.Emulator(path)
        self.runner = single.Runner(workdir, self.emulator)

    def run(self, job, variant, size):
        self.emulator.control("POST", "reset", {"seed": self.seeds[job.seed]})
        self.emulator.control("POST", "latency", {"ms": LATENCY_MS})
        scenario = single.Scenario("org_%s" % job.key, job.title, "org_%s" % job.key, job.variables(size), None, "", None)
        seconds, process, tasks = self.runner.playbook(scenario, variant)
        total, by_method = single.count_requests(self.emulator.log())
        job.check(self.emulator, size)
        self.emulator.control("POST", "latency", {"ms": 0})
        return {"seconds": seconds, "process": process, "requests": total, "by_method": by_method, "tasks": len(tasks)}

    def stop(self):
        self.emulator.stop()


def fit(points):
    """Least-squares line ``(intercept, slope)`` through ``[(size, seconds)]`` (two or more sizes)."""
    count = float(len(points))
    mean_x = sum(x for x, _y in points) / count
    mean_y = sum(y for _x, y in points) / count
    spread = sum((x - mean_x) ** 2 for x, _y in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return mean_y - slope * mean_x, slope


def complete(results, sizes):
    """Every (job, variant, size) with a time: measured, or extrapolated from the measured sizes of that variant."""
    table = {}
    for job in JOBS:
        for variant in VARIANTS:
            measured = dict((size, row["seconds"]) for (key, var, size), row in results.items() if key == job.key and var == variant)
            line = fit(sorted(measured.items())) if len(measured) >= 2 else None
            for size in sizes:
                if size in measured:
                    table[(job.key, variant, size)] = (measured[size], False)
                elif line is not None:
                    table[(job.key, variant, size)] = (line[0] + line[1] * size, True)
    return table


def fmt(value):
    seconds, estimated = value
    return ("~%.0f" % seconds if seconds >= 100 else "~%.1f" % seconds) if estimated else "%.1f" % seconds


def section(results, sizes, info, load_before, load_after, wall):
    table = complete(results, sizes)
    top = max(sizes)
    lines = [MARK_BEGIN, "", "## Organization-wide jobs", "",
             "Written by `tests/bench/org_scale.py` (part of `make bench`). The emulator answers every API request "
             "after %d ms, like a registry across a network; each job is written three ways: **ours**, one task per "
             "phase with a list of repositories (the modules' `parallel` at its default, 8 requests in flight); the "
             "**loop**, the same job as a per-repository loop of the modules (one module run per repository, as "
             "before lists of repositories); and **uri**, `ansible.builtin.uri`. The prune selects with the "
             "`prune_plan` filter in ours and the loop, in Jinja in uri. Times are the wall time of the job's tasks, "
             "one run per point, in seconds; `~` marks a time extrapolated along the straight line through the "
             "measured sizes of that variant (a module run costs about the same for every repository), not measured."
             % LATENCY_MS, "",
             "- %s; ansible-core %s, Python %s; %s; load average %.2f before, %.2f after; %.0f s in all."
             % ("%s CPUs (%s)" % (info["cpus"], info["model"]), info["ansible_core"], info["python"], info["date"],
                load_before, load_after, wall), ""]
    lines.append("| job | variant | " + " | ".join("N = %d" % size for size in sizes) + " | requests at the largest N measured |")
    lines.append("| --- | --- | " + " | ".join("---:" for _size in sizes) + " | --- |")
    for job in JOBS:
        for variant in VARIANTS:
            cells = [fmt(table[(job.key, variant, size)]) if (job.key, variant, size) in table else "-" for size in sizes]
            measured = [size for size in sizes if (job.key, variant, size) in results]
            requests = "-"
            if measured:
                last = results[(job.key, variant, measured[-1])]
                requests = "%s at N = %d (%.1f per repository)" % (single.methods(last["by_method"]), measured[-1],
                                                                   last["requests"] / float(measured[-1]))
            lines.append("| %s | %s | %s | %s |" % (job.title, VARIANT_TITLES[variant], " | ".join(cells), requests))
    lines += ["", "![Wall time against the number of repositories](performance-org-scale.svg)", "",
              "### Targets at N = %d" % top, ""]
    lines.append("| job | ours s | loop s | loop / ours (target >= 20) | uri s | requests per repository, ours (target: the "
                 "single-repository job's) | met? |")
    lines.append("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    missed = []
    for job in JOBS:
        ours = table.get((job.key, "ours", top))
        loop = table.get((job.key, "loop", top))
        uri = table.get((job.key, "uri", top))
        row = results.get((job.key, "ours", top))
        per_repo = dict((method, count / float(top)) for method, count in row["by_method"].items()) if row else {}
        requests_met = per_repo == dict((method, float(count)) for method, count in job.per_repository.items())
        speedup = loop[0] / ours[0] if ours and loop else None
        met = requests_met and speedup is not None and speedup >= 20
        if job.key == "prune" and ours is not None and ours[0] >= 60:
            met = False
            missed.append("the %d-repository prune took %.1f s (target: under 60 s)" % (top, ours[0]))
        if speedup is not None and speedup < 20:
            missed.append("%s: %.1fx faster than the loop (target: 20x)" % (job.title, speedup))
        if not requests_met:
            missed.append("%s: %s per repository, the single-repository job sends %s" % (
                job.title, per_repo, job.per_repository))
        lines.append("| %s | %s | %s | %s%s | %s | %s (%s) | %s |" % (
            job.title, fmt(ours) if ours else "-", fmt(loop) if loop else "-",
            "%.0fx" % speedup if speedup else "-", " (loop extrapolated)" if loop and loop[1] else "",
            fmt(uri) if uri else "-", " + ".join("%g %s" % (count, method) for method, count in sorted(per_repo.items(), key=lambda kv: kv[0] != "GET")),
            job.rule, "yes" if met else "**no**"))
    lines += ["", "Missed: " + ("; ".join(missed) + "." if missed else "none in this run."), "",
              "Each job's state is checked after every run (every repository promoted; exactly the 10 oldest tags gone "
              "from each). The requests of ours are those of the single-repository job, repository by repository: "
              "a list only runs the repositories side by side. `make bench` runs these jobs after the single-repository "
              "scenarios; `python tests/bench/org_scale.py --full` also measures the loop and uri variants at every "
              "size (about two hours on 2 cores).", "", MARK_END]
    return "\n".join(lines), table


def write_section(path, text):
    with open(path, "r", encoding="utf-8") as handle:
        page = handle.read()
    pattern = re.compile(re.escape(MARK_BEGIN) + ".*?" + re.escape(MARK_END), re.S)
    if pattern.search(page):
        page = pattern.sub(lambda match: text, page)
    else:
        page = page.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)


def draw(table, sizes, path, python):
    """The chart, drawn by tests/bench/chart.py in the bench's own environment (matplotlib)."""
    data = {"sizes": sizes, "latency_ms": LATENCY_MS, "jobs": [], "variants": dict(VARIANT_TITLES)}
    for job in JOBS:
        series = {}
        for variant in VARIANTS:
            series[variant] = [[size, table[(job.key, variant, size)][0], table[(job.key, variant, size)][1]]
                               for size in sizes if (job.key, variant, size) in table]
        data["jobs"].append({"title": job.title, "series": series})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(data, handle)
    try:
        subprocess.run([python, os.path.join(HERE, "chart.py"), handle.name, path], check=True)
    finally:
        os.remove(handle.name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="10,50,200,500", help="numbers of repositories (default 10,50,200,500)")
    parser.add_argument("--loop-sizes", default="10,50", help="sizes at which the loop and uri variants run (default 10,50)")
    parser.add_argument("--full", action="store_true", help="run the loop and uri variants at every size")
    parser.add_argument("--jobs", default="list,promote,prune", help="jobs to run (default all)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"), help="page to update")
    parser.add_argument("--chart-python", default=os.environ.get("BENCH_CHART_PYTHON", os.path.join(ROOT, ".venv-bench", "bin", "python")),
                        help="the Python with matplotlib that draws the chart (default .venv-bench)")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    loop_sizes = sizes if args.full else sorted(int(size) for size in args.loop_sizes.split(","))
    wanted = args.jobs.split(",")
    jobs = [job for job in JOBS if job.key in wanted]

    progress = single.progress
    workdir = single.scratch_dir("org-")

    def stop(signum, frame):
        raise SystemExit("tests/bench/org_scale.py: stopped by signal %d" % signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    load_before = os.getloadavg()[0]
    started = time.time()
    bench = Bench(workdir, make_seeds(single.load_seed(), max(sizes)))
    results = {}
    try:
        info = single.machine(bench.runner)
        progress("organization-scale benchmarks at %d ms latency; sizes %s (loop and uri at %s); load %.2f"
                 % (LATENCY_MS, sizes, loop_sizes, load_before))
        for job in jobs:
            for size in sizes:
                for variant in VARIANTS:
                    if variant != "ours" and size not in loop_sizes:
                        continue
                    row = bench.run(job, variant, size)
                    results[(job.key, variant, size)] = row
                    progress("%-40s %-5s N=%3d  %8.2f s  %s" % (job.title, variant, size, row["seconds"],
                                                                single.methods(row["by_method"])))
    finally:
        bench.stop()
    load_after = os.getloadavg()[0]
    text, table = section(results, sizes, info, load_before, load_after, time.time() - started)
    progress("")
    progress(text)
    if not args.no_write:
        write_section(args.output, text)
        draw(table, sizes, CHART, args.chart_python)
        progress("\nwrote %s and %s" % (os.path.relpath(args.output, ROOT), os.path.relpath(CHART, ROOT)))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
