# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The one HTTP client of the collection: Quay's four tag endpoints over a requests.Session.

It never calls into Ansible: every failure is a :class:`QuayError` whose ``str()`` is the message
a person reads. The token is never part of a message, a warning or an exception.
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

COLLECTION_NAME = "quaytools.tags"
COLLECTION_VERSION = "1.0.0"

TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
NAMESPACE_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*\Z")
REPO_SEGMENT_RE = re.compile(r"^[a-z0-9][.a-z0-9_-]*\Z")
DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
DIGEST_RE = re.compile(r"^([a-z0-9]+):([a-f0-9]+)\Z")
FILTER_RE = re.compile(r"^(like|eq):([A-Za-z0-9_.%-]{1,128})\Z")

UNSET = object()

# Statuses worth another attempt. 503 is transient unless Quay says the repository or registry is read-only.
TRANSIENT_STATUSES = (429, 502, 503, 504)
# Answers of a proxy that may stand in front of a write Quay applied (429 and 503 mean it was not handled).
GATEWAY_STATUSES = (502, 504)
# Answers after which Quay may still be working on the write: the proxy stopped waiting for it.
GAVE_UP_STATUSES = (504,)
READONLY_MARKERS = ("read only or mirror mode", "is currently read-only", "is_readonly")
# OpenSSL's words for a TLS handshake answered by a plain-HTTP server.
PLAIN_HTTP_RE = re.compile(r"WRONG_VERSION_NUMBER|wrong version number|record layer failure|HTTP_REQUEST|http request", re.I)


def _printable(value):
    text = repr(value)
    return text[1:] if text[:2] in ("u'", 'u"') else text


def validate_tag_name(name):
    """Quay's TAG_REGEX (util/names.py), anchored at the real end of the string."""
    if not isinstance(name, str) or not TAG_RE.match(name):
        raise ValueError(
            "%s is not a valid tag name: use 1 to 128 characters from A-Z a-z 0-9 _ . - "
            "and do not start with '.' or '-'" % _printable(name)
        )
    return name


def validate_repository(repository):
    """``namespace/name`` with optional nested segments, as Quay names them (lower case)."""
    if not isinstance(repository, str) or "/" not in repository:
        raise ValueError("%s is not a repository: use namespace/name, for example myorg/app" % _printable(repository))
    namespace, _sep, name = repository.partition("/")
    problems = []
    if not (2 <= len(namespace) <= 255 and NAMESPACE_RE.match(namespace)):
        problems.append("namespace %s must be 2-255 lower-case letters, digits and single . _ - between them" % _printable(namespace))
    segments = name.split("/")
    if len(name) > 255 or not all(REPO_SEGMENT_RE.match(seg) for seg in segments):
        problems.append(
            "name %s must be lower-case segments of letters, digits, . _ - (each starting with a letter or digit), "
            "separated by single '/', at most 255 characters" % _printable(name)
        )
    if problems:
        raise ValueError("%s is not a valid repository: %s" % (_printable(repository), "; ".join(problems)))
    return repository


def validate_digest(digest):
    """``algorithm:hex`` with a known algorithm and the right length."""
    match = DIGEST_RE.match(digest) if isinstance(digest, str) else None
    if not match or DIGEST_LENGTHS.get(match.group(1)) != len(match.group(2)):
        raise ValueError(
            "%s is not a manifest digest: use algorithm:hex, for example sha256: followed by 64 lower-case hex digits"
            % _printable(digest)
        )
    return digest


def validate_filter(value):
    """Quay's ``filter_tag_name``: ``like:TEXT`` or ``eq:TEXT``."""
    if not isinstance(value, str) or not FILTER_RE.match(value):
        raise ValueError(
            "%s is not a tag filter: use like:TEXT (case-insensitive substring, _ and %% are wildcards) or eq:TEXT, "
            "where TEXT is 1-128 characters from A-Z a-z 0-9 _ . - %%" % _printable(value)
        )
    return value


def normalize_host(host):
    """``quay.example.com`` -> ``https://quay.example.com``; tolerate trailing slashes and ``/api/v1``."""
    if not isinstance(host, str) or not host.strip():
        raise ValueError("the Quay host is empty")
    url = host.strip()
    if "://" not in url:
        url = "https://" + url
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ValueError("%s has scheme %s: use https:// (or http:// explicitly for a plain-text server)" % (_printable(host), scheme))
    rest = url.split("://", 1)[1]
    if not rest or any(ch in rest for ch in " ?#\r\n\t"):
        raise ValueError("%s is not a Quay host URL such as https://quay.example.com" % _printable(host))
    url = url.rstrip("/")
    if url.endswith("/api/v1"):
        url = url[: -len("/api/v1")].rstrip("/")
    return scheme + "://" + url.split("://", 1)[1]


class QuayError(Exception):
    """A failed Quay API call. ``str()`` is the message for people; attributes are for code."""

    def __init__(self, message, kind, method=None, path=None, status=None, server_message=None, attempts=1):
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


