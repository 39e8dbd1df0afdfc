# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The one HTTP client of the collection: the request and retry core of QuayClient over a requests.Session.

It never calls into Ansible: every failure is a :class:`QuayError` whose ``str()`` is the message
a person reads. The token is never part of a message, a warning or an exception.

The client's parts, one concern per file: _validators (the values sent, checked first), _errors (ERROR_KINDS,
QuayError, what a failed answer means), _paging (following a tag listing page by page), _tag_endpoints (the four tag
endpoints QuayClient inherits). Their names are importable from here too, as before the split.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import re
import time
import traceback
from email.utils import parsedate_tz, mktime_tz

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_VERSION = requests.__version__
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_VERSION = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.quaytools.tags.plugins.module_utils._errors import (
    ERROR_KINDS,
    QuayError,
    describe_http_error,
    is_readonly,
    parse_error_body,
)
from ansible_collections.quaytools.tags.plugins.module_utils._paging import PageGuard, follow_pages
from ansible_collections.quaytools.tags.plugins.module_utils._tag_endpoints import TagEndpoints
from ansible_collections.quaytools.tags.plugins.module_utils._validators import (
    DIGEST_LENGTHS,
    DIGEST_RE,
    FILTER_RE,
    NAMESPACE_RE,
    REPO_SEGMENT_RE,
    TAG_RE,
    UNSET,
    normalize_host,
    validate_digest,
    validate_filter,
    validate_repository,
    validate_tag_name,
)

# What ``from ..._client import X`` gives: the client, and the names of its parts every caller imported from here.
__all__ = (
    "COLLECTION_NAME", "COLLECTION_VERSION", "DIGEST_LENGTHS", "DIGEST_RE", "ERROR_KINDS", "FILTER_RE", "HAS_REQUESTS",
    "NAMESPACE_RE", "PageGuard", "QuayClient", "QuayError", "REPO_SEGMENT_RE", "REQUESTS_IMPORT_ERROR", "REQUESTS_VERSION",
    "TAG_RE", "UNSET", "follow_pages", "normalize_host", "parse_error_body", "validate_digest", "validate_filter",
    "validate_repository", "validate_tag_name",
)

COLLECTION_NAME = "quaytools.tags"
COLLECTION_VERSION = "1.0.0"

# Statuses worth another attempt. 503 is transient unless Quay says the repository or registry is read-only.
TRANSIENT_STATUSES = (429, 502, 503, 504)
# Answers of a proxy that may stand in front of a write Quay applied (429 and 503 mean it was not handled).
GATEWAY_STATUSES = (502, 504)
# Answers after which Quay may still be working on the write: the proxy stopped waiting for it.
GAVE_UP_STATUSES = (504,)
# OpenSSL's words for a TLS handshake answered by a plain-HTTP server.
PLAIN_HTTP_RE = re.compile(r"WRONG_VERSION_NUMBER|wrong version number|record layer failure|HTTP_REQUEST|http request", re.I)


