# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared unit-test fixtures: a scripted HTTP transport for requests, and a runner for module main()."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ansible.module_utils.common.text.converters import to_bytes

TOKEN = "unit-test-token-0123456789abcdefghijklmnop"
HOST = "https://quay.example.com"


class Call:
    """One request the fake transport saw."""

    def __init__(self, request):
        parts = urlsplit(request.url)
        self.method = request.method
        self.url = request.url
        self.path = parts.path
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.headers = dict(request.headers)
        body = request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        self.raw_body = body
        self.body = json.loads(body) if body else None

    def __repr__(self):
        return "%s %s %s %s" % (self.method, self.path, self.query or "", self.raw_body or "")


class FakeTransport(BaseAdapter):
    """A requests adapter answering from a handler or a script, recording every call.

    ``handler(call)`` returns ``(status, body, headers)`` or raises a requests exception.
    ``body`` may be a dict/list/str (sent as JSON), bytes (sent as is) or None.
    """

    def __init__(self, handler=None):
        super(FakeTransport, self).__init__()
        self.handler = handler
        self.script = []
        self.calls = []

    def expect(self, method, path, status=200, body=None, headers=None, raises=None):
        self.script.append((method, path, status, body, headers, raises))
        return self

    def send(self, request, **kwargs):
        call = Call(request)
        self.calls.append(call)
        if self.handler is not None:
            result = self.handler(call)
        else:
            if not self.script:
                raise AssertionError("unexpected request %r" % call)
            method, path, status, body, headers, raises = self.script.pop(0)
            assert call.method == method, "expected %s %s, got %r" % (method, path, call)
            assert re.fullmatch(path, call.path), "expected %s %s, got %r" % (method, path, call)
            if raises is not None:
                raise raises
            result = (status, body, headers)
        return self._response(request, *result)

    @staticmethod
    def _response(request, status, body=None, headers=None):
        response = requests.Response()
        response.status_code = status
        response.request = request
        response.url = request.url
        if body is None:
            content = b""
        elif isinstance(body, bytes):
            content = body
        else:
            content = json.dumps(body).encode("utf-8")
        response._content = content
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.headers.update(headers or {})
        response.encoding = "utf-8"
        return response

    def close(self):
        pass

    @property
    def writes(self):
        return [c for c in self.calls if c.method != "GET"]


@pytest.fixture
def transport(monkeypatch):
    """Route every requests.Session the collection creates through one FakeTransport."""
    fake = FakeTransport()
    real_session = requests.Session

    def make_session():
        session = real_session()
        session.mount("https://", fake)
        session.mount("http://", fake)
        return session

    monkeypatch.setattr(requests, "Session", make_session)
    return fake


@contextlib.contextmanager
def module_args(args):
    """Set the arguments a module's main() reads (ansible-core 2.19 helper, or the older global)."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        patch_module_args = None
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    from ansible.module_utils import basic
    old = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = old


@pytest.fixture
def run_module(capsys, monkeypatch):
    """Run a module's real main() with args; return its result dict (``failed`` set on failure)."""
    for name in ("QUAY_HOST", "QUAY_TOKEN", "QUAY_VALIDATE_CERTS", "QUAY_CA_PATH", "QUAY_TIMEOUT", "QUAY_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    # Inside pytest ansible-core may route module warnings to the controller's display; record them instead.
    from ansible.module_utils.basic import AnsibleModule
    recorded = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, warning, *a, **kw: recorded.append(warning))

    def run(main, args, check_mode=False, diff=False, connection=True):
        full = dict(args)
        if connection:
            full.setdefault("quay_host", HOST)
            full.setdefault("quay_token", TOKEN)
        if check_mode:
            full["_ansible_check_mode"] = True
        if diff:
            full["_ansible_diff"] = True
        with module_args(full):
            with pytest.raises(SystemExit):
                main()
        out = capsys.readouterr().out
        result = json.loads(out)
        if recorded:
            result["warnings"] = list(recorded)
        del recorded[:]
        return result

    return run