class PageGuard:
    """Checks that a paged listing advances: each page is the one asked for and repeats no earlier page.

    Quay answers ``page`` with the number it served; a server or proxy that ignores the parameter serves the first page
    again and again with ``has_additional`` still true, which a client that trusts ``has_additional`` follows forever.
    """

    def __init__(self, repository, path):
        self.repository = repository
        self.path = path
        self.seen = {}

    def check(self, page, data):
        served = data.get("page")
        if served is not None and str(served) != str(page):
            self._stop(page, "the answer is page %s" % _printable(served))
        rows = data.get("tags") or []
        if not rows:
            return
        key = tuple((row.get("name"), row.get("start_ts"), row.get("end_ts"), row.get("manifest_digest"))
                    if isinstance(row, dict) else repr(row) for row in rows)
        if key in self.seen:
            self._stop(page, "its tags are those of page %d again" % self.seen[key])
        self.seen[key] = page

    def _stop(self, page, what):
        raise QuayError("the tag listing of %s does not advance at page %d: %s, so following has_additional would never end. "
                        "A server or proxy in front of Quay seems to ignore the page parameter; check quay_host (GET %s)"
                        % (self.repository, page, what, self.path), "bad_response", method="GET", path=self.path, status=200)


def follow_pages(client, repository, **query):
    """Each page of ``client.list_tags(repository, **query)`` in turn, following ``has_additional``; a page that repeats
    an earlier one or does not advance is a QuayError (see PageGuard). The caller may stop early."""
    guard = PageGuard(repository, "/api/v1/repository/%s/tag/" % validate_repository(repository))
    page = 1
    while True:
        data = client.list_tags(repository, page=page, **query)
        guard.check(page, data)
        yield data
        if not data.get("has_additional") or not data["tags"]:
            return
        page += 1


