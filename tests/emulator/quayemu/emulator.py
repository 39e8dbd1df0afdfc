# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Emulator object: a QuayModel (app.py) behind the HTTP(S) server, with its lock, fault rules, request log and
the Python twin of every control request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import socket
import ssl
import threading
import traceback

from .app import QuayModel
from . import latency
from .control import control
from .faults import FaultRule, take_fault
from .responses import internal_error
from .server import Handler, Server

MAX_LOGGED_REQUESTS = 100000


class Emulator:
    """The emulator: a QuayModel behind a threaded HTTP(S) server, plus the control interface.

    ``Emulator(seed=dict_or_path).start()`` serves on ``url`` until ``stop()``. Every control request of the HTTP
    interface has a Python twin here (``reset``, ``log``, ``clear_log``, ``add_faults``, ``clear_faults``, ``faults``,
    ``set_config``, ``config``, ``repository``, ``set_clock``, ``advance_clock``, ``now``).
    """

    def __init__(self, seed=None, host="127.0.0.1", port=0, tls_cert=None, tls_key=None, verbose=False, latency_ms=0):
        self.latency_ms = latency.check(latency_ms)
        self.host = host
        self.port = port
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.verbose = verbose
        self.scheme = "https" if tls_cert else "http"
        self.lock = threading.RLock()
        self.model = QuayModel(seed, scheme=self.scheme)
        self.rules = []
        self.requests = []
        self.counts = {}
        self.by_method = {}
        self.url = None
        self.server = None
        self.thread = None

    # -- life cycle -----------------------------------------------------------------------------------------------------

    @property
    def token(self):
        """The first token of the seed (the one printed at start-up), or None."""
        tokens = list(self.model.state.tokens)
        return tokens[0] if tokens else None

    @property
    def tokens(self):
        """Every token of the current seed: {token: {"user": ..., "scopes": [...]}}."""
        return copy.deepcopy(self.model.state.tokens)

    def start(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server = Server((self.host, self.port), Handler, family)
        server.emulator = self
        if self.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls_cert, self.tls_key)
            server.ssl_context = context
        self.server = server
        self.port = server.server_address[1]
        shown_host = "[%s]" % self.host if family == socket.AF_INET6 else self.host
        self.url = "%s://%s:%d" % (self.scheme, shown_host, self.port)
        self.model.listen_hostname = "%s:%d" % (shown_host, self.port)
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="quay-emulator")
        self.thread.daemon = True
        self.thread.start()
        return self

    def stop(self):
        if self.server is None:
            return
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self.thread.join(5)
        self.server = None

    def __enter__(self):
        return self.start() if self.server is None else self

    def __exit__(self, *exc_info):
        self.stop()

    def info(self):
        return {"url": self.url, "token": self.token, "pid": os.getpid()}

    # -- API ------------------------------------------------------------------------------------------------------------

    def api(self, method, raw_path, query, headers, body):
        with self.lock:
            try:
                return self.model.handle(method, raw_path, query, headers, body)
            except Exception:  # a bug of the emulator: answer like a crashing server, and say why
                traceback.print_exc()
                return internal_error()

    def take_fault(self, method, raw_path, query):
        """The fault rule that fires for this request, if any (rules that are still skipping let it through)."""
        with self.lock:
            return take_fault(self.rules, method, raw_path, query)

    def record(self, method, raw_path, query, status, body, fault=None):
        logged_body = None
        if method not in ("GET", "HEAD") and body:
            try:
                logged_body = json.loads(body)
            except ValueError:
                logged_body = body.decode("utf-8", "replace")
        entry = {"method": method, "path": raw_path, "query": query, "status": status, "body": logged_body}
        if fault is not None:
            entry["fault"] = fault
        key = "%s %s" % (method, raw_path)
        with self.lock:
            self.requests.append(entry)
            if len(self.requests) > MAX_LOGGED_REQUESTS:
                del self.requests[0]
            self.counts[key] = self.counts.get(key, 0) + 1
            self.by_method[method] = self.by_method.get(method, 0) + 1

    # -- control (Python) -----------------------------------------------------------------------------------------------

    def reset(self, seed=None):
        with self.lock:
            self.model.reset(seed)
            self.rules = []
            self._clear_log()

    def log(self):
        with self.lock:
            return {"requests": copy.deepcopy(self.requests), "counts": dict(self.counts), "by_method": dict(self.by_method)}

    def _clear_log(self):
        self.requests = []
        self.counts = {}
        self.by_method = {}

    def clear_log(self):
        with self.lock:
            self._clear_log()

    def add_faults(self, rules):
        if isinstance(rules, dict):
            rules = [rules]
        parsed = [FaultRule(rule) for rule in rules]
        with self.lock:
            self.rules.extend(parsed)
            return len(self.rules)

    def clear_faults(self):
        with self.lock:
            self.rules = []

    def faults(self):
        with self.lock:
            return [rule.to_dict() for rule in self.rules]

    def set_config(self, **values):
        with self.lock:
            return self.model.set_config(values)

    @property
    def config(self):
        with self.lock:
            return dict(self.model.config)

    def repository(self, full_name):
        with self.lock:
            return self.model.repository_dump(full_name)

    def set_clock(self, epoch_s):
        with self.lock:
            return self.model.set_clock(epoch_s=epoch_s)

    def advance_clock(self, seconds):
        with self.lock:
            return self.model.set_clock(advance_s=seconds)

    def now(self):
        with self.lock:
            return self.model.now_ms() / 1000.0

    def set_latency(self, milliseconds):
        """Every later API request waits this long before it is handled (latency.py)."""
        self.latency_ms = latency.check(milliseconds)
        return self.latency_ms

    # -- control (HTTP) -------------------------------------------------------------------------------------------------

    def control(self, method, raw_path, query, body):
        """Answer one request under /_emulator/ (control.py)."""
        return control(self, method, raw_path, query, body)
