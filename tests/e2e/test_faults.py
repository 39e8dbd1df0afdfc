# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults a registry really produces, injected by the emulator, against real ansible-playbook runs.

Transient faults are retried with back-off, a bounded number of times that shows in the warnings and the result;
every other failure is reported at once with a message that names the cause; a write that fails half-way says which
tags were already changed, and a re-run finishes the job; check mode sends no write whatever happens.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import Counter

from e2e_support import NAMESPACE, OUTSIDER_TOKEN, READ_TOKEN, digest, standard_repository, tag_path
from quay_emulator import (
    BAD_REQUEST,
    IMMUTABLE_OVERWRITE,
    INTERNAL_ERROR_PAGE,
    QUERY_HELP,
    UNSUPPORTED_MEDIA_TYPE,
    XHR_ERROR,
)

NGINX_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
             "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
LB_503 = ("<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>Service Temporarily Unavailable"
          "</h1></body></html>")
PROXY_403 = "<html>\n<head><title>403 Forbidden</title></head>\n<body>\n<center><h1>403 Forbidden</h1></center>\n</body>\n</html>\n"
LOGIN_PAGE = "<!DOCTYPE html>\n<html><head><title>Red Hat Quay - Sign in</title></head><body>Sign in</body></html>\n"
CUT_JSON = '{"tags": [{"name": "stable", "reversion": fa'
HTML = "text/html"
BOGUS_TOKEN = "e2eBOGUS-5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a"


def repo(name):
    return "%s/%s" % (NAMESPACE, name)


def promote(name, **conn):
    """stable (on m2) -> candidate's manifest (m3): one GET, one PUT."""
    return {"module": "quay_tag", "args": {"repository": repo(name), "name": ["stable"], "source_tag": "candidate"},
            "conn": conn}


def api_exception(status, error_type, detail):
    """Quay's own error body (tests/emulator/README.md, "The request pipeline": the first of its three shapes)."""
    return {"detail": detail, "error_message": detail, "error_type": error_type, "title": error_type,
            "type": "http://quay.example.com/api/v1/error/%s" % error_type, "status": status}


def entries(quay, name, path=None):
    """(method, status, fault) of every request of a case's repository (or on one exact path)."""
    logged = quay.requests(repo(name)) if path is None else [e for e in quay.requests() if e["path"] == path]
    return [(e["method"], e["status"], e.get("fault")) for e in logged]


def retry_warnings(result):
    return [w for w in result.get("warnings", []) if "retried in" in w]


# -- transient faults: retried, then the task succeeds --------------------------------------------------------------
#
# name: (case, fault rules (paths relative to the repository), requests logged (method, status, fault), ordered?,
#        retry warnings expected (regular expressions, in order))

