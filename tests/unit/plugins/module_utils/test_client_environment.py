# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client reads the proxy and CA bundle variables once per run, and sends what requests itself would send."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests
from requests.adapters import BaseAdapter

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient

HOST = "https://quay.example.com"
PATH = "/api/v1/repository/org/app/tag/"
VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
             "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


class Recorder(BaseAdapter):
    """Answers 200 with an empty tag list and records the settings each request was sent with."""

    def __init__(self):
        super(Recorder, self).__init__()
        self.sent = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.sent.append({"verify": verify, "proxies": dict(proxies or {}), "cert": cert,
                          "authorization": request.headers.get("Authorization")})
        response = requests.Response()
        response.status_code = 200
        response._content = b'{"tags": [], "page": 1, "has_additional": false}'
        response.headers["Content-Type"] = "application/json"
        response.encoding = "utf-8"
        response.request = request
        response.url = request.url
        return response

    def close(self):
        pass


def session_with(recorder):
    session = requests.Session()
    session.mount("https://", recorder)
    session.mount("http://", recorder)
    return session


def what_requests_sends(verify):
    """The settings a plain requests.Session (trust_env) gives the adapter for the same request."""
    recorder = Recorder()
    session = session_with(recorder)
    session.request("GET", HOST + PATH, params=[("limit", "100")], timeout=30, verify=verify, allow_redirects=False,
                    headers={"Authorization": "Bearer t"})
    return recorder.sent[0]


@pytest.mark.parametrize("environment", [
    {},
    {"HTTPS_PROXY": "http://proxy.example.com:3128"},
    {"https_proxy": "http://proxy.example.com:3128", "NO_PROXY": "quay.example.com"},
    {"HTTPS_PROXY": "http://proxy.example.com:3128", "no_proxy": ".example.com,localhost"},
    {"ALL_PROXY": "socks5://proxy.example.com:1080", "HTTP_PROXY": "http://other.example.com:8080"},
    {"REQUESTS_CA_BUNDLE": "/etc/ssl/private-ca.pem"},
    {"CURL_CA_BUNDLE": "/etc/ssl/curl-ca.pem", "HTTPS_PROXY": "http://proxy.example.com:3128"},
])
@pytest.mark.parametrize("validate_certs, ca_path", [(True, None), (True, "/etc/ssl/given.pem"), (False, None)])
def test_same_settings_as_requests(monkeypatch, environment, validate_certs, ca_path):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    recorder = Recorder()
    client = QuayClient(HOST, "t", validate_certs=validate_certs, ca_path=ca_path, session=session_with(recorder))
    client.list_tags("org/app", limit=100)
    client.list_tags("org/app", limit=100)
    expected = what_requests_sends(False if not validate_certs else (ca_path or True))
    assert recorder.sent[0] == expected
    assert recorder.sent[1] == expected


def test_environment_read_once_per_client(monkeypatch):
    calls = []
    real = requests.utils.get_environ_proxies

    def counting(url, no_proxy=None):
        calls.append(url)
        return real(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.utils, "get_environ_proxies", counting)
    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counting)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    recorder = Recorder()
    client = QuayClient(HOST, "t", session=session_with(recorder))
    for _attempt in range(5):
        client.list_tags("org/app")
    assert len(calls) == 1
    assert all(sent["proxies"] == {"https": "http://proxy.example.com:3128"} for sent in recorder.sent)


def test_session_without_trust_env_is_left_alone(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    recorder = Recorder()
    session = session_with(recorder)
    session.trust_env = False
    client = QuayClient(HOST, "t", session=session)
    client.list_tags("org/app")
    assert recorder.sent[0]["proxies"] == {} and recorder.sent[0]["verify"] is True
    assert session.trust_env is False
