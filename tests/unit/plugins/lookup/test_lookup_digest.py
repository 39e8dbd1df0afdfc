# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The quaytools.tags.digest lookup plugin: options from arguments and environment, errors, warnings, no token shown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleError

from ansible_collections.quaytools.tags.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.quaytools.tags.plugins.lookup import digest as plugin

TOKEN = "lookup-unit-token-0123456789abcdef"
D1 = "sha256:" + "1" * 64
ENV = ("QUAY_HOST", "QUAY_TOKEN", "QUAY_VALIDATE_CERTS", "QUAY_CA_PATH", "QUAY_TIMEOUT", "QUAY_RETRIES")


@pytest.fixture
def lookup(monkeypatch):
    """The plugin with its documented options registered, as Ansible's plugin loader does (docs + fragment merged)."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    options = dict(yaml.safe_load(ModuleDocFragment.PLUGINS)["options"])
    doc = yaml.safe_load(plugin.DOCUMENTATION)
    assert doc["extends_documentation_fragment"] == ["quaytools.tags.connection.plugins"]
    options.update(doc["options"])
    instance = plugin.LookupModule()
    instance._load_name = "quaytools.tags.digest"
    C.config.initialize_plugin_configuration_definitions("lookup", instance._load_name, options)
    warnings = []
    monkeypatch.setattr(plugin.display, "warning", warnings.append)
    instance.warnings = warnings
    return instance


def active(name, digest=D1):
    return {"tags": [{"name": name, "reversion": False, "start_ts": 1795905646, "manifest_digest": digest,
                      "is_manifest_list": False, "size": 58, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000"}],
            "page": 1, "has_additional": False}


def test_connection_from_the_environment(lookup, transport, monkeypatch):
    monkeypatch.setenv("QUAY_HOST", "quay.example.com")
    monkeypatch.setenv("QUAY_TOKEN", TOKEN)
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=active("stable"))
    assert lookup.run(["myorg/app:stable"], variables={}) == [D1]
    call = transport.calls[0]
    assert call.url.startswith("https://quay.example.com/api/v1/repository/myorg/app/tag/?")
    assert call.headers["Authorization"] == "Bearer " + TOKEN


def test_arguments_win_over_the_environment(lookup, transport, monkeypatch):
    monkeypatch.setenv("QUAY_HOST", "https://wrong.example.com")
    monkeypatch.setenv("QUAY_TOKEN", "wrong")
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=active("stable"))
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=active("v1"))
    got = lookup.run([["myorg/app:stable", "myorg/app:v1"]], variables={}, quay_host="http://quay.example.com",
                     quay_token=TOKEN)
    assert got == [D1, D1]
    assert all(call.url.startswith("http://quay.example.com/") for call in transport.calls)
    assert transport.calls[0].headers["Authorization"] == "Bearer " + TOKEN


@pytest.mark.parametrize("options, words", [
    ({}, "missing required connection option quay_host: set it as an argument of the lookup (quay_host=...), or in "
         "the QUAY_HOST environment variable"),
    ({"quay_host": "https://q.example.com"}, "missing required connection option quay_token"),
    ({"quay_host": "ftp://q", "quay_token": TOKEN}, "quay_host: 'ftp://q' has scheme ftp"),
    ({"quay_host": "https://q.example.com", "quay_token": TOKEN, "retries": 11}, "retries must be between 0 and 10"),
    ({"quay_host": "https://q.example.com", "quay_token": TOKEN, "timeout": 0}, "timeout must be a positive number"),
    ({"quay_host": "https://q.example.com", "quay_token": TOKEN, "ca_path": "/nonexistent/ca.pem"}, "ca_path: "),
    ({"quay_host": "https://q.example.com", "quay_token": TOKEN, "platform": "arm64"}, "platform: 'arm64' is not a platform"),
])
def test_bad_options_fail_before_any_request(lookup, transport, options, words):
    with pytest.raises(AnsibleError) as info:
        lookup.run(["myorg/app:stable"], variables={}, **options)
    assert words in str(info.value)
    assert str(info.value).startswith("quaytools.tags.digest: ")
    assert transport.calls == []


def test_bad_term_fails_before_any_request(lookup, transport):
    with pytest.raises(AnsibleError) as info:
        lookup.run(["myorg/app:stable", "myorg/app"], variables={}, quay_host="q.example.com", quay_token=TOKEN)
    assert "'myorg/app' has no tag" in str(info.value)
    assert transport.calls == []


def test_default_only_when_given(lookup, transport):
    empty = {"tags": [], "page": 1, "has_additional": False}
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=empty)
    assert lookup.run(["myorg/app:gone"], variables={}, quay_host="q.example.com", quay_token=TOKEN, default="") == [""]
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=empty)
    with pytest.raises(AnsibleError) as info:
        lookup.run(["myorg/app:gone"], variables={}, quay_host="q.example.com", quay_token=TOKEN)
    assert "tag gone is not active in myorg/app" in str(info.value)


def test_retries_are_warnings_and_the_token_never_shows(lookup, transport, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", status=502, body="bad gateway " + TOKEN)
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", status=403,
                     body={"error_message": "no " + TOKEN, "error_type": "insufficient_scope"})
    with pytest.raises(AnsibleError) as info:
        lookup.run(["myorg/app:stable"], variables={}, quay_host="q.example.com", quay_token=TOKEN, retries=1)
    assert "permission denied (HTTP 403)" in str(info.value)
    assert len(lookup.warnings) == 1 and "HTTP 502; retried" in lookup.warnings[0]
    assert TOKEN not in str(info.value) + " ".join(lookup.warnings)


def test_insecure_tls_is_a_warning(lookup, transport):
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=active("stable"))
    lookup.run(["myorg/app:stable"], variables={}, quay_host="q.example.com", quay_token=TOKEN, validate_certs=False)
    assert any("validate_certs is false" in warning for warning in lookup.warnings)
