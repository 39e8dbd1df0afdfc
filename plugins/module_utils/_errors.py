# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Errors: the kinds of failure (ERROR_KINDS, listed once), QuayError, Quay's error bodies, and what a failed answer
means for a person (``describe_http_error``). Nothing here sends a request; _client raises what this builds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

# Every ``kind`` a QuayError has, and so every value of ``error.kind`` a module returns (its RETURN lists these as the
# choices; tests/unit/plugins/modules/test_error_kinds.py keeps them equal): what failed, in words a playbook can test.
ERROR_KINDS = (
    "auth",  # HTTP 401, or a 403 about CSRF: the token is missing, invalid or expired
    "bad_request",  # HTTP 400, 415 and other 4xx Quay rejected
    "bad_response",  # an answer that is not what Quay sends (HTML, not JSON, a listing that does not advance)
    "immutable",  # HTTP 409: the tag is immutable
    "network",  # no connection (DNS, refused, reset)
    "not_found",  # HTTP 404: the repository, tag or manifest
    "permission",  # HTTP 403: the token lacks the scope or the repository does not exist
    "rate_limit",  # HTTP 429 after every retry
    "readonly",  # HTTP 503 of a registry or repository in read-only or mirror mode
    "redirect",  # HTTP 3xx: quay_host is not the API's address
    "server",  # HTTP 500 and other 5xx
    "timeout",  # no answer within the timeout
    "tls",  # the certificate could not be verified, or TLS spoken to a plain HTTP port
    "unavailable",  # HTTP 502, 503, 504 after every retry
)


class QuayError(Exception):
    """A failed Quay API call. ``str()`` is the message for people; attributes are for code (``kind``: ERROR_KINDS)."""

    def __init__(self, message, kind, method=None, path=None, status=None, server_message=None, attempts=1):
        if kind not in ERROR_KINDS:
            raise ValueError("QuayError kind %r is not one of ERROR_KINDS" % (kind,))
        super(QuayError, self).__init__(message)
        # True for a write that may have been applied: an attempt reached Quay and its answer was lost.
        self.outcome_unknown = False
        self.message = message
        self.kind = kind
        self.method = method
        self.path = path
        self.status = status
        self.server_message = server_message
        self.attempts = attempts

    def __str__(self):
        return self.message

    def to_result(self):
        """Facts about the failure that are safe to return (no headers, no token)."""
        return {"kind": self.kind, "status": self.status, "method": self.method, "path": self.path,
                "server_message": self.server_message, "attempts": self.attempts}


