#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The quaytools.tags benchmark suite (``make bench``; not part of ``make test``).

Starts the Quay emulator with tests/bench/seed.json, runs every scenario with our modules ("ours") and with the
same job written with ansible.builtin.uri ("uri", the baseline), side by side, N times each, and prints a table:
requests sent (from the emulator's request log) and the median wall time of the scenario's tasks (measured by the
callback tests/bench/callback_plugins/bench_timer.py). Then it profiles the module path (payload size, process time,
import time, per-request cost, connection reuse) and the emulator, and writes docs/performance.md.

    python tests/bench/run.py [--runs 5] [--scenarios create,unchanged] [--no-write] [--output docs/performance.md]

Every figure comes from the run; nothing is hard-coded but the targets of the issue.
"""

from __future__ import absolute_import, division, print_function

import argparse
import datetime
import glob
import http.client
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

import many_tasks

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = os.path.join(HERE, "seed.json")
PLAYBOOK = os.path.join(HERE, "playbooks", "bench.yml")
EMULATOR = os.path.join(ROOT, "tests", "emulator", "quay_emulator.py")
UNTIMED = ("Setup", "Check")
TIMED_STATUSES = ("ok", "skipped", "failed", "ignored")


# ---------------------------------------------------------------------------------------------------------------------
# The emulator, driven through its control interface
# ---------------------------------------------------------------------------------------------------------------------

class Emulator:
    """tests/emulator/quay_emulator.py in its own process (as users run it), on a free loopback port."""

    def __init__(self, seed):
        self.process = subprocess.Popen([sys.executable, EMULATOR, "--seed", seed, "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator did not start: %s" % self.process.stderr.read())
        info = json.loads(line)
        self.url = info["url"]
        self.token = info["token"]
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port
        self._conn = None

    def request(self, method, path, body=None, token=None):
        """One request on a kept-alive connection; returns (status, parsed JSON or None)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self._conn.request(method, path, body=data, headers=headers)
                response = self._conn.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, OSError):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        return response.status, (json.loads(raw) if raw.strip() else None)

    def control(self, method, path, body=None):
        status, data = self.request(method, "/_emulator/" + path, body)
        if status != 200:
            raise RuntimeError("emulator control %s %s: HTTP %d %s" % (method, path, status, data))
        return data

    def reset(self):
        self.control("POST", "reset", {})

    def log(self):
        return self.control("GET", "log")

    def now(self):
        return self.control("GET", "clock")["now"]

    def repository(self, name):
        return self.control("GET", "repository/" + name)

    def stop(self):
        if self._conn is not None:
            self._conn.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def alive(dump):
    """{name: digest} of the alive tags in an /_emulator/repository dump."""
    return dict((row["name"], row["manifest"]) for row in dump["tags"] if row.get("alive") and not row.get("hidden"))


# ---------------------------------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------------------------------

class Scenario:
    """One job, written twice (tasks/<task>_ours.yml and tasks/<task>_uri.yml).

    ``requests_target``: the most requests our version may send (the issue's minimum for the operation), or None.
    ``ratio_target``: the most ours/uri wall-time ratio allowed, or None. ``check(emulator)`` raises when the
    emulator's state after a run is not what the job asks for (both versions must do the same job).
    """

    def __init__(self, key, title, task, variables, requests_target, requests_rule, ratio_target, check=None):
        self.key = key
        self.title = title
        self.task = task
        self.variables = variables
        self.requests_target = requests_target
        self.requests_rule = requests_rule
        self.ratio_target = ratio_target
        self.check = check

    def target_text(self):
        parts = []
        if self.requests_target is not None:
            parts.append("req <= %d (%s)" % (self.requests_target, self.requests_rule))
        if self.ratio_target is not None:
            parts.append("ratio <= %s" % ("%.2f" % self.ratio_target).rstrip("0").rstrip("."))
        return "; ".join(parts) or "-"


def load_seed():
    with open(SEED, "r", encoding="utf-8") as handle:
        return json.load(handle)


