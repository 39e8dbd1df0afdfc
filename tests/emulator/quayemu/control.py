# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The control interface under /_emulator/ (health, reset, log, faults, config, clock, repository dumps).

Each request calls the Python twin on the Emulator object (emulator.py); the interface is documented in
docs/developing.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from urllib.parse import unquote

from . import latency
from .responses import fr_json


def control(emulator, method, raw_path, query, body):
    """Answer a control request: a JSON body (or none) in, a JSON answer out; a bad request is a 400 naming why."""
    path = unquote(raw_path, errors="replace")
    try:
        data = json.loads(body) if body.strip() else {}
    except ValueError:
        return fr_json(400, {"error": "the body is not JSON"})
    try:
        return answer(emulator, method, path, data)
    except (ValueError, TypeError, re.error) as error:
        return fr_json(400, {"error": str(error)})


def answer(emulator, method, path, data):
    """The control request ``method path`` with the parsed body ``data``."""
    if path == "/_emulator/health" and method in ("GET", "HEAD"):
        return fr_json(200, {"ok": True})
    if path == "/_emulator/reset" and method == "POST":
        emulator.reset(data.get("seed") if isinstance(data, dict) else None)
        return fr_json(200, {"ok": True})
    if path == "/_emulator/log":
        if method in ("GET", "HEAD"):
            return fr_json(200, emulator.log())
        if method == "DELETE":
            emulator.clear_log()
            return fr_json(200, {"ok": True})
    if path == "/_emulator/faults":
        if method in ("GET", "HEAD"):
            return fr_json(200, {"faults": emulator.faults()})
        if method == "POST":
            return fr_json(200, {"ok": True, "rules": emulator.add_faults(data)})
        if method == "DELETE":
            emulator.clear_faults()
            return fr_json(200, {"ok": True})
    if path == "/_emulator/config":
        if method in ("GET", "HEAD"):
            return fr_json(200, emulator.config)
        if method == "POST":
            if not isinstance(data, dict):
                raise ValueError("the config body must be a JSON object")
            return fr_json(200, emulator.set_config(**data))
    if path == "/_emulator/clock":
        if method in ("GET", "HEAD"):
            return fr_json(200, {"now": emulator.now()})
        if method == "POST":
            if not isinstance(data, dict):
                raise ValueError("the clock body must be a JSON object")
            if data.get("set") is not None:
                emulator.set_clock(float(data["set"]))
            if data.get("advance") is not None:
                emulator.advance_clock(float(data["advance"]))
            return fr_json(200, {"now": emulator.now()})
    if path == "/_emulator/latency":
        answered = latency.control(emulator, method, data)
        if answered is not None:
            return answered
    if path.startswith("/_emulator/repository/") and method in ("GET", "HEAD"):
        dump = emulator.repository(path[len("/_emulator/repository/"):])
        if dump is None:
            return fr_json(404, {"error": "no such repository"})
        return fr_json(200, dump)
    return fr_json(404, {"error": "unknown control request %s %s" % (method, path)})