STABLE = "tag/stable$"
LIST = "tag/$"
TRANSIENT = {
    "rate-limit-seconds": (
        promote("rate-limit-seconds"),
        [{"method": "PUT", "path": STABLE, "status": 429, "headers": {"Retry-After": "1"}, "body": {"message": "slow down"}}],
        [("GET", 200, None), ("PUT", 429, "respond"), ("PUT", 201, None)], True,
        [r"^PUT /api/v1/repository/e2e/rate-limit-seconds/tag/stable: HTTP 429 \(rate limited\); retried in 1\.0 s "
         r"\(attempt 2 of 4\)$"]),
    "rate-limit-date": (
        promote("rate-limit-date"),
        # An HTTP-date 3 s ahead, to the second: a wait between 2 and 3 s, far from the back-off's 0.25-0.5 s.
        [{"method": "PUT", "path": STABLE, "status": 429, "retry_after_date": 3}],
        [("GET", 200, None), ("PUT", 429, "respond"), ("PUT", 201, None)], True,
        [r"^PUT \S+/tag/stable: HTTP 429 \(rate limited\); retried in (1\.[5-9]|2\.\d|3\.0) s \(attempt 2 of 4\)$"]),
    "bad-gateway": (
        promote("bad-gateway"),
        [{"method": "PUT", "path": STABLE, "status": 502, "body": NGINX_502, "content_type": HTML}],
        # A proxy's 502 may hide a PUT Quay applied: the tag is read back before the PUT is sent again.
        [("GET", 200, None), ("PUT", 502, "respond"), ("GET", 200, None), ("PUT", 201, None)], True,
        [r"^PUT \S+/tag/stable: HTTP 502; retried in 0\.[2-5] s \(attempt 2 of 4\)$"]),
    "unavailable-twice": (
        promote("unavailable-twice"),
        [{"method": "PUT", "path": STABLE, "status": 503, "count": 2, "body": LB_503, "content_type": HTML}],
        [("GET", 200, None), ("PUT", 503, "respond"), ("PUT", 503, "respond"), ("PUT", 201, None)], True,
        [r"^PUT \S+/tag/stable: HTTP 503; retried in 0\.[2-5] s \(attempt 2 of 4\)$",
         r"^PUT \S+/tag/stable: HTTP 503; retried in (0\.[5-9]|1\.0) s \(attempt 3 of 4\)$"]),
    "gateway-timeout": (
        promote("gateway-timeout"),
        [{"method": "GET", "path": LIST, "status": 504, "body": "upstream timed out"}],
        [("GET", 504, "respond"), ("GET", 200, None), ("PUT", 201, None)], True,
        [r"^GET /api/v1/repository/e2e/gateway-timeout/tag/: HTTP 504; retried in 0\.[2-5] s \(attempt 2 of 4\)$"]),
    "dropped-connection": (
        promote("dropped-connection"),
        [{"method": "PUT", "path": STABLE, "action": "drop"}],
        [("GET", 200, None), ("PUT", None, "drop"), ("GET", 200, None), ("PUT", 201, None)], True,
        [r"^PUT \S+/tag/stable: .*(Remote end closed connection|Connection reset|Connection aborted).*; retried in 0\.[2-5] s "
         r"\(attempt 2 of 4\)$"]),
    "read-timeout": (
        promote("read-timeout", timeout=1),
        [{"method": "GET", "path": LIST, "action": "delay", "delay": 1.6}],
        # The late answer to the first GET is logged when it is sent, after the retry's.
        [("GET", 200, "delay"), ("GET", 200, None), ("PUT", 201, None)], False,
        [r"^GET \S+/tag/: no answer within 1(\.0)? s; retried in 0\.[2-5] s \(attempt 2 of 4\)$"]),
    "slow-response": (
        promote("slow-response"),
        [{"method": "GET", "path": LIST, "action": "delay", "delay": 0.6}, {"method": "PUT", "path": STABLE, "action": "delay",
                                                                            "delay": 0.6}],
        [("GET", 200, "delay"), ("PUT", 201, "delay")], True,
        []),
    "truncated-transfer": (
        promote("truncated-transfer"),
        [{"method": "GET", "path": LIST, "action": "truncate"}],
        [("GET", 200, "truncate"), ("GET", 200, None), ("PUT", 201, None)], True,
        [r"^GET \S+/tag/: .*IncompleteRead.*; retried in 0\.[2-5] s \(attempt 2 of 4\)$"]),
    "info-bad-gateway": (
        {"module": "quay_tag_info", "args": {"repository": repo("info-bad-gateway"), "name": "candidate"}},
        [{"method": "GET", "path": LIST, "status": 502, "body": NGINX_502, "content_type": HTML}],
        [("GET", 502, "respond"), ("GET", 200, None)], True,
        [r"^GET \S+/tag/: HTTP 502; retried in 0\.[2-5] s \(attempt 2 of 4\)$"]),
    "restore-unavailable": (
        {"module": "quay_tag_restore", "args": {"repository": repo("restore-unavailable"), "name": "stable",
                                                "manifest_digest": digest(repo("restore-unavailable"), 3)}},
        [{"method": "POST", "path": "tag/stable/restore$", "status": 503, "body": {"message": "busy"}, "headers": {"Retry-After": "1"}}],
        [("GET", 200, None), ("POST", 503, "respond"), ("POST", 200, None)], True,
        [r"^POST \S+/tag/stable/restore: HTTP 503; retried in 1\.0 s \(attempt 2 of 4\)$"]),
}