def scenarios(seed):
    app = seed["repositories"]["bench/app"]
    digests = [m["digest"] for m in app["manifests"]]
    by_name = dict((t["name"], t["manifest"]) for t in app["tags"])
    app_active = sum(1 for t in app["tags"] if t.get("end") is None)
    many = next(g for g in seed["generate"] if g["repository"] == "bench/many")
    big = next(g for g in seed["generate"] if g["repository"] == "bench/big")
    services = sorted(name for name in seed["repositories"] if name.startswith("bench/svc-"))
    svc_generated = dict((g["repository"], g["tags"]) for g in seed["generate"] if g["repository"] in services)
    delete_names = ["%s%05d" % (many["prefix"], index) for index in range(0, many["tags"], 5)][:100]
    promote_targets = ["stable", "prod", "release", "v1", "v2"]
    role_targets = ["stable", "prod"]
    keep_newest = 7

    def pages(rows):
        return int(math.ceil(rows / 100.0))

    def expect_tags(repository, wanted):
        def check(emulator):
            tags = alive(emulator.repository(repository))
            for name, digest in wanted.items():
                if tags.get(name) != digest:
                    raise AssertionError("%s: %s points at %s, expected %s" % (repository, name, tags.get(name), digest))
        return check

    def expect_gone(repository, names):
        def check(emulator):
            tags = alive(emulator.repository(repository))
            still = [name for name in names if name in tags]
            if still:
                raise AssertionError("%s: still active: %s" % (repository, ", ".join(still[:5])))
        return check

    def expect_expiration(repository, name, digest):
        def check(emulator):
            dump = emulator.repository(repository)
            row = next(r for r in dump["tags"] if r["name"] == name and r.get("alive") and not r.get("hidden"))
            if row["manifest"] != digest or row["end_ms"] is None:
                raise AssertionError("%s: %s is %s with end %s" % (repository, name, row["manifest"], row["end_ms"]))
        return check

    def check_roles_promote(emulator):
        for repository in services:
            tags = alive(emulator.repository(repository))
            for target in role_targets:
                if tags.get(target) != tags.get("candidate"):
                    raise AssertionError("%s: %s was not promoted" % (repository, target))

    def check_roles_prune(emulator):
        for repository in services:
            tags = alive(emulator.repository(repository))
            left = sorted(name for name in tags if name.startswith("ci-"))
            if len(left) != keep_newest:
                raise AssertionError("%s: %d ci- tags left, expected %d" % (repository, len(left), keep_newest))

    # Writes of the promotion: targets that are missing or point elsewhere.
    promote_writes = sum(1 for name in promote_targets if by_name.get(name) != by_name["candidate"])
    prune_deletes = sum(max(0, count - keep_newest) for count in svc_generated.values())
    svc_active = dict((name, len([t for t in seed["repositories"][name]["tags"] if t.get("end") is None]) + svc_generated[name])
                      for name in services)
    role_promote_requests = sum(2 * 1 + len(role_targets) for name in services)
    role_prune_requests = sum(pages(svc_active[name]) + min(svc_generated[name] - keep_newest, pages(svc_active[name]))
                              for name in services) + prune_deletes
    history_rows = big["tags"] + big["history"]

    common = {"bench_repository": "bench/app"}
    return [
        Scenario("create", "create one tag", "present",
                 dict(common, bench_tag="new-tag", bench_digest=digests[0]),
                 2, "1 GET + 1 PUT", 0.6, expect_tags("bench/app", {"new-tag": digests[0]})),
        Scenario("unchanged", "re-run unchanged", "present",
                 dict(common, bench_tag="stable", bench_digest=by_name["stable"]),
                 1, "1 GET", 1.0, expect_tags("bench/app", {"stable": by_name["stable"]})),
        Scenario("move", "move one tag", "present",
                 dict(common, bench_tag="stable", bench_digest=digests[1]),
                 2, "1 GET + 1 PUT", 0.6, expect_tags("bench/app", {"stable": digests[1]})),
        Scenario("expire", "set expiration", "expire",
                 dict(common, bench_tag="pr-1", bench_expiration=None),
                 2, "1 GET + 1 PUT", 0.6, expect_expiration("bench/app", "pr-1", by_name["pr-1"])),
        Scenario("move_expire", "move + set expiration", "move_expire",
                 dict(common, bench_tag="stable", bench_digest=digests[1], bench_expiration=None),
                 3, "1 GET + 2 PUT", 0.6, expect_expiration("bench/app", "stable", digests[1])),
        Scenario("delete", "delete one tag", "absent",
                 dict(common, bench_tags=["old-1"]),
                 2, "1 GET + 1 DELETE", 0.6, expect_gone("bench/app", ["old-1"])),
        Scenario("restore", "restore (undelete) one tag", "restore",
                 dict(common, bench_tag="gone"),
                 2, "1 GET + 1 POST", 0.6, expect_tags("bench/app", {"gone": by_name["gone"]})),
        Scenario("promote5", "promote 1 source to 5 targets", "promote",
                 dict(common, bench_source="candidate", bench_targets=promote_targets),
                 min(len(promote_targets) + 1, pages(app_active)) + promote_writes,
                 "min(6, ceil(%d/100)) GET + %d PUT" % (app_active, promote_writes), 0.6,
                 expect_tags("bench/app", dict((name, by_name["candidate"]) for name in promote_targets))),
        Scenario("delete100", "delete 100 tags (of %d)" % many["tags"], "absent",
                 dict(bench_repository="bench/many", bench_tags=delete_names),
                 min(len(delete_names), pages(many["tags"])) + len(delete_names),
                 "min(100, ceil(%d/100)) GET + 100 DELETE" % many["tags"], 0.05, expect_gone("bench/many", delete_names)),
        Scenario("list_active", "list %d active tags" % big["tags"], "list",
                 dict(bench_repository="bench/big", bench_only_active=True, bench_rows=big["tags"],
                      bench_pages=pages(big["tags"])),
                 pages(big["tags"]), "ceil(%d/100) GET" % big["tags"], None),
        Scenario("list_history", "list %d rows (full history)" % history_rows, "list",
                 dict(bench_repository="bench/big", bench_only_active=False, bench_rows=history_rows,
                      bench_pages=pages(history_rows)),
                 pages(history_rows), "ceil(%d/100) GET" % history_rows, None),
        Scenario("role_promote", "promote role, %d repos" % len(services), "role_promote",
                 dict(bench_repositories=services, bench_source="candidate", bench_targets=role_targets),
                 role_promote_requests, "2 quay_tag calls x 1 GET + %d PUT per repo" % len(role_targets), None,
                 check_roles_promote),
        Scenario("role_prune", "prune role, %d repos" % len(services), "role_prune",
                 dict(bench_repositories=services, bench_match=["ci-.*"], bench_keep_newest=keep_newest),
                 role_prune_requests, "per repo 1 GET list + 1 GET + 1 DELETE per tag", None, check_roles_prune),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Running playbooks
# ---------------------------------------------------------------------------------------------------------------------

def progress(text):
    """A line of the bench's progress, shown at once."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def scratch_dir(prefix):
    """A new working directory of one bench run under .tmp/bench (the caller removes it)."""
    scratch = os.path.join(ROOT, ".tmp", "bench")
    os.makedirs(scratch, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=scratch)


class Runner:
    def __init__(self, workdir, emulator, verbose=False):
        self.workdir = workdir
        self.emulator = emulator
        self.verbose = verbose
        self.ansible_playbook = self._find("ansible-playbook")
        collections = self.collections = os.path.join(workdir, "collections")
        link = os.path.join(collections, "ansible_collections", "quaytools", "tags")
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.islink(link):
            os.symlink(ROOT, link)
        home = os.path.join(workdir, "ansible-home")
        self.remote_tmp = os.path.join(workdir, "remote-tmp")
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith("ANSIBLE_"):
                del self.env[key]
        self.env.update({
            "ANSIBLE_COLLECTIONS_PATH": collections,
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_HOME": home,
            "ANSIBLE_LOCAL_TEMP": os.path.join(home, "tmp"),
            "ANSIBLE_REMOTE_TMP": self.remote_tmp,
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_CONFIG": os.path.join(workdir, "none.cfg"),
        })
        # An empty configuration, so that no ansible.cfg of the machine or the checkout changes what is measured.
        with open(self.env["ANSIBLE_CONFIG"], "w", encoding="utf-8") as handle:
            handle.write("[defaults]\n")
        self.env.pop("PYTHONPATH", None)

    @staticmethod
    def _find(name):
        candidate = os.path.join(os.path.dirname(sys.executable), name)
        if os.path.exists(candidate):
            return candidate
        found = shutil.which(name)
        if not found:
            raise RuntimeError("%s not found next to %s or on PATH" % (name, sys.executable))
        return found

    def version(self):
        out = subprocess.run([self.ansible_playbook, "--version"], env=self.env, capture_output=True, text=True, check=False).stdout
        match = re.search(r"core ([0-9][^\]\s]*)", out)
        return match.group(1) if match else out.splitlines()[0]

    def playbook(self, scenario, variant, keep_files=False, module_path=False):
        """Run one scenario once; returns (timed seconds, process seconds, tasks). ``module_path``: our modules run as
        modules (``quaytools_tags_fast_path: false``) instead of on the fast path."""
        variables = dict(scenario.variables, bench_url=self.emulator.url, bench_token=self.emulator.token,
                         bench_task=scenario.task, bench_variant=variant, ansible_python_interpreter=sys.executable)
        if module_path:
            variables["quaytools_tags_fast_path"] = False
        if "bench_expiration" in variables:
            variables["bench_expiration"] = int(self.emulator.now()) + 7 * 86400
        extra = os.path.join(self.workdir, "vars.json")
        with open(extra, "w", encoding="utf-8") as handle:
            json.dump(variables, handle)
        timings = os.path.join(self.workdir, "timings.json")
        if os.path.exists(timings):
            os.remove(timings)
        env = dict(self.env, QUAYTOOLS_BENCH_TIMINGS=timings)
        if keep_files:
            env["ANSIBLE_KEEP_REMOTE_FILES"] = "1"
        started = time.perf_counter()
        proc = subprocess.run([self.ansible_playbook, "-i", "localhost,", "-c", "local", "-e", "@" + extra, PLAYBOOK],
                              env=env, cwd=self.workdir, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError("%s (%s) failed with rc %d:\n%s\n%s" % (
                scenario.key, variant, proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:]))
        if self.verbose:
            sys.stderr.write(proc.stdout)
        with open(timings, "r", encoding="utf-8") as handle:
            tasks = json.load(handle)["tasks"]
        timed = [t for t in tasks if t["status"] in TIMED_STATUSES and not t["name"].startswith(UNTIMED)]
        return sum(t["seconds"] for t in timed), elapsed, timed


def count_requests(log):
    return sum(log["by_method"].values()), dict(log["by_method"])


def measure(runner, emulator, items, runs, progress):
    """Every scenario, ``runs`` times per variant, the variants alternating (ours first on even runs)."""
    results = {}
    for scenario in items:
        record = {"ours": [], "uri": []}
        for index in range(runs):
            order = ("ours", "uri") if index % 2 == 0 else ("uri", "ours")
            for variant in order:
                emulator.reset()
                seconds, process, tasks = runner.playbook(scenario, variant)
                total, by_method = count_requests(emulator.log())
                if scenario.check is not None:
                    scenario.check(emulator)
                record[variant].append({"seconds": seconds, "process": process, "requests": total,
                                        "by_method": by_method, "tasks": len(tasks)})
        results[scenario.key] = record
        row = summarise(scenario, record)
        progress("%-34s ours %4d req %7.3f s | uri %4d req %7.3f s | ratio %s" % (
            scenario.title, row["ours_requests"], row["ours_s"], row["uri_requests"], row["uri_s"], fmt_ratio(row["ratio"])))
    return results


def summarise(scenario, record):
    ours = record["ours"]
    uri = record["uri"]
    ours_s = statistics.median(r["seconds"] for r in ours)
    uri_s = statistics.median(r["seconds"] for r in uri)
    ours_req = sorted(r["requests"] for r in ours)
    uri_req = sorted(r["requests"] for r in uri)
    # Run i of ours and run i of uri ran one right after the other: the median of their ratios is steadier under a
    # changing machine load than the ratio of the two medians (both are reported).
    pairs = [o["seconds"] / u["seconds"] for o, u in zip(ours, uri) if u["seconds"] > 0]
    ratio = statistics.median(pairs) if pairs else None
    met_requests = scenario.requests_target is None or ours_req[-1] <= scenario.requests_target
    met_ratio = scenario.ratio_target is None or (ratio is not None and ratio <= scenario.ratio_target)

    def spread(rows):
        return max(r["seconds"] for r in rows) - min(r["seconds"] for r in rows)

    return {
        "key": scenario.key, "title": scenario.title,
        "ours_requests": ours_req[len(ours_req) // 2], "ours_requests_max": ours_req[-1],
        "ours_by_method": ours[0]["by_method"],
        "uri_requests": uri_req[len(uri_req) // 2], "uri_by_method": uri[0]["by_method"],
        "ours_s": ours_s, "uri_s": uri_s, "ours_spread": spread(ours), "uri_spread": spread(uri),
        "ratio": ratio, "ratio_of_medians": (ours_s / uri_s) if uri_s > 0 else None,
        "speedup": (uri_s / ours_s) if ours_s > 0 else None,
        "target": scenario.target_text(), "met_requests": met_requests, "met_ratio": met_ratio,
        "met": met_requests and met_ratio,
        "ours_tasks": ours[0]["tasks"], "uri_tasks": uri[0]["tasks"], "runs": len(ours),
    }


def fmt_ratio(ratio):
    return "-" if ratio is None else "%.2f" % ratio


def methods(by_method):
    return " + ".join("%d %s" % (count, method) for method, count in sorted(by_method.items(), key=lambda kv: kv[0] != "GET"))


# ---------------------------------------------------------------------------------------------------------------------
# Profiles: the module process, the client's per-request cost, the emulator
# ---------------------------------------------------------------------------------------------------------------------

def _child_run(argv, env=None):
    """Run a process; returns (wall seconds, CPU seconds of the child, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError("%s failed: %s %s" % (argv, proc.stdout[-2000:], proc.stderr[-2000:]))
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.stderr


IMPORT_WATCH = (
    "ansible.module_utils.basic",
    "requests",
    "ansible.module_utils.urls",
    "ansible_collections.quaytools.tags.plugins.module_utils._module",
    "ansible_collections.quaytools.tags.plugins.module_utils._client",
    "ansible_collections.quaytools.tags.plugins.module_utils._tag_state",
    "ansible_collections.quaytools.tags.plugins.module_utils._common",
)


def profile_modules(runner, emulator, unchanged, repeats):
    """The AnsiballZ payloads of the 'unchanged' scenario (quay_tag on the module path vs uri's GET), run directly
    ``repeats`` times."""
    shutil.rmtree(runner.remote_tmp, ignore_errors=True)
    emulator.reset()
    runner.playbook(unchanged, "ours", keep_files=True, module_path=True)
    runner.playbook(unchanged, "uri", keep_files=True)
    payloads = {}
    for path in sorted(glob.glob(os.path.join(runner.remote_tmp, "ansible-tmp-*", "AnsiballZ_*.py")), key=os.path.getmtime):
        with open(path, "r", encoding="utf-8") as handle:
            text = handle.read()
        if path.endswith("AnsiballZ_quay_tag.py") and "manifest_digest" in text:
            payloads["ours"] = path
        elif path.endswith("AnsiballZ_uri.py") and "specificTag=" in text:
            payloads["uri"] = path
    if set(payloads) != {"ours", "uri"}:
        raise RuntimeError("profile: AnsiballZ payloads not found under %s" % runner.remote_tmp)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    samples = {"ours": [], "uri": []}
    imports = {"ours": {}, "uri": {}}
    for index in range(repeats):
        for variant in (("ours", "uri") if index % 2 == 0 else ("uri", "ours")):
            wall, cpu, _stderr = _child_run([sys.executable, payloads[variant]], env)
            samples[variant].append((wall, cpu))
            _wall, _cpu, err = _child_run([sys.executable, "-X", "importtime", payloads[variant]], env)
            for line in err.splitlines():
                match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)$", line)
                if match and match.group(3) in IMPORT_WATCH:
                    imports[variant].setdefault(match.group(3), []).append(int(match.group(1)) / 1e6)
    out = {}
    for variant in ("ours", "uri"):
        out[variant] = {
            "payload_bytes": os.path.getsize(payloads[variant]),
            "wall": statistics.median(s[0] for s in samples[variant]),
            "cpu": statistics.median(s[1] for s in samples[variant]),
            "imports": dict((name, statistics.median(values)) for name, values in imports[variant].items()),
        }
    baseline = [sys.executable, "-c", "pass"]
    out["python"] = {"wall": statistics.median(_child_run(baseline, env)[0] for _repeat in range(repeats)),
                     "cpu": statistics.median(_child_run(baseline, env)[1] for _repeat in range(repeats))}
    out["instructions"] = count_instructions(payloads, env)
    return out


def _instructions(argv, env):
    """Instructions the process executes, counted by valgrind's callgrind (the same whatever the machine's load)."""
    proc = subprocess.run([shutil.which("valgrind"), "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                          env=env, capture_output=True, text=True, check=False)
    match = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not match:
        raise RuntimeError("valgrind %s failed: %s" % (argv, proc.stderr[-2000:]))
    return int(match.group(1))


def count_instructions(payloads, env):
    """Instructions of each payload, and of its imports one by one (from the payload's own files), or None."""
    if not shutil.which("valgrind"):
        return None
    env = dict(env, PYTHONDONTWRITEBYTECODE="1")
    out = {"python": _instructions([sys.executable, "-c", "pass"], env)}
    libs = {}
    for variant, path in payloads.items():
        out[variant] = _instructions([sys.executable, path], env)
        subprocess.run([sys.executable, path, "explode"], env=env, capture_output=True, check=True)
        libs[variant] = os.path.join(os.path.dirname(path), "debug_dir")

    def imports(variant, modules):
        code = "import sys; sys.path.insert(0, %r)\n%s" % (libs[variant], "\n".join("import " + name for name in modules))
        return _instructions([sys.executable, "-c", code], env)

    ours = "ansible_collections.quaytools.tags.plugins.module_utils."
    out["basic"] = imports("ours", ["ansible.module_utils.basic"])
    out["requests"] = imports("ours", ["ansible.module_utils.basic", "requests"])
    out["ours_utils"] = imports("ours", ["ansible.module_utils.basic", "requests", ours + "_module", ours + "_tag_state"])
    out["urls"] = imports("uri", ["ansible.module_utils.basic", "ansible.module_utils.urls"])
    return out


def profile_client(runner, emulator, count):
    """The collection's QuayClient against the emulator: per-request time and TCP connections opened."""
    if runner.collections not in sys.path:
        sys.path.insert(0, runner.collections)
    from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient  # pylint: disable=import-error

    emulator.reset()
    client = QuayClient(emulator.url, emulator.token)
    client.list_tags("bench/app", specific_tag="stable", only_active=True)
    times = []
    for _repeat in range(count):
        started = time.perf_counter()
        client.list_tags("bench/app", specific_tag="stable", only_active=True)
        times.append(time.perf_counter() - started)
    adapter = client.session.get_adapter(emulator.url)
    connections = sum(pool.num_connections for pool in adapter.poolmanager.pools._container.values())
    raw = []
    conn = http.client.HTTPConnection(emulator.host, emulator.port)
    path = "/api/v1/repository/bench/app/tag/?specificTag=stable&onlyActiveTags=true"
    for _repeat in range(count):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": "Bearer " + emulator.token, "Accept": "application/json"})
        json.loads(conn.getresponse().read())
        raw.append(time.perf_counter() - started)
    conn.close()
    return {"client": statistics.median(times), "raw": statistics.median(raw), "count": count + 1,
            "connections": connections}


def profile_reads(runner, emulator):
    """quay_tag's read_current against the emulator for typical and adversarial sets of names."""
    if runner.collections not in sys.path:
        sys.path.insert(0, runner.collections)
    from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient  # pylint: disable=import-error
    from ansible_collections.quaytools.tags.plugins.module_utils._tag_state import read_current  # pylint: disable=import-error

    cases = [
        ("one name", "bench/big", ["tag-05000"]),
        ("promotion: source and 5 targets", "bench/app", ["stable", "prod", "release", "v1", "v2", "candidate"]),
        ("100 names, every fifth", "bench/many", ["build-%05d" % n for n in range(0, 500, 5)]),
        ("the 50 oldest (a prune)", "bench/many", ["build-%05d" % n for n in range(50)]),
        ("100 consecutive names", "bench/big", ["tag-%05d" % n for n in range(1000, 1100)]),
        ("2 names that do not exist", "bench/big", ["new-a", "new-b"]),
        ("newest, oldest and middle", "bench/big", ["tag-09999", "tag-00000", "tag-05000"]),
        ("4 scattered names", "bench/big", ["tag-00007", "tag-03512", "tag-07777", "tag-09001"]),
    ]
    emulator.reset()
    client = QuayClient(emulator.url, emulator.token)
    out = []
    for label, repository, names in cases:
        active = sum(1 for row in emulator.repository(repository)["tags"] if row.get("alive") and not row.get("hidden"))
        emulator.control("DELETE", "log")
        read_current(client, repository, names, emulator.now())
        reads = count_requests(emulator.log())[0]
        bound = min(len(names), int(math.ceil(active / 100.0)))
        out.append({"case": label, "repository": repository, "names": len(names), "active": active, "bound": bound,
                    "reads": reads})
    return out


def reads_table(rows):
    lines = ["| names | repository (active tags) | N | bound min(N, ceil(active/100)) | reads | within? |",
             "| --- | --- | ---: | ---: | ---: | --- |"]
    for row in rows:
        within = "yes" if row["reads"] <= row["bound"] else "no (%.1fx)" % (row["reads"] / float(row["bound"]))
        lines.append("| %s | %s (%d) | %d | %d | %d | %s |" % (
            row["case"], row["repository"], row["active"], row["names"], row["bound"], row["reads"], within))
    return "\n".join(lines)


def profile_listing(runner, emulator):
    """Where quay_tag_info's time goes for the full history of bench/big, in one process: HTTP, rows, exit_json."""
    if runner.collections not in sys.path:
        sys.path.insert(0, runner.collections)
    import contextlib
    import io
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-error
    from ansible_collections.quaytools.tags.plugins.module_utils import _common  # pylint: disable=import-error
    from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient  # pylint: disable=import-error
    from ansible_collections.quaytools.tags.plugins.modules import quay_tag_info  # pylint: disable=import-error

    emulator.reset()
    params = {"repository": "bench/big", "only_active": False}
    client = QuayClient(emulator.url, emulator.token)
    started = time.perf_counter()
    rows = client.list_all_tags("bench/big", only_active=False, limit=100)
    fetched = time.perf_counter() - started
    now = time.time()
    started = time.perf_counter()
    for row in rows:
        _common.normalize_row(row, now)
    normalized = time.perf_counter() - started
    out = io.StringIO()
    args = dict(params, quay_host=emulator.url, quay_token=emulator.token)
    started = time.perf_counter()
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            quay_tag_info.main()
        except SystemExit:
            pass
    total = time.perf_counter() - started
    assert len(json.loads(out.getvalue())["tags"]) == len(rows)
    return {"rows": len(rows), "requests": client.requests_sent, "fetch": fetched, "normalize": normalized, "total": total,
            "output_bytes": len(out.getvalue())}


def profile_emulator(emulator, count):
    """Latency of a 100-row page of the 10,000-tag repository (active only and full history), keep-alive."""
    out = {}
    for label, query in (("active", "onlyActiveTags=true"), ("history", "onlyActiveTags=false")):
        conn = http.client.HTTPConnection(emulator.host, emulator.port)
        headers = {"Authorization": "Bearer " + emulator.token}
        times = []
        for index in range(count):
            page = 1 + (index * 37) % 100
            started = time.perf_counter()
            conn.request("GET", "/api/v1/repository/bench/big/tag/?%s&limit=100&page=%d" % (query, page), headers=headers)
            body = conn.getresponse().read()
            times.append(time.perf_counter() - started)
            if index == 0:
                assert len(json.loads(body)["tags"]) == 100
        conn.close()
        times.sort()
        out[label] = {"median": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "bytes": len(body)}
    return out


# ---------------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------------

def machine(runner):
    model = "unknown"
    try:
        with open("/proc/cpuinfo", "r", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", "r", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = "%.1f GiB" % (int(line.split()[1]) / 1024.0 / 1024.0)
                    break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    requests_version = subprocess.run([sys.executable, "-c", "import requests; print(requests.__version__)"],
                                      capture_output=True, text=True, check=False).stdout.strip() or "not installed"
    return {
        "cpus": nproc, "model": model, "memory": memory, "os": platform.platform(),
        "python": platform.python_version(), "ansible_core": runner.version(), "requests": requests_version,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def table(rows):
    lines = ["| scenario | ours req | ours median s | uri req | uri median s | ratio | target | met? |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for row in rows:
        lines.append("| %s | %d | %.3f | %d | %.3f | %s | %s | %s |" % (
            row["title"], row["ours_requests"], row["ours_s"], row["uri_requests"], row["uri_s"], fmt_ratio(row["ratio"]),
            row["target"], "yes" if row["met"] else "**no**"))
    return "\n".join(lines)


def console_table(rows):
    header = ("scenario", "ours req", "ours s", "uri req", "uri s", "ratio", "target", "met?")
    body = [(row["title"], str(row["ours_requests"]), "%.3f" % row["ours_s"], str(row["uri_requests"]), "%.3f" % row["uri_s"],
             fmt_ratio(row["ratio"]), row["target"], "yes" if row["met"] else "NO") for row in rows]
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(header))]
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)) for r in body)
    return "\n".join(out)


def details(rows):
    lines = ["| scenario | ours: requests by method, tasks | uri: requests by method, tasks | ours spread s | uri spread s "
             "| ratio of medians | uri/ours |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for row in rows:
        lines.append("| %s | %s; %d task(s) | %s; %d task(s) | %.3f | %.3f | %s | %s |" % (
            row["title"], methods(row["ours_by_method"]), row["ours_tasks"], methods(row["uri_by_method"]), row["uri_tasks"],
            row["ours_spread"], row["uri_spread"], fmt_ratio(row["ratio_of_medians"]),
            "%.1fx" % row["speedup"] if row["speedup"] else "-"))
    return "\n".join(lines)


def ms(seconds):
    return "%.1f ms" % (seconds * 1000.0)


def profile_text(mod, client, emu, listing):
    short = {
        "ansible.module_utils.basic": "ansible.module_utils.basic",
        "requests": "requests",
        "ansible.module_utils.urls": "ansible.module_utils.urls",
        "ansible_collections.quaytools.tags.plugins.module_utils._module": "our _module (with _client, requests)",
        "ansible_collections.quaytools.tags.plugins.module_utils._client": "our _client",
        "ansible_collections.quaytools.tags.plugins.module_utils._tag_state": "our _tag_state",
        "ansible_collections.quaytools.tags.plugins.module_utils._common": "our _common",
    }
    lines = [
        "| module process (one GET, run directly) | quay_tag | uri |",
        "| --- | ---: | ---: |",
        "| AnsiballZ payload | %d bytes | %d bytes |" % (mod["ours"]["payload_bytes"], mod["uri"]["payload_bytes"]),
        "| wall time, median | %s | %s |" % (ms(mod["ours"]["wall"]), ms(mod["uri"]["wall"])),
        "| CPU time (user + system), median | %s | %s |" % (ms(mod["ours"]["cpu"]), ms(mod["uri"]["cpu"])),
    ]
    for name in IMPORT_WATCH:
        ours = mod["ours"]["imports"].get(name)
        uri = mod["uri"]["imports"].get(name)
        if ours is None and uri is None:
            continue
        lines.append("| import %s (cumulative, `-X importtime`) | %s | %s |" % (
            short[name], ms(ours) if ours is not None else "not imported", ms(uri) if uri is not None else "not imported"))
    ins = mod.get("instructions")
    if ins:
        def mega(value):
            return "%d M" % round(value / 1e6)
        lines.append("")
        lines.append("Instructions executed (valgrind's callgrind; unlike times, these do not depend on the machine's load):")
        lines.append("")
        lines.append("| instructions | quay_tag | uri |")
        lines.append("| --- | ---: | ---: |")
        lines.append("| whole module process | **%s** | **%s** |" % (mega(ins["ours"]), mega(ins["uri"])))
        lines.append("| Python start-up (`python -c pass`) | %s | %s |" % (mega(ins["python"]), mega(ins["python"])))
        lines.append("| importing ansible.module_utils.basic | %s | %s |" % (
            mega(ins["basic"] - ins["python"]), mega(ins["basic"] - ins["python"])))
        lines.append("| importing requests / ansible.module_utils.urls | %s | %s |" % (
            mega(ins["requests"] - ins["basic"]), mega(ins["urls"] - ins["basic"])))
        lines.append("| importing our module_utils (`_module`, `_client`, `_tag_state`, `_common`) | %s | - |"
                     % mega(ins["ours_utils"] - ins["requests"]))
        lines.append("| the rest: payload unpacking, the module's own code, its request, its result | %s | %s |" % (
            mega(ins["ours"] - ins["ours_utils"]), mega(ins["uri"] - ins["urls"])))
        lines.append("")
        lines.append("(The imports are counted from each payload's own files, compiled from source as in a real run; "
                     "basic is counted once, from the quay_tag payload.)")
    lines.append("")
    lines.append("An empty `python -c pass` takes %s wall, %s CPU on this machine." % (
        ms(mod["python"]["wall"]), ms(mod["python"]["cpu"])))
    lines.append("")
    lines.append("Per request, in one process: `QuayClient.list_tags` (one tag) takes %s (median of %d); the same GET with "
                 "bare `http.client` on one kept-alive connection takes %s. The client opened %d TCP connection(s) for its "
                 "%d requests (keep-alive through one `requests.Session`)."
                 % (ms(client["client"]), client["count"] - 1, ms(client["raw"]), client["connections"], client["count"]))
    lines.append("")
    lines.append("Listing the full history of bench/big (%d rows, %d requests) with quay_tag_info in one process takes %.2f s: "
                 "%.2f s for the requests and their JSON, %.2f s to normalise the rows (dates, `active`), and %.2f s for the "
                 "rest, which is AnsibleModule's set-up and `exit_json`: it scrubs every returned string for no_log values "
                 "(the token) and serialises the %d bytes of the result."
                 % (listing["rows"], listing["requests"], listing["total"], listing["fetch"], listing["normalize"],
                    max(0.0, listing["total"] - listing["fetch"] - listing["normalize"]), listing["output_bytes"]))
    lines.append("")
    lines.append("Emulator: a 100-row page of the 10,000-tag repository takes %s (median; p95 %s; %d bytes) active only, "
                 "%s (p95 %s) in the full history, client-side over a kept-alive connection."
                 % (ms(emu["active"]["median"]), ms(emu["active"]["p95"]), emu["active"]["bytes"],
                    ms(emu["history"]["median"]), ms(emu["history"]["p95"])))
    return "\n".join(lines)


def load_note(info, load_before, load_after):
    """A warning under the per-task tables when other work loaded the machine during the run."""
    try:
        cpus = int(info["cpus"])
    except ValueError:
        cpus = os.cpu_count() or 1
    if max(load_before, load_after) <= cpus:
        return ""
    return ("This run shared the machine with other work (load average %.2f before the run, %.2f after, on %d CPUs): "
            "every wall time here is longer than on a quiet machine, the 50-task playbooks most, and the ratios, taken "
            "within each round, are the figures to read.\n\n" % (load_before, load_after, cpus))


def write_report(path, info, rows, mod, client, emu, listing, reads, runs, load_before, load_after, wall, many):
    template_path = os.path.join(HERE, "performance.md.in")
    with open(template_path, "r", encoding="utf-8") as handle:
        template = handle.read()
    missed = [row for row in rows if not row["met"]]
    if missed:
        missed_text = "\n".join("- %s: %s (ours %d requests, %.3f s; uri %d requests, %.3f s; ratio %s)." % (
            row["title"], "request count above target" if not row["met_requests"] else "ratio above target",
            row["ours_requests_max"], row["ours_s"], row["uri_requests"], row["uri_s"], fmt_ratio(row["ratio"]))
            for row in missed)
    else:
        missed_text = "None: every target of the table was met in this run."
    values = {
        "machine": "\n".join([
            "- CPUs (`nproc`): %s; model: %s" % (info["cpus"], info["model"]),
            "- memory: %s; OS: %s" % (info["memory"], info["os"]),
            "- Python %s, ansible-core %s, requests %s" % (info["python"], info["ansible_core"], info["requests"]),
            "- date: %s; load average (1 min) %.2f before the run, %.2f after; the run took %.0f s"
            % (info["date"], load_before, load_after, wall),
        ]),
        "runs": str(runs),
        "table": table(rows),
        "details": details(rows),
        "profile": profile_text(mod, client, emu, listing),
        "missed": missed_text,
        "reads": reads_table(reads),
        "load_note": load_note(info, load_before, load_after),
        "many": many["table"],
        "many_targets": many["targets"],
        "many_rounds": str(many["rounds"]),
        "breakdown": many["breakdown"],
    }
    # The organization-scale section belongs to tests/bench/org_scale.py: kept as it is on the page.
    values["org_scale"] = "<!-- org-scale:begin -->\n(run tests/bench/org_scale.py)\n<!-- org-scale:end -->"
    if os.path.exists(path):
        with open(path, "r", encoding="utf-8") as handle:
            kept = re.search(r"<!-- org-scale:begin -->.*?<!-- org-scale:end -->", handle.read(), re.S)
        if kept:
            values["org_scale"] = kept.group(0)
    text = template
    for key, value in values.items():
        text = text.replace("{{%s}}" % key, value)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")),
                        help="runs per scenario and variant (median; default 5, or $BENCH_RUNS)")
    parser.add_argument("--scenarios", help="comma-separated scenario keys (default: all)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"), help="report to write")
    parser.add_argument("--no-write", action="store_true", help="print the table only, write no report")
    parser.add_argument("--profile-repeats", type=int, default=15, help="runs of each module payload in the profile")
    parser.add_argument("--verbose", action="store_true", help="show the playbook output")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    seed = load_seed()
    items = scenarios(seed)
    if args.scenarios:
        wanted = args.scenarios.split(",")
        unknown = sorted(set(wanted) - set(s.key for s in items) - {"many"})
        if unknown:
            parser.error("unknown scenarios: %s (known: %s, many)" % (", ".join(unknown), ", ".join(s.key for s in items)))
        items = [s for s in items if s.key in wanted]
    partial = bool(args.scenarios)

    workdir = scratch_dir("run-")
    load_before = os.getloadavg()[0]
    started = time.time()

    def stop(signum, frame):
        raise SystemExit("tests/bench/run.py: stopped by signal %d" % signum)

    # A stopped run still stops its emulator and its playbook (subprocess.run kills the child on the way out).
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    emulator = Emulator(SEED)
    try:
        runner = Runner(workdir, emulator, verbose=args.verbose)
        info = machine(runner)
        progress("quaytools.tags benchmarks: %d run(s) per scenario and variant; emulator at %s; load %.2f"
                 % (args.runs, emulator.url, load_before))
        results = measure(runner, emulator, items, args.runs, progress)
        rows = [summarise(s, results[s.key]) for s in items]
        progress("")
        progress(console_table(rows))
        unchanged = next(s for s in scenarios(seed) if s.key == "unchanged")
        many = None
        if not args.scenarios or "many" in args.scenarios.split(","):
            many = many_tasks.summary(many_tasks.measure(runner, emulator, unchanged.variables["bench_digest"], args.runs,
                                                         progress))
            progress("")
            progress(many_tasks.table(many))
        mod = profile_modules(runner, emulator, unchanged, args.profile_repeats)
        client = profile_client(runner, emulator, 200)
        emu = profile_emulator(emulator, 200)
        listing = profile_listing(runner, emulator)
        reads = profile_reads(runner, emulator)
        progress("")
        progress(profile_text(mod, client, emu, listing))
        progress("")
        progress(reads_table(reads))
        if many is not None:
            emulator.reset()
            fast = many_tasks.profile_fast(runner.collections, emulator, unchanged.variables["bench_digest"], 200)
            many = {"table": many_tasks.table(many), "targets": many_tasks.targets_text(many), "rounds": many["rounds"],
                    "breakdown": many_tasks.breakdown(many, mod, client, fast)}
            progress("")
            progress(many["breakdown"])
            progress(many["targets"])
    finally:
        emulator.stop()
    load_after = os.getloadavg()[0]
    if not args.no_write and not partial:
        write_report(args.output, info, rows, mod, client, emu, listing, reads, args.runs, load_before, load_after, time.time() - started,
                     many)
        progress("\nwrote %s" % os.path.relpath(args.output, ROOT))
    elif partial and not args.no_write:
        progress("\n(a partial run does not write %s)" % os.path.relpath(args.output, ROOT))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
