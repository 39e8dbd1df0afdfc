# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's network latency (quayemu/latency.py) and its concurrent serving: requests that arrive together
wait together, so a client sending several at once gains from it as it would across a network."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import EMULATOR_DIR

from quayemu import latency

SEED = {
    "tokens": {"tok-admin": {"user": "acme", "scopes": ["repo:admin", "repo:write", "repo:read"]}},
    "namespaces": {"acme": {"owners": ["acme"]}},
    "repositories": {"acme/app": {"manifests": [{"digest": "sha256:" + "a" * 64}],
                                  "tags": [{"name": "latest", "manifest": "sha256:" + "a" * 64, "start": -60}]}},
}
LIST = "/api/v1/repository/acme/app/tag/"


def test_latency_control_and_bounds(make_emulator):
    emulator, client = make_emulator(SEED)
    assert client.get("/_emulator/latency", auth=None).json() == {"ms": 0}
    assert client.post("/_emulator/latency", {"ms": 20}, auth=None).json() == {"ms": 20}
    assert emulator.latency_ms == 20
    for bad in ({"ms": -1}, {"ms": "20"}, {"ms": True}, {"ms": 60001}, {}):
        answer = client.post("/_emulator/latency", bad, auth=None)
        assert answer.status_code == 400 and "latency" in answer.json()["error"]
    assert emulator.latency_ms == 20
    assert client.request("DELETE", "/_emulator/latency", auth=None).status_code == 404
    emulator.set_latency(0)
    assert client.get("/_emulator/latency", auth=None).json() == {"ms": 0}
    with pytest.raises(ValueError):
        emulator.set_latency(-5)


def test_api_requests_wait_and_control_requests_do_not(make_emulator):
    emulator, client = make_emulator(SEED, latency_ms=300)
    started = time.monotonic()
    assert client.get(LIST).status_code == 200
    assert time.monotonic() - started >= 0.29
    waited = []
    original = latency.wait

    def recording(emulator_):
        waited.append(emulator_.latency_ms)
        original(emulator_)

    latency.wait = recording
    try:
        client.get("/_emulator/log", auth=None)
        client.get("/_emulator/health", auth=None)
        assert waited == []
        emulator.add_faults({"method": "GET", "path": "tag/$", "status": 503})
        assert client.get(LIST).status_code == 503
        assert waited == [300.0]
    finally:
        latency.wait = original


def test_requests_that_arrive_together_are_served_together(make_emulator, monkeypatch):
    """Eight clients at once: every request must be waiting in its latency at the same moment, which a server that
    served one request at a time (or waited inside its lock) could never do: the barrier would break."""
    emulator, client = make_emulator(SEED, latency_ms=1)
    barrier = threading.Barrier(8, timeout=20)
    broken = []

    def together(emulator_):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            broken.append(True)

    monkeypatch.setattr(latency, "wait", together)
    statuses = []

    def one(number):
        session = requests.Session()
        try:
            method = "PUT" if number % 2 else "GET"
            path = LIST + ("t%d" % number if method == "PUT" else "")
            body = json.dumps({"manifest_digest": "sha256:" + "a" * 64}) if method == "PUT" else None
            answer = session.request(method, emulator.url + path, data=body, timeout=30,
                                     headers={"Authorization": "Bearer tok-admin", "Content-Type": "application/json"})
            statuses.append(answer.status_code)
        finally:
            session.close()

    threads = [threading.Thread(target=one, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert broken == []
    assert sorted(statuses) == [200] * 4 + [201] * 4
    assert emulator.log()["by_method"] == {"GET": 4, "PUT": 4}
    alive = [row for row in emulator.repository("acme/app")["tags"] if row["alive"] and not row["hidden"]]
    assert sorted(row["name"] for row in alive) == ["latest", "t1", "t3", "t5", "t7"]


def test_command_line_latency(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED))
    process = subprocess.Popen([sys.executable, os.path.join(EMULATOR_DIR, "quay_emulator.py"), "--seed", str(seed),
                                "--port", "0", "--latency-ms", "250"], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(process.stdout.readline())
        assert requests.get(info["url"] + "/_emulator/latency", timeout=10).json() == {"ms": 250}
        started = time.monotonic()
        answer = requests.get(info["url"] + LIST, headers={"Authorization": "Bearer tok-admin"}, timeout=10)
        assert answer.status_code == 200 and time.monotonic() - started >= 0.24
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    bad = subprocess.run([sys.executable, os.path.join(EMULATOR_DIR, "quay_emulator.py"), "--seed", str(seed),
                          "--latency-ms", "-3"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "latency must be between 0 and 60000 milliseconds" in bad.stderr
