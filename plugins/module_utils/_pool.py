# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Sharing one Quay connection between the workers of a multi-repository task.

:class:`RateGate` is consulted by every :class:`QuayClient` of the task before each request: it bounds the requests in
flight, and when Quay answers 429 (rate limited) it holds back *every* worker until the ``Retry-After`` has passed and
halves the number of requests in flight, so that one rate-limit answer does not become a burst of retries from the
other workers; the limit then grows back slowly (one more for every RECOVERY requests sent without another 429).

:class:`ClientPool` hands each worker its own client (its own request count and warnings) on one shared
``requests.Session``, so that the keep-alive connections are pooled and the proxy and CA settings of the environment are
read once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

try:
    from requests.adapters import HTTPAdapter
except ImportError:  # the modules fail with missing_required_lib before a pool is built
    HTTPAdapter = None

# Requests in flight at once when nothing says otherwise. Quay's bundled nginx, with FEATURE_RATE_LIMITS on, lets one
# client address burst 25 API requests over HTTP/1.1 before it answers 429 (then about 5 a second): 8 stays well under
# that burst with room for other jobs of the same address (the parallel option's documentation says the same).
DEFAULT_PARALLEL = 8
# The most requests a task may have in flight: far above any registry's burst, low enough for one process.
MAX_PARALLEL = 32
# After a 429 lowered the limit, it grows back by one for every this many requests sent without another 429.
RECOVERY = 20


def check_parallel(value):
    """The ``parallel`` option: an error message naming it, or None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PARALLEL:
        return ("parallel must be a whole number from 1 (one repository at a time) to %d, got %r"
                % (MAX_PARALLEL, value))
    return None


class RateGate:
    """How many requests of a task may be in flight, and until when they must all wait.

    ``enter()`` blocks while the pool is paused or full and returns a ticket (the episode the request was sent in);
    ``leave()`` frees the slot; ``throttle(seconds, ticket)`` pauses everyone for ``seconds`` and, once per episode,
    halves the limit (never below 1). Answers to requests sent before the last throttle belong to an episode that
    was already handled, so a burst of 429s for requests that were in flight together lowers the limit once. Every
    ``recovery`` requests sent without another 429 raise the limit by one, back up to the initial one.
    """

    def __init__(self, limit, clock=time.monotonic, recovery=RECOVERY):
        self.initial = max(1, int(limit))
        self.limit = self.initial
        self.lowest = self.initial
        self.recovery = recovery
        self.calm = 0
        self.in_flight = 0
        self.paused_until = 0.0
        self.episode = 0
        self.throttled = 0
        self.peak = 0
        self._clock = clock
        self._cond = threading.Condition()

    def enter(self):
        with self._cond:
            while True:
                wait = self.paused_until - self._clock()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                if self.in_flight >= self.limit:
                    self._cond.wait()
                    continue
                self.calm += 1
                if self.limit < self.initial and self.calm >= self.recovery:
                    self.limit += 1
                    self.calm = 0
                    self._cond.notify_all()
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                return self.episode

    def leave(self):
        with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def throttle(self, seconds, ticket=None):
        """Quay said 429: nobody sends for ``seconds``; the limit halves unless this episode already lowered it."""
        with self._cond:
            self.throttled += 1
            self.paused_until = max(self.paused_until, self._clock() + max(0.0, seconds))
            if ticket is None or ticket == self.episode:
                self.limit = max(1, self.limit // 2)
                self.lowest = min(self.lowest, self.limit)
                self.episode += 1
            self.calm = 0
            self._cond.notify_all()

    def summary(self):
        """What happened, for a warning: None when Quay never rate-limited the task."""
        if not self.throttled:
            return None
        return ("Quay rate-limited this task (HTTP 429) %d time(s): every worker paused for the Retry-After each time, and "
                "the requests in flight went down to %d (parallel is %d; %d at the end)"
                % (self.throttled, self.lowest, self.initial, self.limit))


class ClientPool:
    """Clients for the workers of one task, all on the session of ``template`` (a configured :class:`QuayClient`).

    The template itself sends nothing: each worker gets ``template.sibling(gate)``, which shares the session and the
    environment settings the template read, and counts its own requests and warnings.
    """

    def __init__(self, template, parallel):
        self.gate = RateGate(parallel)
        self.template = template
        session = template.session
        if HTTPAdapter is not None:
            adapter = session.get_adapter(template.base_url + "/")
            # requests keeps 10 connections per host by default: without more, the extra workers would open and drop a
            # connection per request. Only requests' own adapter is replaced (tests mount transports of their own).
            if isinstance(adapter, HTTPAdapter) and getattr(adapter, "_pool_maxsize", parallel) < parallel:
                session.mount(template.base_url + "/", HTTPAdapter(pool_connections=1, pool_maxsize=parallel,
                                                                   max_retries=adapter.max_retries))
        self._lock = threading.Lock()
        self.clients = []

    def client(self):
        client = self.template.sibling(gate=self.gate)
        with self._lock:
            self.clients.append(client)
        return client

    @property
    def requests_sent(self):
        with self._lock:
            return sum(client.requests_sent for client in self.clients)
