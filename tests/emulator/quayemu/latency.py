# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Network latency, so that the emulator on loopback can stand in for a registry across a network.

Every API request (never a control request) waits ``milliseconds`` before it is handled, in its own connection's
thread and outside the emulator's lock: requests that arrive together wait together, as they would on a network,
and a client that sends several at once gains from it. 0 (the default) adds nothing. Set with ``--latency-ms`` on the
command line, ``Emulator(latency_ms=...)``, ``emulator.set_latency(ms)`` or ``POST /_emulator/latency {"ms": N}``
(``GET`` reads it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from .responses import fr_json

# More than a minute per request is a mistake (a value in microseconds?), not a network.
MAX_LATENCY_MS = 60000


def check(milliseconds):
    """The latency as a float of milliseconds; ValueError for anything else."""
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, (int, float)):
        raise ValueError("latency must be a number of milliseconds, not %r" % (milliseconds,))
    if not 0 <= milliseconds <= MAX_LATENCY_MS:
        raise ValueError("latency must be between 0 and %d milliseconds, not %r" % (MAX_LATENCY_MS, milliseconds))
    return float(milliseconds)


def wait(emulator):
    """Called by the request handler before an API request is handled."""
    milliseconds = emulator.latency_ms
    if milliseconds:
        time.sleep(milliseconds / 1000.0)


def control(emulator, method, data):
    """``/_emulator/latency``: GET reads it, POST ``{"ms": N}`` sets it; both answer ``{"ms": N}``."""
    if method in ("GET", "HEAD"):
        return fr_json(200, {"ms": emulator.latency_ms})
    if method == "POST":
        if not isinstance(data, dict) or "ms" not in data:
            raise ValueError('the latency body must be {"ms": <milliseconds>}')
        emulator.set_latency(data["ms"])
        return fr_json(200, {"ms": emulator.latency_ms})
    return None
