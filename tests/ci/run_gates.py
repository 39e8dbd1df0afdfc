#!/usr/bin/env python
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the CI gates of quaytools.tags (``make test``, ``make matrix``) and summarise them.

Every gate is one step. A failed step does not stop the others. Steps run in parallel (``CI_JOBS``, default 3),
longest first, after the shared ``.venv`` is built. Each step's output goes to ``.tmp/ci-logs/<step>.log``;
the end of a failing step's log is printed. The last line is exactly ``ci: N passed, M failed``;
the exit status is 1 when any step failed.

usage: run_gates.py [STEP ...]     (no argument: every gate of ``make test``; ``--list``: show the steps)
"""

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CI = os.path.join(ROOT, "tests", "ci")
LOG_DIR = os.path.join(ROOT, ".tmp", "ci-logs")
TAIL_LINES = 80

# name: (command, CPU seconds measured on a fresh machine (2 cores); used to start the costly steps first)
# The 2.19 leg of the matrix is `unit` + `integration` (.venv has ansible-core 2.19), so it is not repeated.
STEPS = {
    "setup": (["make", "venv"], 60),
    "unit": (["make", "unit"], 30),
    "lint": (["make", "lint"], 45),
    "build": (["make", "build"], 30),
    "importer": (["make", "importer"], 50),
    "docs-lint": (["make", "docs-lint"], 20),
    "docs": (["make", "docs"], 60),
    "sanity": (["make", "sanity"], 230),
    "integration": (["make", "integration"], 250),
    "matrix-2.16": ([os.path.join(CI, "matrix.sh"), "leg", "2.16"], 300),
    "matrix-2.17": ([os.path.join(CI, "matrix.sh"), "leg", "2.17"], 300),
    "matrix-2.18": ([os.path.join(CI, "matrix.sh"), "leg", "2.18"], 300),
    "matrix-2.19": ([os.path.join(CI, "matrix.sh"), "leg", "2.19"], 250),
    "matrix-2.20": ([os.path.join(CI, "matrix.sh"), "leg", "2.20"], 300),
    # Measured: 145 CPU seconds with a warm pip cache (venv 8 s, units 13 s, integration the rest); a cold venv adds
    # about 35. The 2.20 leg does the same work on the same Python.
    "matrix-2.21": ([os.path.join(CI, "matrix.sh"), "leg", "2.21"], 180),
    "molecule": (["make", "molecule"], 190),
    "e2e": (["make", "e2e"], 310),
    "eda": (["make", "eda"], 40),
    "ee": (["make", "ee"], 15),
}
DEFAULT = [
    "unit", "lint", "build", "importer", "docs-lint", "docs", "sanity", "integration",
    "matrix-2.16", "matrix-2.17", "matrix-2.18", "matrix-2.20", "matrix-2.21", "molecule", "ee", "e2e", "eda",
]
SKIPPED = 75  # exit status of a step that found nothing it could run here (printed, counted neither way)


class Step:
    def __init__(self, name):
        self.name = name
        self.command, self.cost = STEPS[name]
        self.log = os.path.join(LOG_DIR, name + ".log")
        self.status = "not run"
        self.seconds = 0.0
        self.cpu = 0.0
        self.note = ""

    def run(self, env):
        start = time.monotonic()
        with open(self.log, "w") as log:
            log.write("$ %s\n" % " ".join(self.command))
            log.flush()
            process = subprocess.Popen(
                self.command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
            # wait4 gives the CPU time of this step's whole process tree (its waited-for descendants included),
            # a figure that does not depend on what else the machine is doing.
            dummy, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        self.seconds = time.monotonic() - start
        self.cpu = usage.ru_utime + usage.ru_stime
        returncode = process.returncode
        if returncode == 0:
            self.status = "passed"
        elif returncode == SKIPPED:
            self.status = "skipped"
            self.note = last_line(self.log)
        else:
            self.status = "failed"
            self.note = "exit %d, log %s" % (returncode, os.path.relpath(self.log, ROOT))
        return self


def last_line(path):
    with open(path, errors="replace") as handle:
        lines = [line.strip() for line in handle if line.strip()]
    return lines[-1] if lines else ""


def tail(path, count):
    with open(path, errors="replace") as handle:
        lines = handle.readlines()
    return "".join(lines[-count:])


def say(lock, message):
    with lock:
        print(message, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("steps", nargs="*", metavar="STEP", help="steps to run (default: %s)" % " ".join(DEFAULT))
    parser.add_argument("--list", action="store_true", help="list the steps and exit")
    args = parser.parse_args()
    if args.list:
        for name in STEPS:
            print("%-12s %s" % (name, " ".join(STEPS[name][0])))
        return 0
    unknown = sorted(set(args.steps) - set(STEPS) | set(args.steps) & {"setup"})
    if unknown:
        parser.error("unknown step(s): %s (see --list)" % ", ".join(unknown))

    os.makedirs(LOG_DIR, exist_ok=True)
    env = dict(os.environ)
    jobs = max(1, int(env.get("CI_JOBS", "3")))
    lock = threading.Lock()
    began = time.monotonic()

    # One serial step first: the shared .venv every other step uses (built once, not raced for).
    setup = Step("setup")
    say(lock, "--> setup (.venv from requirements-dev.txt)")
    setup.run(env)
    say(lock, "--> setup %s in %.0fs" % (setup.status, setup.seconds))

    steps = [Step(name) for name in (args.steps or DEFAULT)]
    if setup.status != "passed":
        for step in steps:
            step.status, step.note = "failed", "setup failed"
    else:
        queue = sorted(steps, key=lambda step: -step.cost)
        queue_lock = threading.Lock()

        def worker():
            while True:
                with queue_lock:
                    if not queue:
                        return
                    step = queue.pop(0)
                say(lock, "--> %s started" % step.name)
                step.run(env)
                say(lock, "--> %s %s in %.0fs" % (step.name, step.status, step.seconds))

        threads = [threading.Thread(target=worker) for dummy in range(min(jobs, len(steps)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    every = [setup] + steps
    for step in every:
        if step.status == "failed" and os.path.exists(step.log) and step.note != "setup failed":
            print("\n----- %s: last %d lines of %s -----" % (step.name, TAIL_LINES, os.path.relpath(step.log, ROOT)))
            print(tail(step.log, TAIL_LINES).rstrip())

    width = max(len(step.name) for step in every)
    row = "{0:<%d}  {1:<7}  {2:>8}  {3:>8}  {4}" % width
    print("\n" + row.format("step", "result", "wall s", "cpu s", "note"))
    for step in every:
        print(row.format(step.name, step.status, "%.1f" % step.seconds, "%.1f" % step.cpu, step.note).rstrip())
    print(row.format("total", "", "%.1f" % (time.monotonic() - began), "%.1f" % sum(step.cpu for step in every), "").rstrip())
    print("(wall: elapsed time of the step, steps overlap; cpu: user + system time of its processes; load average "
          "at the end: %s)" % " ".join("%.1f" % value for value in os.getloadavg()))
    for step in every:
        if step.status == "skipped":
            print("note: %s skipped: %s" % (step.name, step.note))
    if "matrix-2.19" not in [step.name for step in steps] and "integration" in [step.name for step in steps]:
        print("note: the ansible-core 2.19 leg of the matrix is `unit` + `integration` (.venv has 2.19)")

    passed = sum(step.status == "passed" for step in every)
    failed = sum(step.status == "failed" for step in every)
    print("ci: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if not shutil.which("make"):
        sys.exit("make is required")
    sys.exit(main())