# A DELETE whose answer is lost after Quay applied it: read timeout 1 s, the first DELETE handled after 1.05 s, the
# retry (sent no sooner than 1.25 s) held 0.5 s more; the retry finds the tag gone (404), which is what the task wanted.
ANSWER_LOST = {
    "delete-answer-lost": (
        {"module": "quay_tag", "args": {"repository": repo("delete-answer-lost"), "name": "t1", "state": "absent"},
         "conn": {"timeout": 1}},
        [{"method": "DELETE", "path": "tag/t1$", "action": "delay", "delay": 1.05},
         {"method": "DELETE", "path": "tag/t1$", "action": "delay", "delay": 0.5}]),
    # A move and a restore applied after the client gave up (1.05 s for a 1 s time-out): the read-back, sent after the
    # back-off (0.25-0.5 s), finds the tag moved, and the write is not sent again (it would add a second history row).
    "move-answer-lost": (
        promote("move-answer-lost", timeout=1),
        [{"method": "PUT", "path": STABLE, "action": "delay", "delay": 1.05}]),
    "restore-answer-lost": (
        {"module": "quay_tag_restore", "args": {"repository": repo("restore-answer-lost"), "name": "stable",
                                                "manifest_digest": digest(repo("restore-answer-lost"), 3)},
         "conn": {"timeout": 1}},
        [{"method": "POST", "path": "tag/stable/restore$", "action": "delay", "delay": 1.05}]),
}


# Faults that never clear: the attempts stop at retries + 1, and the failure says how many there were.
BOUNDED = {
    "unavailable-forever": (
        promote("unavailable-forever", retries=2),
        [{"method": "PUT", "path": STABLE, "status": 503, "count": 0, "body": {"message": "upstream connect error"}}],
        "PUT", 3, "unavailable",
        "Quay is unavailable (HTTP 503) after 3 attempts. Quay says: \"upstream connect error\". "
        "(PUT /api/v1/repository/e2e/unavailable-forever/tag/stable); no tag was changed"),
    "unreachable-forever": (
        promote("unreachable-forever", retries=1),
        [{"method": "GET", "path": LIST, "action": "drop", "count": 0}],
        "GET", 2, "network",
        "could not reach Quay at %(url)s after 2 attempts: "),
    "rate-limited-forever": (
        promote("rate-limited-forever", retries=1),
        [{"method": "PUT", "path": STABLE, "status": 429, "count": 0, "headers": {"Retry-After": "1"}}],
        "PUT", 2, "rate_limit",
        "rate limited by Quay (HTTP 429) after 2 attempts: try again later or run fewer tasks at once "
        "(PUT /api/v1/repository/e2e/rate-limited-forever/tag/stable); no tag was changed"),
    "bad-gateway-forever": (
        {"module": "quay_tag_info", "args": {"repository": repo("bad-gateway-forever")}, "conn": {"retries": 1}},
        [{"method": "GET", "path": LIST, "status": 502, "count": 0, "body": NGINX_502, "content_type": HTML}],
        "GET", 2, "server",
        "Quay (or a proxy in front of it) answered HTTP 502 after 2 attempts with an HTML page (502 Bad Gateway) instead "
        "of Quay's JSON"),
}


def install(quay, name, rules):
    for rule in rules:
        rule = dict(rule)
        rule["path"] = "^/api/v1/repository/%s/%s" % (repo(name), rule.get("path", ""))
        quay.fault(**rule)


