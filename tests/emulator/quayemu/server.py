# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP(S) server: a threaded server that tracks its connections, and the handler that reads a request, applies
a fault rule if one fires, and writes the answer (control requests under /_emulator/ bypass faults).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import latency


class Server(ThreadingHTTPServer):
    """A threaded HTTP server (HTTPS when ``ssl_context`` is set) that can cut its open connections on stop."""

    daemon_threads = True
    allow_reuse_address = True
    emulator = None
    ssl_context = None

    def __init__(self, address, handler, family):
        self.address_family = family
        self.connections = set()
        self.connections_lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, address, handler)

    def finish_request(self, request, client_address):
        connection = request
        if self.ssl_context is not None:
            try:
                request.settimeout(30)
                connection = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self.connections_lock:
            self.connections.add(connection)
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            with self.connections_lock:
                self.connections.discard(connection)
            if connection is not request:
                try:
                    connection.close()
                except OSError:
                    pass

    def close_connections(self):
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.emulator is not None and self.emulator.verbose:
            ThreadingHTTPServer.handle_error(self, request, client_address)


class Handler(BaseHTTPRequestHandler):
    """One connection: reads each request, applies the fault that fires (if any), asks the emulator, answers."""

    protocol_version = "HTTP/1.1"
    server_version = "QuayEmulator/1.0"
    sys_version = ""
    timeout = 120
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.emulator.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):
        self._handle()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self):
        emulator = self.server.emulator
        method = self.command
        raw_path, dummy, query = self.path.partition("?")
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        if raw_path == "/_emulator" or raw_path.startswith("/_emulator/"):
            self._send(emulator.control(method, raw_path, query, body), method)
            return
        latency.wait(emulator)
        rule = emulator.take_fault(method, raw_path, query)
        if rule is not None and rule.delay > 0:
            time.sleep(rule.delay)
        if rule is not None and rule.action == "respond":
            emulator.record(method, raw_path, query, rule.status, body, fault="respond")
            self._send(rule.response(), method)
            return
        if rule is not None and rule.action == "drop":
            emulator.record(method, raw_path, query, None, body, fault="drop")
            self.close_connection = True
            return
        response = emulator.api(method, raw_path, query, self.headers, body)
        fault = rule.action if rule is not None else None
        emulator.record(method, raw_path, query, response.status, body, fault=fault)
        self._send(response, method, truncate=(fault == "truncate"))

    def _send(self, response, method, truncate=False):
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            if response.status != 204:
                self.send_header("Content-Length", str(len(response.body)))
            for key, value in response.headers:
                self.send_header(key, value)
            if response.close or truncate:
                self.send_header("Connection", "close")
                self.close_connection = True
            # Headers and body leave in one write (one TCP segment for small answers).
            self._headers_buffer.append(b"\r\n")
            if method != "HEAD" and response.status != 204:
                self._headers_buffer.append(response.body[:len(response.body) // 2] if truncate else response.body)
            self.flush_headers()
            self.wfile.flush()
        except OSError:
            self.close_connection = True
