# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Routing quirks of a real Quay server (commit ffba0c70) that come from Flask and Werkzeug rather than from Quay's
API code: a slash after a tag name, doubled slashes, and OPTIONS.

Every path under /api that no API rule takes still matches Quay's web UI catch-all rule (GET only), so a GET there is
the UI's HTML 404 page and another method is Werkzeug's HTML 405. Doubled slashes are merged and answered with a 308
to the merged path. OPTIONS is answered before any check by an empty page that lists the methods of every rule the
path matches. tests/emulator/README.md (section Cosign sibling tags / Routing quirks) states each rule with the test that pins it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client

import pytest

S2R = "/api/v1/repository/devtable/schema2repo/tag/"
D1 = "sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af"
D2 = "sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5"
HOST = "http://127.0.0.1:8088"
HTML = "text/html; charset=utf-8"
WEB_METHODS = {"GET", "HEAD", "OPTIONS"}
WERKZEUG_405 = ("<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n"
                "<p>The method is not allowed for the requested URL.</p>\n")


def allow(response):
    """The Allow header as a set (Quay lists the methods in no fixed order)."""
    return set(method.strip() for method in response.headers["Allow"].split(","))


def latest_digest(quay):
    return quay.tags("devtable/schema2repo", specificTag="latest", onlyActiveTags="true")[0]["manifest_digest"]


# ---------------------------------------------------------------------------------------------------------------------
# A slash after the tag name: only the web UI's rule matches
# ---------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, body", [
    ("PUT", "latest/", {"manifest_digest": D2}),
    ("DELETE", "latest/", None),
    ("POST", "latest/", {"manifest_digest": D2}),
    ("PUT", "latest/restore/", {"manifest_digest": D2}),
    ("DELETE", "latest/restore/", None),
    ("POST", "latest/restore/", {"manifest_digest": D2}),
])
def test_a_write_to_a_tag_url_with_a_trailing_slash_is_an_html_405(quay, method, path, body):
    response = quay.request(method, S2R + path, json_body=body)
    assert (response.status_code, response.headers["Content-Type"], response.text) == (405, HTML, WERKZEUG_405)
    assert allow(response) == WEB_METHODS
    assert latest_digest(quay) == D1


@pytest.mark.parametrize("path", [S2R + "latest/", S2R + "latest/restore/", "/api/v1/nothing"])
def test_a_get_that_only_the_web_ui_takes_is_its_html_404_page(quay, path):
    response = quay.get(path)
    assert (response.status_code, response.headers["Content-Type"]) == (404, HTML)
    assert response.text.startswith("<!DOCTYPE html>\n") and "404 Not Found" not in response.text
    assert quay.get(path, auth=None).status_code == 404


def test_a_web_ui_404_has_no_body_on_head(quay):
    connection = http.client.HTTPConnection(quay.url.split("://")[1], timeout=10)
    try:
        connection.request("HEAD", S2R + "latest/")
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Type"), response.read()) == (404, HTML, b"")
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------------------------------
# Doubled slashes: a 308 to the merged path
# ---------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, query, target", [
    ("GET", "/api/v1/repository/devtable//schema2repo/tag/", "onlyActiveTags=true&limit=5", S2R),
    ("GET", "/api/v1/repository//devtable/schema2repo/tag/", "", S2R),
    ("PUT", "/api/v1/repository/devtable//schema2repo/tag/latest", "", S2R + "latest"),
    ("DELETE", "/api/v1//repository/devtable/schema2repo/tag/latest", "", S2R + "latest"),
    ("POST", "/api/v1/repository/devtable/schema2repo//tag/latest/restore", "", S2R + "latest/restore"),
    ("OPTIONS", "/api/v1/repository/devtable///schema2repo/tag/", "", S2R),
    # The merged listing URL lacks its slash: one redirect straight to the URL with it.
    ("GET", "/api/v1/repository/devtable//schema2repo/tag", "page=2", S2R),
])
def test_a_doubled_slash_is_a_308_to_the_merged_path(quay, method, path, query, target):
    body = {"manifest_digest": D2} if method in ("PUT", "POST") else None
    response = quay.request(method, path + ("?" + query if query else ""), json_body=body)
    location = HOST + target + ("?" + query if query else "")
    assert (response.status_code, response.headers["Content-Type"], response.headers["Location"]) == (308, HTML, location)
    assert 'href="%s"' % location.replace("&", "&amp;") in response.text
    assert latest_digest(quay) == D1  # nothing was applied


def test_a_client_that_follows_the_308_lands_on_the_merged_path(quay):
    quay.emulator.set_config(server_hostname=None)  # the redirect names the emulator's own port
    response = quay.put("/api/v1/repository/devtable//schema2repo/tag/latest", {"manifest_digest": D2}, allow_redirects=True)
    assert (response.status_code, response.json()) == (201, "Updated")
    assert latest_digest(quay) == D2


def test_a_doubled_slash_with_a_method_the_merged_path_refuses_is_an_html_405(quay):
    response = quay.request("PATCH", "/api/v1/repository/devtable//schema2repo/tag/latest", json_body={})
    assert (response.status_code, response.headers["Content-Type"], response.text) == (405, HTML, WERKZEUG_405)
    assert allow(response) == {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}


def test_leading_slashes_are_dropped_without_a_redirect(quay):
    response = quay.get("/" + S2R, params={"specificTag": "latest"})
    assert response.status_code == 200 and response.json()["tags"][0]["manifest_digest"] == D1


# ---------------------------------------------------------------------------------------------------------------------
# OPTIONS: an empty page with the path's methods, before any check
# ---------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, methods", [
    (S2R, WEB_METHODS),
    (S2R + "latest", {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}),
    (S2R + "latest/restore", {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}),
    ("/api/v1/repository/devtable/schema2repo", {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}),
    (S2R + "latest/", WEB_METHODS),
    ("/api/v1/nothing", WEB_METHODS),
])
@pytest.mark.parametrize("auth", ["admin", "read", None])
def test_options_is_an_empty_html_page_listing_the_methods_of_the_path(quay, path, methods, auth):
    response = quay.request("OPTIONS", path, auth=auth)
    assert (response.status_code, response.headers["Content-Type"], response.content) == (200, HTML, b"")
    assert allow(response) == methods


def test_options_is_answered_on_a_read_only_registry_and_a_missing_repository(quay):
    quay.emulator.set_config(registry_readonly=True)
    response = quay.request("OPTIONS", "/api/v1/repository/devtable/nosuchrepo/tag/latest", auth=None)
    assert (response.status_code, response.content) == (200, b"")
    assert allow(response) == {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}


def test_options_on_the_listing_url_without_its_slash_is_still_the_redirect(quay):
    response = quay.request("OPTIONS", S2R.rstrip("/"))
    assert (response.status_code, response.headers["Location"]) == (308, HOST + S2R)