def build(quay, *groups):
    """Load a repository per case of the groups (SPECIAL ones as given), install their faults; return the cases."""
    names = [name for group in groups for name in group]
    quay.load([name for name in names if name not in NO_REPOSITORY and repo(name) not in SPECIAL],
              repositories=dict((repo(name), SPECIAL[repo(name)]) for name in names if repo(name) in SPECIAL))
    cases = {}
    for group in groups:
        for name, spec in group.items():
            conn = dict((key, value % {"url": quay.url} if isinstance(value, str) else value)
                        for key, value in spec[0].get("conn", {}).items())
            cases[name] = dict(spec[0], conn=conn)
            install(quay, name, spec[1])
    return cases


def test_transient_faults_are_retried_with_backoff_and_the_tasks_succeed(quay, ansible):
    run = ansible.cases(build(quay, TRANSIENT, ANSWER_LOST, BOUNDED))

    for name, (case, rules, logged, ordered, warnings) in TRANSIENT.items():
        result = run.case(name)
        assert not result.get("failed"), (name, result.get("msg"))
        assert result["changed"] is (case["module"] != "quay_tag_info"), name
        seen = entries(quay, name)
        assert (seen if ordered else Counter(seen)) == (logged if ordered else Counter(logged)), (name, seen)
        assert result["api_requests"] == len(logged), name
        got = retry_warnings(result)
        assert len(got) == len(warnings), (name, got)
        for pattern, warning in zip(warnings, got):
            assert re.match(pattern, warning), (name, warning)
        if case["module"] == "quay_tag_info":
            assert [(t["name"], t["manifest_digest"]) for t in result["tags"]] == [("candidate", digest(repo(name), 3))]
            continue
        # The right result, applied exactly once: stable is on m3 and has one new row, not two.
        assert quay.tags(repo(name))["stable"] == digest(repo(name), 3), name
        assert len(quay.rows(repo(name), "stable")) == 2, (name, quay.rows(repo(name), "stable"))
        if case["module"] == "quay_tag":
            assert result["tags"] == [{"name": "stable", "state": "present", "changed": True,
                                       "actions": ["moved from %s" % digest(repo(name), 2)],
                                       "manifest_digest": digest(repo(name), 3), "expiration": None, "end_ts": None}]
        else:
            assert result["tag"]["manifest_digest"] == digest(repo(name), 3)

    result = run.case("delete-answer-lost")
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and result["tags"][0]["state"] == "absent"
    assert entries(quay, "delete-answer-lost") == [("GET", 200, None), ("DELETE", 204, "delay"), ("DELETE", 404, "delay")]
    assert "t1" not in quay.tags(repo("delete-answer-lost"))
    assert len(retry_warnings(result)) == 1 and "no answer within 1" in retry_warnings(result)[0]

    for name, write in (("move-answer-lost", "PUT"), ("restore-answer-lost", "POST")):
        result = run.case(name)
        assert not result.get("failed"), (name, result.get("msg"))
        assert result["changed"] is True, name
        assert Counter(entries(quay, name)) == Counter([("GET", 200, None), (write, 201 if write == "PUT" else 200, "delay"),
                                                        ("GET", 200, None)]), (name, entries(quay, name))
        assert result["api_requests"] == 3, name
        assert quay.tags(repo(name))["stable"] == digest(repo(name), 3), name
        assert len(quay.rows(repo(name), "stable")) == 2, (name, quay.rows(repo(name), "stable"))
        assert retry_warnings(result) == [], (name, result.get("warnings"))
        read_back = [w for w in result["warnings"] if "read back" in w]
        assert len(read_back) == 1 and re.match(
            r"^%s /api/v1/repository/%s/tag/stable%s: no answer within 1(\.0)? s; read back from Quay: the change is in "
            r"place, not sent again$" % (write, repo(name), "/restore" if write == "POST" else ""), read_back[0]), (
            name, result["warnings"])

    for name, (case, rules, method, attempts, kind, message) in BOUNDED.items():
        result = run.case(name)
        assert result.get("failed") is True, name
        assert (message % {"url": quay.url}) in result["msg"], (name, result["msg"])
        assert result["error"]["attempts"] == attempts and result["error"]["kind"] == kind, (name, result["error"])
        assert [e[0] for e in entries(quay, name)].count(method) == attempts, (name, entries(quay, name))
        assert len(retry_warnings(result)) == attempts - 1, (name, result.get("warnings"))
        assert "attempt %d of %d" % (attempts, attempts) in retry_warnings(result)[-1]
        if case["module"] == "quay_tag":
            assert result["changed"] is False and result.get("changed_tags", []) == []
            assert quay.tags(repo(name))["stable"] == digest(repo(name), 2)