def _retry_after_seconds(value, now=None):
    """``Retry-After`` in seconds: an integer or an HTTP-date. None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, mktime_tz(parsed) - (now if now is not None else time.time()))


class QuayClient(TagEndpoints):
    """Typed operations on Quay's tag API with retries for transient failures."""

    def __init__(self, host, token, validate_certs=True, ca_path=None, timeout=30, retries=3,
                 session=None, sleep=time.sleep, backoff=0.5, max_backoff=30.0, max_retry_after=120.0,
                 clock=time.monotonic, gate=None):
        self.base_url = normalize_host(host)
        self._token = token
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._session = session
        self._configured = False
        self._proxies = None
        self._env_ca_bundle = None
        self._sleep = sleep
        self._clock = clock
        self._server_config = None
        self.requests_sent = 0
        self.warnings = []
        # A multi-repository task's RateGate (module_utils/_pool.py): consulted before each request, told of each 429.
        self.gate = gate

    def sibling(self, gate=None):
        """A client for another worker of the same task: the same options, session (pooled keep-alive connections) and
        proxy and CA settings this client read from the environment, with its own request count and warnings."""
        session = self.session
        other = QuayClient(self.base_url, self._token, validate_certs=self.validate_certs, ca_path=self.ca_path,
                           timeout=self.timeout, retries=self.retries, session=session, sleep=self._sleep,
                           backoff=self.backoff, max_backoff=self.max_backoff, max_retry_after=self.max_retry_after,
                           clock=self._clock, gate=gate if gate is not None else self.gate)
        # The session is configured already (auth, trust_env off): what it read from the environment comes from here.
        other._proxies = self._proxies
        other._env_ca_bundle = self._env_ca_bundle
        other._configured = True
        return other

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def session(self):
        """The requests.Session of this run (created on first use, reused for every call: keep-alive)."""
        if not self._configured:
            if self._session is None:
                self._session = requests.Session()
            if self._token:
                # An auth callable (not just a header) keeps requests from replacing it with ~/.netrc credentials.
                self._session.auth = self._bearer
                if self._session.trust_env:
                    # With trust_env, requests reads the proxy variables (twice) and the CA bundle variables from the
                    # environment on every request. Every request goes to one host and the environment does not change
                    # during a run: read them once, as requests would, and pass them with each request.
                    self._proxies = requests.utils.get_environ_proxies(self.base_url + "/")
                    self._env_ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                    self._session.trust_env = False
            if not self.validate_certs:
                requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)
            self._configured = True
        return self._session

    def _bearer(self, request):
        request.headers["Authorization"] = "Bearer " + self._token
        return request

    def _headers(self, with_body):
        headers = {
            "Accept": "application/json",
            "User-Agent": "%s/%s (Ansible collection; python-requests/%s)" % (COLLECTION_NAME, COLLECTION_VERSION, REQUESTS_VERSION),
        }
        if with_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _verify(self):
        if not self.validate_certs:
            return False
        return self.ca_path or self._env_ca_bundle or True

    def _scrub(self, text):
        if text and self._token and self._token in text:
            text = text.replace(self._token, "********")
        return text

    def _fail(self, message, kind, method, path, status=None, server_message=None, attempts=1):
        return QuayError(self._scrub("%s (%s %s)" % (message, method, path)), kind, method=method, path=path,
                         status=status, server_message=self._scrub(server_message), attempts=attempts)

    def _wait(self, attempt, retry_after=None):
        if retry_after is not None:
            delay = min(retry_after, self.max_retry_after)
        else:
            delay = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
            delay = delay / 2 + random.uniform(0, delay / 2)
        self._sleep(delay)
        return delay

    def _already_applied(self, confirm, method, path, what, watch_until=None):
        """A write whose answer was lost, read back by ``confirm``: True, with a warning, when Quay applied it; False
        without ``confirm``, or when the change is not in place (the write is then sent again).

        ``watch_until`` (a ``clock()`` value) is for a write Quay may still be working on (the client or a proxy stopped
        waiting for it): the tag is read again, with growing pauses, until the change shows or that moment has passed.
        Otherwise the tag is read once. A failed read counts as "not in place"."""
        if confirm is None:
            return False
        pause = self.backoff
        while True:
            try:
                applied = bool(confirm())
            except QuayError:
                applied = False
            if applied:
                self.warnings.append(self._scrub("%s %s: %s; read back from Quay: the change is in place, not sent again" % (
                    method, path, what)))
                return True
            remaining = (watch_until - self._clock()) if watch_until is not None else 0
            if remaining <= 0:
                return False
            self._sleep(min(pause, remaining))
            pause = min(self.max_backoff, pause * 2)

    def _request(self, method, path, params=None, body=UNSET, expect=(200,), context=None, confirm=None):
        """One API call with retries. ``confirm`` (writes that add a history row: a move, a restore) reads the tag back
        before a write whose answer was lost is sent again; when the change is already in place, nothing is resent and
        None is returned. After a time-out (or a proxy's 504) Quay may still be working on the write, so the read-back
        watches for ``timeout`` more seconds before the write is sent again: a write Quay applies within twice
        ``timeout`` of sending it is not applied twice (one that takes longer still can be)."""
        url = self.base_url + path
        data = None if body is UNSET else json.dumps(body)
        headers = self._headers(body is not UNSET)
        attempt = 0
        outcome_unknown = False
        while True:
            attempt += 1
            self.requests_sent += 1
            ticket = self.gate.enter() if self.gate is not None else None
            try:
                try:
                    response = self.session.request(method, url, params=params, data=data, headers=headers,
                                                    proxies=self._proxies, timeout=self.timeout, verify=self._verify(),
                                                    allow_redirects=False)
                finally:
                    # The slot is free before any retry wait or read-back (which sends through the gate again).
                    if self.gate is not None:
                        self.gate.leave()
            except requests.exceptions.SSLError as exc:
                if PLAIN_HTTP_RE.search(str(exc)):
                    raise self._fail(
                        "%s does not speak TLS (%s): if this server serves plain HTTP, write http:// in quay_host "
                        "explicitly" % (self.base_url, self._short(exc)), "tls", method, path, attempts=attempt)
                raise self._fail(
                    "TLS verification failed for %s: %s. Give the CA bundle that signed Quay's certificate in ca_path "
                    "(or QUAY_CA_PATH), or set validate_certs: false for a test server" % (self.base_url, self._short(exc)),
                    "tls", method, path, attempts=attempt)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                sent = not isinstance(exc, requests.exceptions.ConnectTimeout)
                kind = "timeout" if isinstance(exc, requests.exceptions.Timeout) else "network"
                what = ("no answer within %s s" % self.timeout) if kind == "timeout" else self._short(exc)
                if method != "GET" and sent:
                    outcome_unknown = True
                watch_until = (self._clock() + self.timeout) if kind == "timeout" else None
                delay = self._wait(attempt) if attempt <= self.retries else None
                if outcome_unknown and self._already_applied(confirm, method, path, what, watch_until):
                    return None
                if delay is not None:
                    self.warnings.append(self._scrub("%s %s: %s; retried in %.1f s (attempt %d of %d)" % (
                        method, path, what, delay, attempt + 1, self.retries + 1)))
                    continue
                error = self._fail("could not reach Quay at %s after %d attempts: %s" % (self.base_url, attempt, what),
                                   kind, method, path, attempts=attempt)
                error.outcome_unknown = outcome_unknown
                raise error
            status = response.status_code
            if status in expect:
                response.attempts = attempt
                return response
            server_message, error_type = parse_error_body(response.text)
            transient = status in TRANSIENT_STATUSES and not is_readonly(status, server_message, response.text)
            if transient and method != "GET" and status in GATEWAY_STATUSES:
                # A proxy's 502/504: Quay may have applied the write behind it.
                outcome_unknown = True
            retry = transient and attempt <= self.retries
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            if status == 429 and self.gate is not None:
                # Every worker of the task waits, not only this one (before this one starts its own wait).
                self.gate.throttle(min(self.max_retry_after, retry_after if retry_after is not None else self.backoff), ticket)
            watch_until = (self._clock() + self.timeout) if status in GAVE_UP_STATUSES else None
            delay = self._wait(attempt, retry_after) if retry else None
            if transient and outcome_unknown and self._already_applied(confirm, method, path, "HTTP %d" % status, watch_until):
                return None
            if retry:
                self.warnings.append("%s %s: HTTP %d%s; retried in %.1f s (attempt %d of %d)" % (
                    method, path, status, " (rate limited)" if status == 429 else "", delay, attempt + 1, self.retries + 1))
                continue
            if method == "DELETE" and status == 404 and outcome_unknown:
                # An earlier attempt reached Quay and deleted the tag; its answer was lost.
                response.attempts = attempt
                return response
            message, kind = describe_http_error(method, status, server_message, error_type, response.headers.get("Location"),
                                                response.text, attempt, context or {})
            error = self._fail(message, kind, method, path, status, server_message, attempt)
            error.outcome_unknown = outcome_unknown
            raise error

    @staticmethod
    def _short(exc):
        text = str(exc)
        match = re.search(r"\[SSL: [^\]]+\][^'()\"]*", text)
        if match:
            return match.group(0).strip()
        match = re.search(r"(Read timed out|Connection refused|Connection reset by peer|Remote end closed connection without response|"
                          r"Name or service not known|(?:Connection broken: )?IncompleteRead\([^)]*\)|Connection broken[^'\")]*)", text)
        return match.group(1) if match else text[:200]

    def _json(self, response, method, path):
        try:
            data = json.loads(response.text)
        except ValueError:
            text = response.text or ""
            what = "an empty body" if not text.strip() else ("a truncated or non-JSON body (%d bytes)" % len(text))
            if "<html" in text.lower():
                what = parse_error_body(text)[0]
            raise self._fail("Quay answered HTTP %d with %s" % (response.status_code, what), "bad_response", method, path,
                             response.status_code, None, getattr(response, "attempts", 1))
        return data

    def get_json(self, path, params=None, context=None):
        """One GET of a read endpoint (retried like every call): its JSON object. ``context`` words the errors as for
        the tag endpoints (``repository``, ``scope``), and ``not_found`` is the message of a 404."""
        response = self._request("GET", path, params=params, context=context)
        data = self._json(response, "GET", path)
        if not isinstance(data, dict):
            raise self._fail("Quay answered HTTP 200 without a JSON object: is quay_host a Quay server?", "bad_response",
                             "GET", path, 200, None, getattr(response, "attempts", 1))
        return data

    def server_config(self):
        """Quay's ``GET /config`` (its public configuration and feature flags; no token needed), read once per client."""
        if self._server_config is None:
            self._server_config = self.get_json("/config", context={
                "not_found": "Quay's /config was not found (HTTP 404): is quay_host the address of the Quay server itself?"})
        return self._server_config

    # -- any other endpoint ----------------------------------------------------------------

    def request_json(self, method, path, params=None, body=UNSET, expect=(200,), context=None, confirm=None):
        """One call of any API endpoint, with the retries and error messages of the tag endpoints.

        Returns ``(status, data)``: ``data`` is the parsed JSON body, or None for an empty body, or None with status
        None when ``confirm`` found a write whose answer was lost already applied (see ``_request``).
        """
        response = self._request(method, path, params=params, body=body, expect=expect, context=context, confirm=confirm)
        if response is None:
            return None, None
        if not (response.text or "").strip():
            return response.status_code, None
        return response.status_code, self._json(response, method, path)