def parse_error_body(text):
    """Quay's message from any of its error shapes, whatever the Content-Type said.

    Returns ``(message, error_type)``; ``message`` is None for an empty body.
    """
    body = (text or "").strip()
    if not body:
        return None, None
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error_type = data.get("error_type")
        for key in ("error_message", "detail"):
            if isinstance(data.get(key), str) and data[key]:
                return data[key], error_type
        message = data.get("message")
        if isinstance(message, str) and message:
            return message, error_type
        if isinstance(message, dict) and message:
            return "; ".join("%s: %s" % (k, v) for k, v in sorted(message.items())), error_type
        if isinstance(data.get("error"), str):
            return data["error"], error_type
        return json.dumps(data, sort_keys=True)[:300], error_type
    if isinstance(data, str):
        return data, None
    if "<html" in body.lower() or "<!doctype" in body.lower():
        title = re.search(r"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
        heading = title.group(1).strip() if title else "no title"
        return "an HTML page (%s) instead of Quay's JSON: is quay_host pointing at a proxy or the web UI?" % heading[:120], "html"
    return "a non-JSON body: %s" % body[:200].replace("\n", " "), "not_json"


READONLY_MARKERS = ("read only or mirror mode", "is currently read-only", "is_readonly")


def is_readonly(status, server_message, text):
    """Whether a 503 is Quay's answer of a read-only registry or repository (not worth a retry)."""
    if status != 503:
        return False
    haystack = ("%s %s" % (server_message or "", text or "")).lower()
    return any(marker in haystack for marker in READONLY_MARKERS)


def describe_http_error(method, status, server_message, error_type, location, text, attempts, context):
    """What a failed answer means for a person, and its kind: ``(message, kind)``.

    ``location`` is the answer's Location header, ``text`` its body; ``context`` says what was asked (``op``,
    ``repository``, ``tag``, ``manifest_digest``, ``scope``, ``expected``, ``not_found``)."""
    repo = context.get("repository", "the repository")
    tag = context.get("tag")
    digest = context.get("manifest_digest")
    quoted = " Quay says: %s." % json.dumps(server_message) if server_message else ""
    if 300 <= status < 400:
        return ("Quay answered with a redirect (HTTP %d) to %s: check quay_host (scheme, host and any path prefix)"
                % (status, location or "an unknown location"), "redirect")
    if error_type == "html":
        # Quay's API errors are JSON (its {"error": ...} bodies sent as text/html too): an HTML page comes from a proxy,
        # the web UI, a wrong path prefix or a crashed worker, so a 401/403/404 then says nothing about the token
        # or the repository.
        retried = (" after %d attempts" % attempts) if attempts > 1 else ""
        return ("Quay (or a proxy in front of it) answered HTTP %d%s with %s" % (status, retried, server_message),
                "server" if status >= 500 else "bad_response")
    if status == 401 or (status == 403 and server_message and "csrf" in server_message.lower()):
        return ("authentication failed (HTTP %d): the token is missing, invalid or expired. Check quay_token "
                "(or QUAY_TOKEN); Quay's API accepts only OAuth Bearer tokens.%s" % (status, quoted),
                "auth")
    if status == 403:
        need = context.get("scope") or ("repo:read" if method == "GET" else "repo:write")
        return ("permission denied (HTTP 403): the token lacks %s permission on %s, or %s does not exist"
                % (need, repo, repo), "permission")
    if status == 404:
        return (not_found_message(context, repo, tag, digest), "not_found")
    if status == 409:
        return ("tag %s in %s is immutable (HTTP 409): clear it first with immutable: false (needs a repo:admin token)"
                ".%s" % (tag, repo, quoted), "immutable")
    if status == 503 and is_readonly(status, server_message, text):
        if "currently read-only" in (server_message or "").lower():
            message = "the Quay registry is in read-only mode (HTTP 503): every write is refused until it leaves it"
        else:
            message = "repository %s is in read-only or mirror mode (HTTP 503): Quay refuses tag changes there" % repo
        return (message + "." + quoted, "readonly")
    if status == 429:
        return ("rate limited by Quay (HTTP 429) after %d attempts: try again later or run fewer tasks at once"
                % attempts, "rate_limit")
    if status in (502, 503, 504):
        return ("Quay is unavailable (HTTP %d) after %d attempts.%s" % (status, attempts, quoted), "unavailable")
    if status >= 500:
        return ("Quay failed with a server error (HTTP %d).%s" % (status, quoted), "server")
    if status == 415:
        return ("Quay refused the request body (HTTP 415).%s" % quoted, "bad_request")
    if 200 <= status < 300:
        return ("Quay answered HTTP %d where %s was expected: is quay_host a Quay server?" % (
            status, context.get("expected", "another status")), "bad_response")
    return ("Quay rejected the request (HTTP %d).%s" % (status, quoted), "bad_request")


def not_found_message(context, repo, tag, digest):
    """The message of a 404, from what was asked."""
    if context.get("not_found"):
        return context["not_found"]
    op = context.get("op")
    if op == "list":
        return "repository %s not found (HTTP 404)" % repo
    if op == "change" and digest:
        return ("repository %s or manifest %s not found (HTTP 404): Quay points a tag only at a manifest that an active tag "
                "(or an active manifest list) of the repository references; for a manifest that only the tag history "
                "references, use quaytools.tags.quay_tag_restore" % (repo, digest))
    if op == "change":
        return "tag %s is not active in %s (HTTP 404): Quay changes expiration and immutability only on active tags" % (tag, repo)
    if op == "delete":
        return "tag %s not found in %s (HTTP 404): it is not active (deleted or expired meanwhile)" % (tag, repo)
    if op == "restore":
        return ("manifest %s not found in %s (HTTP 404): Quay no longer has it (garbage-collected after the namespace's "
                "time-machine window) or the repository does not exist" % (digest, repo))
    return "not found (HTTP 404)"