# -- failures that are not transient: one request, a message that names the cause ------------------------------------
#
# name: (case, fault rules, method of the failing request, error kind, words of the message)

PERMANENT = {
    "readonly": (
        promote("readonly"), [], "PUT", "readonly",
        ["repository e2e/readonly is in read-only or mirror mode (HTTP 503): Quay refuses tag changes there. "
         "Quay says: \"Repository is in read only or mirror mode: 1\"."]),
    "mirror": (
        promote("mirror"), [], "PUT", "readonly",
        ["repository e2e/mirror is in read-only or mirror mode (HTTP 503)", "mirror mode: 2"]),
    "restore-in-mirror": (
        {"module": "quay_tag_restore", "args": {"repository": repo("restore-in-mirror"), "name": "stable",
                                                "manifest_digest": digest(repo("restore-in-mirror"), 1)}},
        [], "POST", "readonly", ["repository e2e/restore-in-mirror is in read-only or mirror mode (HTTP 503)"]),
    "unknown-token": (
        promote("unknown-token", quay_token=BOGUS_TOKEN), [], "GET", "auth",
        ["authentication failed (HTTP 401): the token is missing, invalid or expired. Check quay_token (or QUAY_TOKEN)",
         "Quay says: \"Requires authentication\""]),
    "unknown-token-public": (
        promote("unknown-token-public", quay_token=BOGUS_TOKEN), [], "PUT", "auth",
        ["authentication failed (HTTP 403): the token is missing, invalid or expired",
         "Quay says: \"CSRF token was invalid or missing.\""]),
    "read-token": (
        promote("read-token", quay_token=READ_TOKEN), [], "PUT", "permission",
        ["permission denied (HTTP 403): the token lacks repo:write permission on e2e/read-token"]),
    "outsider": (
        {"module": "quay_tag_info", "args": {"repository": repo("outsider")}, "conn": {"quay_token": OUTSIDER_TOKEN}},
        [], "GET", "permission",
        ["permission denied (HTTP 403): the token lacks repo:read permission on e2e/outsider, or e2e/outsider does not exist"]),
    "missing-repository": (
        promote("missing-repository"), [], "GET", "not_found", ["repository e2e/missing-repository not found (HTTP 404)"]),
    "restore-unknown-manifest": (
        {"module": "quay_tag_restore", "args": {"repository": repo("restore-unknown-manifest"), "name": "stable",
                                                "manifest_digest": "sha256:" + "ab" * 32}},
        [], "POST", "not_found",
        ["manifest sha256:%s not found in e2e/restore-unknown-manifest (HTTP 404): Quay no longer has it" % ("ab" * 32)]),
    "immutable-conflict": (
        promote("immutable-conflict"),
        [{"method": "PUT", "path": STABLE, "status": 409,
          "body": api_exception(409, "tag_immutable", IMMUTABLE_OVERWRITE % "stable")}],
        "PUT", "immutable",
        ["tag stable in e2e/immutable-conflict is immutable (HTTP 409): clear it first with immutable: false",
         "Quay says: \"Cannot overwrite immutable tag 'stable'\""]),
    "unsupported-media-type": (
        promote("unsupported-media-type"),
        [{"method": "PUT", "path": STABLE, "status": 415, "body": {"message": UNSUPPORTED_MEDIA_TYPE}}],
        "PUT", "bad_request", ["Quay refused the request body (HTTP 415). Quay says: \"%s\"" % UNSUPPORTED_MEDIA_TYPE]),
    "bad-request-api-exception": (
        promote("bad-request-api-exception"),
        [{"method": "PUT", "path": STABLE, "status": 400,
          "body": api_exception(400, "invalid_request", "'abc' is not of type 'number', 'null'")}],
        "PUT", "bad_request", ["Quay rejected the request (HTTP 400). Quay says: \"'abc' is not of type 'number', 'null'\""]),
    "bad-request-message": (
        promote("bad-request-message"),
        [{"method": "PUT", "path": STABLE, "status": 400, "body": {"message": BAD_REQUEST}}],
        "PUT", "bad_request", ["Quay rejected the request (HTTP 400). Quay says: \"%s\"" % BAD_REQUEST]),
    "bad-request-message-object": (
        {"module": "quay_tag_info", "args": {"repository": repo("bad-request-message-object")}},
        [{"method": "GET", "path": LIST, "status": 400, "body": {"message": {"limit": QUERY_HELP["limit"]}}}],
        "GET", "bad_request", ["Quay rejected the request (HTTP 400). Quay says: \"limit: %s\"" % QUERY_HELP["limit"]]),
    "bad-request-error-as-html": (
        {"module": "quay_tag_info", "args": {"repository": repo("bad-request-error-as-html")}},
        [{"method": "GET", "path": LIST, "status": 400, "body": '{"error": "%s"}' % XHR_ERROR,
          "content_type": "text/html; charset=utf-8"}],
        "GET", "bad_request", ["Quay rejected the request (HTTP 400). Quay says: \"%s\"" % XHR_ERROR]),
    "proxy-forbidden-page": (
        promote("proxy-forbidden-page"),
        [{"method": "GET", "path": LIST, "status": 403, "body": PROXY_403, "content_type": HTML}],
        "GET", "bad_response",
        ["Quay (or a proxy in front of it) answered HTTP 403 with an HTML page (403 Forbidden) instead of Quay's JSON: "
         "is quay_host pointing at a proxy or the web UI?"]),
    "server-error-page": (
        promote("server-error-page"),
        [{"method": "PUT", "path": STABLE, "status": 500, "body": INTERNAL_ERROR_PAGE, "content_type": HTML}],
        "PUT", "server", ["answered HTTP 500 with an HTML page (Internal Server Error)"]),
    "login-page": (
        promote("login-page"),
        [{"method": "GET", "path": LIST, "status": 200, "body": LOGIN_PAGE, "content_type": HTML}],
        "GET", "bad_response", ["Quay answered HTTP 200 with an HTML page (Red Hat Quay - Sign in) instead of Quay's JSON"]),
    "not-json": (
        {"module": "quay_tag_info", "args": {"repository": repo("not-json")}},
        [{"method": "GET", "path": LIST, "status": 200, "body": "OK"}],
        "GET", "bad_response", ["Quay answered HTTP 200 with a truncated or non-JSON body (2 bytes)"]),
    "truncated-json": (
        {"module": "quay_tag_restore", "args": {"repository": repo("truncated-json"), "name": "stable"}},
        [{"method": "GET", "path": LIST, "status": 200, "body": CUT_JSON, "content_type": "application/json"}],
        "GET", "bad_response", ["Quay answered HTTP 200 with a truncated or non-JSON body (%d bytes)" % len(CUT_JSON)]),
    "wrong-success-status": (
        promote("wrong-success-status"),
        [{"method": "PUT", "path": STABLE, "status": 200, "body": {}}],
        "PUT", "bad_response", ["Quay answered HTTP 200 where 201 was expected: is quay_host a Quay server?"]),
    "wrong-path-prefix": (
        promote("wrong-path-prefix", quay_host="%(url)s/registry"), [], "GET", "bad_response",
        ["Quay (or a proxy in front of it) answered HTTP 404 with an HTML page (404 Not Found) instead of Quay's JSON: "
         "is quay_host pointing at a proxy or the web UI? (GET /api/v1/repository/e2e/wrong-path-prefix/tag/)"]),
}
NO_REPOSITORY = ("missing-repository",)
SPECIAL = {
    repo("readonly"): standard_repository(repo("readonly"), state="read_only"),
    repo("mirror"): standard_repository(repo("mirror"), state="mirror"),
    repo("restore-in-mirror"): standard_repository(repo("restore-in-mirror"), state="mirror"),
    repo("unknown-token-public"): standard_repository(repo("unknown-token-public"), public=True),
}


