# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rate gate and the client pool of multi-repository tasks: bounded requests in flight, a 429 that holds back every
worker and lowers the concurrency once, clients that share one session and what it read from the environment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest
import requests
from requests.adapters import HTTPAdapter

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient, QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._pool import (
    MAX_PARALLEL,
    ClientPool,
    RateGate,
    check_parallel,
)
from ansible_collections.quaytools.tags.tests.unit.conftest import FakeTransport
from ansible_collections.quaytools.tags.tests.unit.plugins.module_utils.test_client_environment import (
    VARIABLES,
    Recorder,
    session_with,
)

HOST = "https://quay.example.com"
EMPTY = {"tags": [], "page": 1, "has_additional": False}


def test_parallel_option_is_checked():
    assert check_parallel(1) is None and check_parallel(MAX_PARALLEL) is None
    for bad in (0, -1, MAX_PARALLEL + 1, True, "8", 2.5, None):
        message = check_parallel(bad)
        assert message.startswith("parallel must be a whole number from 1"), bad


def test_gate_bounds_the_requests_in_flight():
    gate = RateGate(3)
    seen = []
    lock = threading.Lock()
    current = [0]

    def worker():
        for _request in range(5):
            gate.enter()
            with lock:
                current[0] += 1
                seen.append(current[0])
            time.sleep(0.002)
            with lock:
                current[0] -= 1
            gate.leave()

    threads = [threading.Thread(target=worker) for _worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 40
    assert max(seen) <= 3 and gate.peak <= 3
    assert gate.in_flight == 0


def test_throttle_halves_the_limit_once_per_episode():
    gate = RateGate(8)
    first = gate.enter()
    second = gate.enter()
    gate.leave()
    gate.leave()
    # Two 429s for requests that were in flight together: one episode, one halving.
    gate.throttle(0, first)
    gate.throttle(0, second)
    assert gate.limit == 4 and gate.throttled == 2
    later = gate.enter()
    gate.leave()
    gate.throttle(0, later)
    assert gate.limit == 2
    for _episode in range(5):
        ticket = gate.enter()
        gate.leave()
        gate.throttle(0, ticket)
    assert gate.limit == 1
    assert gate.summary() == ("Quay rate-limited this task (HTTP 429) 8 time(s): every worker paused for the Retry-After "
                              "each time, and the requests in flight went down to 1 (parallel is 8; 1 at the end)")
    assert RateGate(4).summary() is None


def test_the_limit_grows_back_without_429s():
    gate = RateGate(8, recovery=3)
    ticket = gate.enter()
    gate.leave()
    gate.throttle(0, ticket)
    assert gate.limit == 4
    for _request in range(2):
        gate.enter()
        gate.leave()
    assert gate.limit == 4
    gate.enter()
    gate.leave()
    assert gate.limit == 5
    # A new 429 starts the count again.
    ticket = gate.enter()
    gate.leave()
    gate.throttle(0, ticket)
    assert gate.limit == 2
    for _request in range(30):
        gate.enter()
        gate.leave()
    assert gate.limit == 8 and gate.lowest == 2
    assert gate.summary().endswith("went down to 2 (parallel is 8; 8 at the end)")


def test_throttle_holds_back_every_worker():
    gate = RateGate(4)
    gate.throttle(0.3)
    started = []

    def worker():
        began = time.monotonic()
        gate.enter()
        started.append(time.monotonic() - began)
        gate.leave()

    threads = [threading.Thread(target=worker) for _worker in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(started) == 3
    assert min(started) >= 0.25


def script(*answers):
    """A FakeTransport answering in order with (status, body, headers)."""
    pending = list(answers)
    lock = threading.Lock()

    def handler(call):
        with lock:
            return pending.pop(0) if pending else (200, EMPTY, None)
    return FakeTransport(handler)


def client_on(transport, **kwargs):
    session = requests.Session()
    session.mount("https://", transport)
    return QuayClient(HOST, "t0ken-value", session=session, sleep=lambda seconds: None, **kwargs)


class RecordingGate(RateGate):
    """A gate that records what it is told, and pauses nobody (the pause itself is tested on RateGate)."""

    def __init__(self, limit):
        super(RecordingGate, self).__init__(limit)
        self.told = []

    def throttle(self, seconds, ticket=None):
        self.told.append((seconds, ticket))
        super(RecordingGate, self).throttle(0, ticket)


def test_a_429_tells_the_gate_with_its_retry_after():
    transport = script((429, {"message": "slow down"}, {"Retry-After": "7"}), (200, EMPTY, None))
    gate = RecordingGate(8)
    slept = []
    client = client_on(transport, gate=gate)
    client._sleep = slept.append
    client.list_tags("org/app")
    assert len(transport.calls) == 2
    assert gate.told == [(7.0, 0)] and slept == [7.0]
    assert gate.throttled == 1 and gate.limit == 4 and gate.in_flight == 0


def test_a_429_without_retry_after_pauses_for_the_backoff():
    transport = script((429, None, None), (429, None, None), (429, None, None))
    gate = RecordingGate(2)
    client = client_on(transport, gate=gate, retries=2, backoff=0.01)
    with pytest.raises(QuayError) as raised:
        client.list_tags("org/app")
    assert raised.value.kind == "rate_limit"
    # Three 429s of one worker, each sent after the previous throttle: three episodes, the limit floors at 1.
    assert gate.throttled == 3 and gate.limit == 1 and gate.in_flight == 0
    assert gate.told == [(0.01, 0), (0.01, 1), (0.01, 2)]


def test_other_failures_free_the_slot():
    def refuse(call):
        raise requests.exceptions.ConnectionError("Connection refused")

    transport = FakeTransport(refuse)
    gate = RateGate(1)
    client = client_on(transport, gate=gate, retries=1)
    with pytest.raises(QuayError):
        client.list_tags("org/app")
    assert gate.in_flight == 0 and gate.throttled == 0


def test_siblings_share_the_session_and_count_their_own_requests():
    transport = script()
    template = client_on(transport)
    pool = ClientPool(template, 4)
    first, second = pool.client(), pool.client()
    assert first.session is template.session is second.session
    assert first.gate is pool.gate is second.gate
    first.list_tags("org/a")
    second.list_tags("org/b")
    second.list_tags("org/c")
    assert (first.requests_sent, second.requests_sent, template.requests_sent) == (1, 2, 0)
    assert pool.requests_sent == 3
    assert all(call.headers["Authorization"] == "Bearer t0ken-value" for call in transport.calls)


def test_every_sibling_uses_the_proxy_of_the_environment(monkeypatch):
    # The first client turns the session's trust_env off once it has read the environment: a second client built on
    # the same session without sibling() would read nothing and send without the proxy.
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/private-ca.pem")
    recorder = Recorder()
    template = QuayClient(HOST, "t", session=session_with(recorder))
    pool = ClientPool(template, 4)
    for client in (pool.client(), pool.client(), pool.client()):
        client.list_tags("org/app")
    assert len(recorder.sent) == 3
    for sent in recorder.sent:
        assert sent["proxies"].get("https") == "http://proxy.example.com:3128"
        assert sent["verify"] == "/etc/ssl/private-ca.pem"
        assert sent["authorization"] == "Bearer t"
    naive = QuayClient(HOST, "t", session=template.session)
    naive.list_tags("org/app")
    assert recorder.sent[-1]["proxies"] == {}


def test_the_pool_keeps_a_connection_per_worker():
    template = QuayClient(HOST, "t")
    ClientPool(template, 24)
    adapter = template.session.get_adapter(HOST + "/")
    assert isinstance(adapter, HTTPAdapter) and adapter._pool_maxsize == 24
    small = QuayClient(HOST, "t")
    before = small.session.get_adapter(HOST + "/")
    ClientPool(small, 4)
    assert small.session.get_adapter(HOST + "/") is before
    fake = FakeTransport()
    scripted = client_on(fake)
    ClientPool(scripted, 24)
    assert scripted.session.get_adapter(HOST + "/") is fake