class QuayClient:
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
            transient = status in TRANSIENT_STATUSES and not self._is_readonly(status, server_message, response.text)
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
            error = self._error(method, path, status, server_message, error_type, response, attempt, context or {})
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

    @staticmethod
    def _is_readonly(status, server_message, text):
        if status != 503:
            return False
        haystack = ("%s %s" % (server_message or "", text or "")).lower()
        return any(marker in haystack for marker in READONLY_MARKERS)

    def _error(self, method, path, status, server_message, error_type, response, attempts, context):
        repo = context.get("repository", "the repository")
        tag = context.get("tag")
        digest = context.get("manifest_digest")
        quoted = " Quay says: %s." % json.dumps(server_message) if server_message else ""
        if 300 <= status < 400:
            return self._fail("Quay answered with a redirect (HTTP %d) to %s: check quay_host (scheme, host and any path prefix)"
                              % (status, response.headers.get("Location", "an unknown location")), "redirect", method, path, status,
                              server_message, attempts)
        if error_type == "html":
            # Quay's API errors are JSON (its {"error": ...} bodies sent as text/html too): an HTML page comes from a proxy,
            # the web UI, a wrong path prefix or a crashed worker, so a 401/403/404 then says nothing about the token
            # or the repository.
            retried = (" after %d attempts" % attempts) if attempts > 1 else ""
            return self._fail("Quay (or a proxy in front of it) answered HTTP %d%s with %s" % (status, retried, server_message),
                              "server" if status >= 500 else "bad_response", method, path, status, server_message, attempts)
        if status == 401 or (status == 403 and server_message and "csrf" in server_message.lower()):
            return self._fail("authentication failed (HTTP %d): the token is missing, invalid or expired. Check quay_token "
                              "(or QUAY_TOKEN); Quay's API accepts only OAuth Bearer tokens.%s" % (status, quoted),
                              "auth", method, path, status, server_message, attempts)
        if status == 403:
            need = context.get("scope") or ("repo:read" if method == "GET" else "repo:write")
            return self._fail("permission denied (HTTP 403): the token lacks %s permission on %s, or %s does not exist"
                              % (need, repo, repo), "permission", method, path, status, server_message, attempts)
        if status == 404:
            return self._fail(self._not_found(method, context, repo, tag, digest), "not_found", method, path, status,
                              server_message, attempts)
        if status == 409:
            return self._fail("tag %s in %s is immutable (HTTP 409): clear it first with immutable: false (needs a repo:admin token)"
                              ".%s" % (tag, repo, quoted), "immutable", method, path, status, server_message, attempts)
        if status == 503 and self._is_readonly(status, server_message, response.text):
            if "currently read-only" in (server_message or "").lower():
                text = "the Quay registry is in read-only mode (HTTP 503): every write is refused until it leaves it"
            else:
                text = "repository %s is in read-only or mirror mode (HTTP 503): Quay refuses tag changes there" % repo
            return self._fail(text + "." + quoted, "readonly", method, path, status, server_message, attempts)
        if status == 429:
            return self._fail("rate limited by Quay (HTTP 429) after %d attempts: try again later or run fewer tasks at once"
                              % attempts, "rate_limit", method, path, status, server_message, attempts)
        if status in (502, 503, 504):
            return self._fail("Quay is unavailable (HTTP %d) after %d attempts.%s" % (status, attempts, quoted), "unavailable",
                              method, path, status, server_message, attempts)
        if status >= 500:
            return self._fail("Quay failed with a server error (HTTP %d).%s" % (status, quoted), "server", method, path, status,
                              server_message, attempts)
        if status == 415:
            return self._fail("Quay refused the request body (HTTP 415).%s" % quoted, "bad_request", method, path, status,
                              server_message, attempts)
        if 200 <= status < 300:
            return self._fail("Quay answered HTTP %d where %s was expected: is quay_host a Quay server?" % (
                status, context.get("expected", "another status")), "bad_response", method, path, status, server_message, attempts)
        return self._fail("Quay rejected the request (HTTP %d).%s" % (status, quoted), "bad_request", method, path, status,
                          server_message, attempts)

    @staticmethod
    def _not_found(method, context, repo, tag, digest):
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

    # -- the four endpoints -----------------------------------------------------------------

    @staticmethod
    def _tag_path(repository, tag):
        return "/api/v1/repository/%s/tag/%s" % (validate_repository(repository), validate_tag_name(tag))

    def list_tags(self, repository, specific_tag=None, filter_tag_name=None, only_active=None, page=None, limit=None):
        """One page of listRepoTags: ``{"tags": [...], "page": N, "has_additional": bool}``."""
        path = "/api/v1/repository/%s/tag/" % validate_repository(repository)
        params = []
        if specific_tag is not None:
            params.append(("specificTag", validate_tag_name(specific_tag)))
        if filter_tag_name is not None:
            params.append(("filter_tag_name", validate_filter(filter_tag_name)))
        if only_active is not None:
            params.append(("onlyActiveTags", "true" if only_active else "false"))
        if limit is not None:
            params.append(("limit", str(int(limit))))
        if page is not None:
            params.append(("page", str(int(page))))
        response = self._request("GET", path, params=params or None, context={"op": "list", "repository": repository})
        data = self._json(response, "GET", path)
        if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
            raise self._fail("Quay answered HTTP 200 without a tag list: is quay_host a Quay server?", "bad_response",
                             "GET", path, 200, None, getattr(response, "attempts", 1))
        return data

    def list_all_tags(self, repository, specific_tag=None, filter_tag_name=None, only_active=None, limit=100):
        """Every row, following ``has_additional`` page by page."""
        rows = []
        for data in follow_pages(self, repository, specific_tag=specific_tag, filter_tag_name=filter_tag_name,
                                 only_active=only_active, limit=limit):
            rows.extend(data["tags"])
        return rows

    def change_tag(self, repository, tag, manifest_digest=UNSET, expiration=UNSET, immutable=UNSET):
        """PUT: create or move a tag, or set its expiration or immutability (one concern per call is safest)."""
        path = self._tag_path(repository, tag)
        body = {}
        if manifest_digest is not UNSET:
            body["manifest_digest"] = validate_digest(manifest_digest)
        if expiration is not UNSET:
            body["expiration"] = None if expiration is None else int(expiration)
        if immutable is not UNSET:
            body["immutable"] = bool(immutable)
        context = {"op": "change", "repository": repository, "tag": tag, "expected": "201",
                   "manifest_digest": body.get("manifest_digest")}
        if immutable is False:
            context["scope"] = "repo:admin"
        confirm = None
        if list(body) == ["manifest_digest"]:
            # A move alone can be read back; with other fields, the digest would not say whether they were applied.
            confirm = self._points_at(repository, tag, body["manifest_digest"])
        self._request("PUT", path, body=body, expect=(201,), context=context, confirm=confirm)

    def _points_at(self, repository, tag, digest):
        """A read-back: whether the active tag points at digest (a move or restore whose answer was lost)."""
        def confirm():
            rows = self.list_tags(repository, specific_tag=tag, only_active=True)["tags"]
            return any(row.get("name") == tag and row.get("manifest_digest") == digest for row in rows)
        return confirm

    def delete_tag(self, repository, tag):
        """DELETE: end the active tag (it stays in the history, restorable)."""
        path = self._tag_path(repository, tag)
        self._request("DELETE", path, expect=(204,),
                      context={"op": "delete", "repository": repository, "tag": tag, "expected": "204"})

    def restore_tag(self, repository, tag, manifest_digest):
        """POST .../restore: point the tag at a manifest the repository still has (history included)."""
        path = self._tag_path(repository, tag) + "/restore"
        self._request("POST", path, body={"manifest_digest": validate_digest(manifest_digest)}, expect=(200,),
                      context={"op": "restore", "repository": repository, "tag": tag, "manifest_digest": manifest_digest,
                               "expected": "200"}, confirm=self._points_at(repository, tag, manifest_digest))