def test_permanent_failures_are_not_retried_and_name_the_cause(quay, ansible):
    cases = build(quay, PERMANENT)
    before = dict((name, quay.tags(repo(name))) for name in PERMANENT if name not in NO_REPOSITORY)

    run = ansible.cases(cases)

    for name, (case, rules, method, kind, words) in PERMANENT.items():
        result = run.case(name)
        assert result.get("failed") is True, (name, result)
        for word in words:
            assert word in result["msg"], (name, result["msg"])
        assert result["error"]["kind"] == kind, (name, result["error"])
        assert result["error"]["attempts"] == 1 and retry_warnings(result) == [], (name, result)
        if name == "wrong-path-prefix":
            seen = entries(quay, name, path="/registry" + tag_path(repo(name)))
        else:
            seen = entries(quay, name)
        assert [e[0] for e in seen].count(method) == 1, (name, seen)
        assert seen[-1][:2] == (method, result["error"]["status"]), (name, seen)
        if name in before:
            assert quay.tags(repo(name)) == before[name], name
        if case["module"] == "quay_tag":
            assert result["changed"] is False
            if method == "PUT":
                assert result["changed_tags"] == [] and result["failed_tag"] == "stable"
                assert result["msg"].endswith("; no tag was changed")


def test_registry_in_read_only_mode(quay, ansible):
    quay.load(["promote", "restore", "predict"], config={"registry_readonly": True})
    run = ansible.cases({
        "promote": promote("promote"),
        "restore": {"module": "quay_tag_restore", "args": {"repository": repo("restore"), "name": "stable",
                                                           "manifest_digest": digest(repo("restore"), 1)}},
        "predict": dict(promote("predict"), check=True),
    })
    for name, method in (("promote", "PUT"), ("restore", "POST")):
        result = run.case(name)
        assert result["failed"] is True and result["error"]["kind"] == "readonly"
        assert result["msg"].startswith("the Quay registry is in read-only mode (HTTP 503): every write is refused until "
                                        "it leaves it. Quay says: \"System is currently read-only.")
        assert [e[0] for e in entries(quay, name)] == ["GET", method]
    predicted = run.case("predict")
    assert not predicted.get("failed") and predicted["changed"] is True
    assert entries(quay, "predict") == [("GET", 200, None)]


# -- a write fails half-way -------------------------------------------------------------------------------------------

PARTIAL = {
    # t1..t4 all move from m1 to candidate's m3: four PUTs; the third fails (a server error is not retried).
    "four-moves": (
        {"module": "quay_tag", "args": {"repository": repo("four-moves"), "name": ["t1", "t2", "t3", "t4"],
                                        "source_tag": "candidate"}},
        [{"method": "PUT", "path": "tag/t", "skip": 2, "status": 500, "body": INTERNAL_ERROR_PAGE, "content_type": HTML}]),
    # t1, t2 each need a move and then an expiration: t1 move, t1 expiration (fails), t2 move, t2 expiration.
    "move-then-expire": (
        {"module": "quay_tag", "args": {"repository": repo("move-then-expire"), "name": ["t1", "t2"],
                                        "source_tag": "candidate", "expiration": "2w"}},
        [{"method": "PUT", "path": "tag/t", "skip": 1, "status": 403,
          "body": api_exception(403, "insufficient_scope", "Unauthorized")}]),
}


def test_a_failed_third_write_names_the_tags_already_changed_and_a_rerun_finishes(quay, ansible):
    cases = build(quay, PARTIAL)
    m3 = dict((name, digest(repo(name), 3)) for name in PARTIAL)

    first = ansible.cases(cases)

    result = first.case("four-moves")
    assert result["failed"] is True and result["changed"] is True
    assert result["changed_tags"] == ["t1", "t2"] and result["failed_tag"] == "t3"
    assert result["msg"].startswith("Quay (or a proxy in front of it) answered HTTP 500 with an HTML page (Internal Server Error)")
    assert result["msg"].endswith("(PUT /api/v1/repository/e2e/four-moves/tag/t3); tags changed before the failure: t1, t2")
    assert [(e[0], e[1]) for e in entries(quay, "four-moves")] == [("GET", 200), ("PUT", 201), ("PUT", 201), ("PUT", 500)]
    tags = quay.tags(repo("four-moves"))
    assert [tags[t] == m3["four-moves"] for t in ("t1", "t2", "t3", "t4")] == [True, True, False, False]

    result = first.case("move-then-expire")
    assert result["failed"] is True and result["changed"] is True
    assert result["changed_tags"] == ["t1"] and result["failed_tag"] == "t1"
    assert "permission denied (HTTP 403)" in result["msg"]
    assert result["msg"].endswith("; tags changed before the failure: t1")
    puts = quay.writes(repo("move-then-expire"))
    assert [(e["path"].rsplit("/", 1)[1], sorted(e["body"]), e["status"]) for e in puts] == [
        ("t1", ["manifest_digest"], 201), ("t1", ["expiration"], 403)]
    assert quay.tags(repo("move-then-expire"))["t1"] == m3["move-then-expire"]

    quay.emulator.clear_log()
    second = ansible.cases(cases)

    result = second.case("four-moves")
    assert not result.get("failed") and result["changed"] is True
    assert [(t["name"], t["changed"]) for t in result["tags"]] == [("t1", False), ("t2", False), ("t3", True), ("t4", True)]
    assert [e["path"].rsplit("/", 1)[1] for e in quay.writes(repo("four-moves"))] == ["t3", "t4"]
    assert set(quay.tags(repo("four-moves"))[t] for t in ("t1", "t2", "t3", "t4")) == {m3["four-moves"]}

    result = second.case("move-then-expire")
    assert not result.get("failed") and result["changed"] is True
    assert [(t["name"], t["actions"]) for t in result["tags"]] == [
        ("t1", ["expiration set"]), ("t2", ["moved from %s" % digest(repo("move-then-expire"), 1), "expiration set"])]
    assert [(e["path"].rsplit("/", 1)[1], sorted(e["body"])) for e in quay.writes(repo("move-then-expire"))] == [
        ("t1", ["expiration"]), ("t2", ["manifest_digest"]), ("t2", ["expiration"])]
    assert all(t["expiration"] for t in result["tags"])


# -- check mode -------------------------------------------------------------------------------------------------------

def test_check_mode_sends_no_write_under_any_fault(quay, ansible):
    """Every scenario above, faults installed the same way, run with --check: the request log holds reads only."""
    groups = (TRANSIENT, ANSWER_LOST, BOUNDED, PERMANENT, PARTIAL)
    cases = build(quay, *groups)
    repositories = [repo(name) for name in cases if name not in NO_REPOSITORY]
    before = dict((name, quay.emulator.repository(name)["tags"]) for name in repositories)

    run = ansible.cases(cases, check=True)

    assert quay.writes() == []
    for name in repositories:
        assert quay.emulator.repository(name)["tags"] == before[name], name
    for group in groups:
        for name, spec in group.items():
            result = run.case(name)
            # Only a failure of a read can show in check mode; the writes it would send are not sent.
            fails_on_read = group in (BOUNDED, PERMANENT) and spec[2] == "GET"
            if fails_on_read:
                assert result.get("failed") is True, (name, result)
                assert result["error"]["kind"] == spec[4 if group is BOUNDED else 3], (name, result["error"])
            else:
                assert not result.get("failed"), (name, result.get("msg"))
                assert result["changed"] is (spec[0]["module"] != "quay_tag_info") and "changed_tags" not in result, name
    assert [t["changed"] for t in run.case("four-moves")["tags"]] == [True] * 4
