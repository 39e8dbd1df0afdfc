# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.quaytools.tags.plugins.module_utils import _client
from ansible_collections.quaytools.tags.plugins.module_utils._client import (
    QuayClient,
    QuayError,
    normalize_host,
    parse_error_body,
    validate_digest,
    validate_filter,
    validate_repository,
    validate_tag_name,
)

TOKEN = "s3cr3t-token-abcdefghijklmnopqrstuvwxyz0123"
D1 = "sha256:" + "1" * 64
TAGS_PATH = "/api/v1/repository/org/app/tag/"
NOT_FOUND = {"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found", "title": "not_found",
             "type": "https://quay.example.com/api/v1/error/not_found", "status": 404}
SCOPE = {"detail": "Unauthorized", "error_message": "Unauthorized", "error_type": "insufficient_scope",
         "title": "insufficient_scope", "type": "x", "status": 403}


def make_client(**kwargs):
    """A client that sleeps on a fake clock: ``sleeps`` records each pause, and the clock is their sum."""
    sleeps = []
    kwargs.setdefault("retries", 3)
    client = QuayClient("quay.example.com", TOKEN, sleep=sleeps.append, clock=lambda: sum(sleeps), **kwargs)
    client.sleeps = sleeps
    return client


def page(tags, has_additional=False, number=1):
    return {"tags": tags, "page": number, "has_additional": has_additional}


def row(name, digest=D1, start=1795905646, end=None):
    out = {"name": name, "reversion": False, "start_ts": start, "manifest_digest": digest, "is_manifest_list": False,
           "size": 10, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000"}
    if end is not None:
        out["end_ts"] = end
    return out


# -- hosts and validation -------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("quay.example.com", "https://quay.example.com"),
    ("quay.example.com/", "https://quay.example.com"),
    ("https://quay.example.com//", "https://quay.example.com"),
    ("https://quay.example.com/api/v1", "https://quay.example.com"),
    ("https://quay.example.com/api/v1/", "https://quay.example.com"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("HTTPS://quay.example.com:8443/quay", "https://quay.example.com:8443/quay"),
])
def test_normalize_host(given, expected):
    assert normalize_host(given) == expected


@pytest.mark.parametrize("bad", ["", "   ", "ftp://quay", "https://", "https://quay example", "https://q?x=1", "https://q#f"])
def test_normalize_host_rejects(bad):
    with pytest.raises(ValueError):
        normalize_host(bad)


@pytest.mark.parametrize("name", ["latest", "v1.2.3", "_x", "A" * 128, "Valid_Tag.1-x", "0"])
def test_valid_tags(name):
    assert validate_tag_name(name) == name


@pytest.mark.parametrize("name", ["", ".x", "-x", "A" * 129, "a b", "a/b", "a%2Fb", "latest\n", "..", "../x", "北京", "a?b", "a#b", None, 5])
def test_invalid_tags(name):
    with pytest.raises(ValueError) as exc:
        validate_tag_name(name)
    assert "tag name" in str(exc.value)


@pytest.mark.parametrize("repo", ["org/app", "my-org/team/app", "o1/a.b_c-d", "ab/x/y/z"])
def test_valid_repositories(repo):
    assert validate_repository(repo) == repo


@pytest.mark.parametrize("repo", ["app", "org/", "/app", "Org/app", "org/App", "org//app", "org/../x", "org/app/", "o/app",
                                  "org/app?x", "org/app#x", "org/a b", "org/%2e%2e", "org/app\n", "org/" + "a" * 256, None])
def test_invalid_repositories(repo):
    with pytest.raises(ValueError):
        validate_repository(repo)


def test_digest_validation():
    assert validate_digest(D1) == D1
    assert validate_digest("sha512:" + "a" * 128)
    for bad in ["sha256:" + "1" * 63, "sha256:" + "G" * 64, "SHA256:" + "1" * 64, "md5:" + "1" * 32, "1" * 64, "", None,
                "sha256:" + "1" * 64 + "\n"]:
        with pytest.raises(ValueError):
            validate_digest(bad)


def test_filter_validation():
    assert validate_filter("like:v1_%") == "like:v1_%"
    assert validate_filter("eq:latest") == "eq:latest"
    for bad in ["latest", "foo:bar", "like:", "like:a&b", "eq:a?b", "eq:a#b", "like:a b", "eq:a\nb", "like:é"]:
        with pytest.raises(ValueError):
            validate_filter(bad)


# -- requests -------------------------------------------------------------------------------

def test_list_url_headers_and_params(transport):
    transport.expect("GET", TAGS_PATH, body=page([row("latest")]))
    client = make_client()
    data = client.list_tags("org/app", specific_tag="latest", only_active=True, limit=5, page=2)
    assert data["tags"][0]["name"] == "latest"
    call = transport.calls[0]
    assert call.url.startswith("https://quay.example.com/api/v1/repository/org/app/tag/?")
    assert call.query == {"specificTag": "latest", "onlyActiveTags": "true", "limit": "5", "page": "2"}
    assert call.headers["Authorization"] == "Bearer " + TOKEN
    assert call.headers["User-Agent"].startswith("quaytools.tags/1.0.0")
    assert "Content-Type" not in call.headers


def test_netrc_does_not_replace_token(transport, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine quay.example.com login bob password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    transport.expect("GET", TAGS_PATH, body=page([]))
    make_client().list_tags("org/app")
    assert transport.calls[0].headers["Authorization"] == "Bearer " + TOKEN


def test_writes_send_json(transport):
    transport.expect("PUT", TAGS_PATH + "v1", status=201, body="Updated")
    transport.expect("PUT", TAGS_PATH + "v1", status=201, body="Updated")
    transport.expect("DELETE", TAGS_PATH + "v1", status=204)
    transport.expect("POST", TAGS_PATH + "v1/restore", status=200, body={})
    client = make_client()
    client.change_tag("org/app", "v1", manifest_digest=D1)
    client.change_tag("org/app", "v1", expiration=1800000000.7)
    client.delete_tag("org/app", "v1")
    client.restore_tag("org/app", "v1", D1)
    put, exp, delete, restore = transport.calls
    assert put.body == {"manifest_digest": D1} and put.headers["Content-Type"] == "application/json"
    assert exp.body == {"expiration": 1800000000}
    assert delete.raw_body is None
    assert restore.body == {"manifest_digest": D1}
    assert client.requests_sent == 4


def test_clear_expiration_sends_null(transport):
    transport.expect("PUT", TAGS_PATH + "v1", status=201, body="Updated")
    make_client().change_tag("org/app", "v1", expiration=None)
    assert transport.calls[0].body == {"expiration": None}


def test_one_session_for_all_calls(transport):
    client = make_client()
    transport.expect("GET", TAGS_PATH, body=page([]))
    transport.expect("GET", TAGS_PATH, body=page([]))
    client.list_tags("org/app")
    session = client.session
    client.list_tags("org/app")
    assert client.session is session


def test_validation_happens_before_any_request(transport):
    client = make_client()
    for call in (lambda: client.list_tags("org/../x"), lambda: client.change_tag("org/app", "../x", manifest_digest=D1),
                 lambda: client.change_tag("org/app", "v1", manifest_digest="sha256:nothex"),
                 lambda: client.delete_tag("org/app", "a%2Fb"), lambda: client.restore_tag("org/app", "bad tag", D1),
                 lambda: client.list_tags("org/app", filter_tag_name="like:a&limit=1")):
        with pytest.raises(ValueError):
            call()
    assert transport.calls == []


def test_pagination_follows_has_additional(transport):
    transport.expect("GET", TAGS_PATH, body=page([row("a"), row("b")], True, 1))
    transport.expect("GET", TAGS_PATH, body=page([row("c"), row("d")], True, 2))
    transport.expect("GET", TAGS_PATH, body=page([], False, 3))
    rows = make_client().list_all_tags("org/app", only_active=True, limit=2)
    assert [r["name"] for r in rows] == ["a", "b", "c", "d"]
    assert [c.query["page"] for c in transport.calls] == ["1", "2", "3"]
    assert all(c.query["limit"] == "2" for c in transport.calls)


def test_a_listing_that_serves_the_first_page_again_stops_with_an_error(transport):
    # A server or proxy that ignores ?page= answers page 1, with has_additional true, whatever is asked.
    transport.handler = lambda call: (200, page([row("a"), row("b")], True, 1), None)
    with pytest.raises(QuayError) as exc:
        make_client().list_all_tags("org/app", limit=2)
    assert len(transport.calls) == 2
    assert exc.value.kind == "bad_response"
    assert str(exc.value) == (
        "the tag listing of org/app does not advance at page 2: the answer is page 1, so following has_additional would "
        "never end. A server or proxy in front of Quay seems to ignore the page parameter; check quay_host "
        "(GET /api/v1/repository/org/app/tag/)")


def test_a_listing_that_repeats_a_page_without_numbering_it_stops_with_an_error(transport):
    rows = [row("a"), row("b")]
    transport.handler = lambda call: (200, {"tags": rows, "has_additional": True}, None)
    with pytest.raises(QuayError) as exc:
        make_client().list_all_tags("org/app", limit=2)
    assert len(transport.calls) == 2
    assert "does not advance at page 2: its tags are those of page 1 again" in str(exc.value)


def test_pagination_stops_without_has_additional(transport):
    transport.expect("GET", TAGS_PATH, body=page([row("a")], False))
    assert len(make_client().list_all_tags("org/app")) == 1
    assert len(transport.calls) == 1


# -- retries ----------------------------------------------------------------------------------

@pytest.mark.parametrize("status, headers", [
    (429, {"Retry-After": "2"}),
    (429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
    (502, None),
    (503, None),
    (504, None),
])
def test_transient_statuses_are_retried(transport, status, headers):
    transport.expect("GET", TAGS_PATH, status=status, body={"message": "busy"}, headers=headers)
    transport.expect("GET", TAGS_PATH, body=page([row("a")]))
    client = make_client()
    assert client.list_tags("org/app")["tags"][0]["name"] == "a"
    assert client.requests_sent == 2
    assert len(client.sleeps) == 1
    if headers and headers["Retry-After"] == "2":
        assert client.sleeps == [2.0]
    if headers and "GMT" in headers["Retry-After"]:
        assert client.sleeps == [0.0]  # a date in the past means: now
    assert "HTTP %d" % status in client.warnings[0] and "attempt 2 of 4" in client.warnings[0]


def test_retry_after_is_capped(transport):
    transport.expect("GET", TAGS_PATH, status=429, headers={"Retry-After": "99999"})
    transport.expect("GET", TAGS_PATH, body=page([]))
    client = make_client()
    client.list_tags("org/app")
    assert client.sleeps == [client.max_retry_after]


@pytest.mark.parametrize("exc", [requests.exceptions.ConnectionError("Connection reset by peer"),
                                 requests.exceptions.ReadTimeout("Read timed out."),
                                 requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(10 bytes read)")])
def test_network_failures_are_retried(transport, exc):
    transport.expect("GET", TAGS_PATH, raises=exc)
    transport.expect("GET", TAGS_PATH, body=page([]))
    client = make_client()
    client.list_tags("org/app")
    assert client.requests_sent == 2 and len(client.warnings) == 1


def test_backoff_grows_and_attempts_are_bounded(transport):
    for _i in range(4):
        transport.expect("GET", TAGS_PATH, status=503, body={"message": "upstream down"})
    client = make_client(retries=3)
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert exc.value.kind == "unavailable" and exc.value.attempts == 4
    assert "after 4 attempts" in str(exc.value)
    assert len(client.sleeps) == 3
    # exponential with jitter: each delay in [base*2^n/2, base*2^n]
    for n, delay in enumerate(client.sleeps):
        assert 0.5 * 2 ** n / 2 <= delay <= 0.5 * 2 ** n


def test_retries_zero_means_one_attempt(transport):
    transport.expect("GET", TAGS_PATH, status=429)
    client = make_client(retries=0)
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert exc.value.kind == "rate_limit" and client.requests_sent == 1


def test_connection_failure_after_retries(transport):
    for _i in range(2):
        transport.expect("GET", TAGS_PATH, raises=requests.exceptions.ConnectionError("[Errno 111] Connection refused"))
    client = make_client(retries=1)
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert exc.value.kind == "network"
    assert "could not reach Quay at https://quay.example.com after 2 attempts" in str(exc.value)


def test_tls_failure_is_not_retried(transport):
    transport.expect("GET", TAGS_PATH, raises=requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))
    client = make_client()
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert exc.value.kind == "tls" and client.requests_sent == 1
    assert "ca_path" in str(exc.value) and "CERTIFICATE_VERIFY_FAILED" in str(exc.value)


@pytest.mark.parametrize("text", [
    "HTTPSConnectionPool(host='q', port=8080): Max retries exceeded (Caused by SSLError(SSLError(1, '[SSL: WRONG_VERSION_NUMBER] "
    "wrong version number (_ssl.c:1006)')))",
    "HTTPSConnectionPool(host='q', port=8080): Max retries exceeded (Caused by SSLError(SSLError(1, '[SSL] record layer failure "
    "(_ssl.c:1010)')))",
])
def test_https_to_a_plain_http_server_says_so(transport, text):
    transport.expect("GET", TAGS_PATH, raises=requests.exceptions.SSLError(text))
    client = make_client()
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert exc.value.kind == "tls" and client.requests_sent == 1
    assert str(exc.value).startswith("https://quay.example.com does not speak TLS (")
    assert "write http:// in quay_host explicitly" in str(exc.value) and "ca_path" not in str(exc.value)


def test_short_exception_texts_keep_parentheses_balanced():
    verify = requests.exceptions.SSLError("Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: "
                                          "CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
                                          "certificate (_ssl.c:1006)')))")
    assert QuayClient._short(verify) == ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local "
                                         "issuer certificate")
    broken = requests.exceptions.ChunkedEncodingError("('Connection broken: IncompleteRead(282 bytes read, 282 more expected)', "
                                                      "IncompleteRead(282 bytes read, 282 more expected))")
    assert QuayClient._short(broken) == "Connection broken: IncompleteRead(282 bytes read, 282 more expected)"


def test_delete_whose_answer_was_lost_counts_as_done(transport):
    transport.expect("DELETE", TAGS_PATH + "v1", raises=requests.exceptions.ReadTimeout("Read timed out."))
    transport.expect("DELETE", TAGS_PATH + "v1", status=404, body=NOT_FOUND)
    client = make_client()
    client.delete_tag("org/app", "v1")
    assert client.requests_sent == 2


D2 = "sha256:" + "2" * 64
TIMEOUT = requests.exceptions.ReadTimeout("Read timed out.")
GATEWAY_TIMEOUT = {"message": "upstream timed out"}


@pytest.mark.parametrize("lost", [dict(raises=TIMEOUT), dict(status=504, body=GATEWAY_TIMEOUT), dict(status=502, body=None),
                                  dict(raises=requests.exceptions.ConnectionError("Connection aborted."))])
def test_a_move_whose_answer_was_lost_is_read_back_and_not_sent_again(transport, lost):
    transport.expect("PUT", TAGS_PATH + "stable", **lost)
    transport.expect("GET", TAGS_PATH, body=page([row("stable", D2)]))
    client = make_client()
    assert client.change_tag("org/app", "stable", manifest_digest=D2) is None
    assert [c.method for c in transport.calls] == ["PUT", "GET"]
    assert transport.calls[1].query == {"specificTag": "stable", "onlyActiveTags": "true"}
    assert client.requests_sent == 2 and len(client.sleeps) == 1
    assert len(client.warnings) == 1
    assert client.warnings[0].startswith("PUT /api/v1/repository/org/app/tag/stable: ")
    assert client.warnings[0].endswith("; read back from Quay: the change is in place, not sent again")


def test_a_move_not_in_place_after_a_lost_answer_is_sent_again(transport):
    # A 502: the proxy is done with the request (unlike a time-out or a 504), so one read tells.
    transport.expect("PUT", TAGS_PATH + "stable", status=502, body=None)
    transport.expect("GET", TAGS_PATH, body=page([row("stable", D1)]))
    transport.expect("PUT", TAGS_PATH + "stable", status=201, body="Updated")
    client = make_client()
    client.change_tag("org/app", "stable", manifest_digest=D2)
    assert [c.method for c in transport.calls] == ["PUT", "GET", "PUT"]
    assert transport.calls[2].body == {"manifest_digest": D2}
    assert len(client.warnings) == 1 and "retried in" in client.warnings[0]


def test_a_failed_read_back_falls_back_to_sending_again(transport):
    transport.expect("PUT", TAGS_PATH + "stable", status=502, body=None)
    transport.expect("GET", TAGS_PATH, status=403, body=SCOPE)
    transport.expect("PUT", TAGS_PATH + "stable", status=201, body="Updated")
    client = make_client()
    client.change_tag("org/app", "stable", manifest_digest=D2)
    assert [c.method for c in transport.calls] == ["PUT", "GET", "PUT"]


def test_a_restore_whose_answer_was_lost_is_read_back(transport):
    transport.expect("POST", TAGS_PATH + "stable/restore", raises=TIMEOUT)
    transport.expect("GET", TAGS_PATH, body=page([row("stable", D2)]))
    client = make_client()
    client.restore_tag("org/app", "stable", D2)
    assert [c.method for c in transport.calls] == ["POST", "GET"]


def test_the_last_attempt_is_read_back_before_failing(transport):
    transport.expect("PUT", TAGS_PATH + "stable", status=502, body=None)
    transport.expect("GET", TAGS_PATH, body=page([row("stable", D1)]))
    transport.expect("PUT", TAGS_PATH + "stable", status=502, body=None)
    transport.expect("GET", TAGS_PATH, body=page([row("stable", D2)]))
    client = make_client(retries=1)
    client.change_tag("org/app", "stable", manifest_digest=D2)
    assert [c.method for c in transport.calls] == ["PUT", "GET", "PUT", "GET"]
    assert "retried in" in client.warnings[0] and "the change is in place" in client.warnings[1]


class SlowQuay:
    """A Quay that applies a lost move only after ``reads_before`` read-backs (it is still working on it meanwhile)."""

    def __init__(self, lost, reads_before, digest=D2, read_status=200):
        self.lost = lost
        self.reads_before = reads_before
        self.digest = digest
        self.read_status = read_status
        self.reads = 0
        self.read_times = []
        self.put_times = []

    def handler(self, client):
        def answer(call):
            if call.method == "GET":
                self.reads += 1
                self.read_times.append(client._clock())
                if self.read_status != 200:
                    return self.read_status, SCOPE, None
                applied = self.reads > self.reads_before
                return 200, page([row("stable", self.digest if applied else D1)]), None
            self.put_times.append(client._clock())
            if len(self.put_times) == 1:
                if isinstance(self.lost, Exception):
                    raise self.lost
                return self.lost, GATEWAY_TIMEOUT, None
            return 201, "Updated", None
        return answer


@pytest.mark.parametrize("lost", [TIMEOUT, 504])
def test_a_move_still_in_flight_after_a_lost_answer_is_watched_before_it_is_sent_again(transport, lost):
    # Quay is still working on the PUT when the first read-backs arrive (a 1.6 s request against a 1 s time-out):
    # the read-back keeps reading, and the PUT is not sent again.
    client = make_client(timeout=4)
    quay = SlowQuay(lost, reads_before=3)
    transport.handler = quay.handler(client)
    assert client.change_tag("org/app", "stable", manifest_digest=D2) is None
    assert [c.method for c in transport.calls] == ["PUT", "GET", "GET", "GET", "GET"]
    assert len(quay.put_times) == 1
    assert all(0 < when <= 4 for when in quay.read_times)
    assert client.warnings == ["PUT /api/v1/repository/org/app/tag/stable: %s; read back from Quay: the change is in place, "
                               "not sent again" % ("no answer within 4 s" if lost is TIMEOUT else "HTTP 504")]


@pytest.mark.parametrize("lost", [TIMEOUT, 504])
def test_a_lost_move_is_watched_for_timeout_seconds_then_sent_again(transport, lost):
    client = make_client(timeout=4)
    quay = SlowQuay(lost, reads_before=1000)
    transport.handler = quay.handler(client)
    client.change_tag("org/app", "stable", manifest_digest=D2)
    assert len(quay.put_times) == 2 and quay.reads >= 3
    # Every read within the window, the last one at its end, and the write sent again only then.
    assert quay.read_times[-1] == pytest.approx(4) and quay.put_times[1] == pytest.approx(4)
    # Pauses grow: each read-back pause at least as long as the one before (the last one is cut at the window's end).
    pauses = [b - a for a, b in zip(quay.read_times, quay.read_times[1:])]
    assert all(later >= earlier for earlier, later in zip(pauses[:-2], pauses[1:-1])), pauses


def test_failed_read_backs_keep_watching_until_the_window_ends(transport):
    client = make_client(timeout=2)
    quay = SlowQuay(TIMEOUT, reads_before=1000, read_status=403)
    transport.handler = quay.handler(client)
    client.change_tag("org/app", "stable", manifest_digest=D2)
    assert quay.reads >= 2 and quay.put_times[1] == pytest.approx(2)


@pytest.mark.parametrize("lost", [dict(raises=TIMEOUT), dict(status=504, body=GATEWAY_TIMEOUT)])
def test_expiration_changes_are_sent_again_without_a_read(transport, lost):
    # Quay changes the expiration in place: sending it twice adds no history row, so no read-back is needed.
    transport.expect("PUT", TAGS_PATH + "stable", **lost)
    transport.expect("PUT", TAGS_PATH + "stable", status=201, body="Updated")
    client = make_client()
    client.change_tag("org/app", "stable", expiration=1800000000)
    assert [c.method for c in transport.calls] == ["PUT", "PUT"]


def test_a_move_with_other_fields_is_sent_again_without_a_read(transport):
    transport.expect("PUT", TAGS_PATH + "stable", raises=TIMEOUT)
    transport.expect("PUT", TAGS_PATH + "stable", status=201, body="Updated")
    client = make_client()
    client.change_tag("org/app", "stable", manifest_digest=D2, immutable=True)
    assert [c.method for c in transport.calls] == ["PUT", "PUT"]


@pytest.mark.parametrize("status", [429, 503])
def test_refusals_that_quay_did_not_handle_are_sent_again_without_a_read(transport, status):
    transport.expect("PUT", TAGS_PATH + "stable", status=status, body={"message": "busy"})
    transport.expect("PUT", TAGS_PATH + "stable", status=201, body="Updated")
    client = make_client()
    client.change_tag("org/app", "stable", manifest_digest=D2)
    assert [c.method for c in transport.calls] == ["PUT", "PUT"]


def test_a_connect_timeout_was_never_sent_and_is_not_read_back(transport):
    transport.expect("PUT", TAGS_PATH + "stable", raises=requests.exceptions.ConnectTimeout("timed out"))
    transport.expect("PUT", TAGS_PATH + "stable", status=201, body="Updated")
    client = make_client()
    client.change_tag("org/app", "stable", manifest_digest=D2)
    assert [c.method for c in transport.calls] == ["PUT", "PUT"]


def test_delete_404_without_lost_answer_fails(transport):
    transport.expect("DELETE", TAGS_PATH + "v1", status=404, body=NOT_FOUND)
    with pytest.raises(QuayError) as exc:
        make_client().delete_tag("org/app", "v1")
    assert exc.value.kind == "not_found" and "tag v1 not found in org/app" in str(exc.value)


# -- errors that are not retried ---------------------------------------------------------------

READONLY = {"message": "Repository is in read only or mirror mode: 1"}
MIRROR = {"message": "Repository is in read only or mirror mode: 2"}
SYSTEM_RO = {"message": "System is currently read-only. Pulls will succeed but all write operations are currently suspended.",
             "is_readonly": True}
CSRF = b'{"error": "CSRF token was invalid or missing."}'
HTML = b"<!doctype html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@pytest.mark.parametrize("method, status, body, headers, kind, words", [
    ("PUT", 503, READONLY, None, "readonly", "repository org/app is in read-only or mirror mode"),
    ("PUT", 503, MIRROR, None, "readonly", "read-only or mirror mode"),
    ("PUT", 503, SYSTEM_RO, None, "readonly", "registry is in read-only mode"),
    ("PUT", 401, {"detail": "Requires authentication", "error_type": "invalid_token"}, None, "auth", "token is missing, invalid or expired"),
    ("PUT", 403, CSRF, {"Content-Type": "text/html; charset=utf-8"}, "auth", "token is missing, invalid or expired"),
    ("PUT", 403, SCOPE, None, "permission", "lacks repo:write permission on org/app, or org/app does not exist"),
    ("PUT", 404, NOT_FOUND, None, "not_found", "manifest sha256:111"),
    ("PUT", 409, {"detail": "Cannot overwrite immutable tag 'v1'", "error_message": "Cannot overwrite immutable tag 'v1'",
                  "error_type": "tag_immutable"}, None, "immutable", "tag v1 in org/app is immutable"),
    ("PUT", 415, {"message": "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."},
     None, "bad_request", "Did not attempt to load JSON"),
    ("PUT", 400, {"message": "The browser (or proxy) sent a request that this server could not understand."}, None,
     "bad_request", "could not understand"),
    ("PUT", 400, {"detail": "'x' is not of type 'number', 'null'", "error_message": "'x' is not of type 'number', 'null'",
                  "error_type": "invalid_request"}, None, "bad_request", "is not of type"),
    ("PUT", 400, {"message": {"limit": "Limit to the number of results to return per page. Max 100."}}, None, "bad_request",
     "limit: Limit to the number"),
    ("PUT", 400, {"error": "API calls must be invoked with an X-Requested-With header if called from a browser"}, None,
     "bad_request", "X-Requested-With"),
    ("PUT", 500, {"message": "boom"}, None, "server", "server error (HTTP 500)"),
    ("PUT", 308, b"<html><title>Redirecting...</title></html>", {"Location": "https://quay.example.com/x/"}, "redirect",
     "redirect (HTTP 308) to https://quay.example.com/x/"),
])
def test_permanent_errors(transport, method, status, body, headers, kind, words):
    transport.expect(method, TAGS_PATH + "v1", status=status, body=body, headers=headers)
    client = make_client()
    with pytest.raises(QuayError) as exc:
        client.change_tag("org/app", "v1", manifest_digest=D1)
    assert exc.value.kind == kind
    assert words in str(exc.value)
    assert exc.value.status == status and exc.value.method == "PUT" and exc.value.path == TAGS_PATH + "v1"
    assert "(PUT %sv1)" % TAGS_PATH in str(exc.value)
    assert client.requests_sent == 1


def test_scope_for_clearing_immutability(transport):
    transport.expect("PUT", TAGS_PATH + "v1", status=403, body=SCOPE)
    with pytest.raises(QuayError) as exc:
        make_client().change_tag("org/app", "v1", immutable=False)
    assert "repo:admin" in str(exc.value)


def test_list_errors(transport):
    transport.expect("GET", TAGS_PATH, status=404, body=NOT_FOUND)
    transport.expect("GET", TAGS_PATH, status=403, body=SCOPE)
    client = make_client()
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert str(exc.value).startswith("repository org/app not found (HTTP 404)")
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert "lacks repo:read permission on org/app" in str(exc.value)


def test_restore_404_names_garbage_collection(transport):
    transport.expect("POST", TAGS_PATH + "v1/restore", status=404, body=NOT_FOUND)
    with pytest.raises(QuayError) as exc:
        make_client().restore_tag("org/app", "v1", D1)
    assert "garbage-collected" in str(exc.value) and D1 in str(exc.value)


def test_expiration_404_names_inactive_tag(transport):
    transport.expect("PUT", TAGS_PATH + "v1", status=404, body=NOT_FOUND)
    with pytest.raises(QuayError) as exc:
        make_client().change_tag("org/app", "v1", expiration=1900000000)
    assert "tag v1 is not active in org/app" in str(exc.value)


@pytest.mark.parametrize("status, body", [
    (200, HTML), (200, b'{"tags": [{"name": "la'), (200, b""), (200, b'"Updated"'), (200, b'{"page": 1}'),
])
def test_bad_success_bodies(transport, status, body):
    transport.expect("GET", TAGS_PATH, status=status, body=body)
    client = make_client()
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert exc.value.kind == "bad_response" and client.requests_sent == 1


def test_html_error_page_from_proxy(transport):
    for _i in range(4):
        transport.expect("GET", TAGS_PATH, status=502, body=HTML)
    with pytest.raises(QuayError) as exc:
        make_client().list_tags("org/app")
    assert "HTML page (502 Bad Gateway)" in str(exc.value)


PROXY_403 = b"<html><head><title>403 Forbidden</title></head><body><center>nginx</center></body></html>"
WERKZEUG_404 = b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found</p>\n"


@pytest.mark.parametrize("status, body, title", [(403, PROXY_403, "403 Forbidden"), (404, WERKZEUG_404, "404 Not Found"),
                                                 (401, b"<html><title>Log in</title></html>", "Log in")])
def test_html_page_with_a_client_error_status_is_not_blamed_on_the_token_or_repository(transport, status, body, title):
    transport.expect("GET", TAGS_PATH, status=status, body=body, headers={"Content-Type": "text/html"})
    client = make_client()
    with pytest.raises(QuayError) as exc:
        client.list_tags("org/app")
    assert exc.value.kind == "bad_response" and client.requests_sent == 1
    assert str(exc.value) == ("Quay (or a proxy in front of it) answered HTTP %d with an HTML page (%s) instead of Quay's JSON: "
                              "is quay_host pointing at a proxy or the web UI? (GET %s)" % (status, title, TAGS_PATH))


def test_html_page_after_retries_says_how_many_attempts(transport):
    for _i in range(2):
        transport.expect("GET", TAGS_PATH, status=502, body=HTML)
    with pytest.raises(QuayError) as exc:
        make_client(retries=1).list_tags("org/app")
    assert "answered HTTP 502 after 2 attempts with an HTML page (502 Bad Gateway)" in str(exc.value)
    assert exc.value.attempts == 2 and exc.value.kind == "server"


def test_wrong_success_status(transport):
    transport.expect("PUT", TAGS_PATH + "v1", status=200, body=b"<html><title>Login</title></html>")
    with pytest.raises(QuayError) as exc:
        make_client().change_tag("org/app", "v1", manifest_digest=D1)
    assert exc.value.kind == "bad_response"


# -- the token -------------------------------------------------------------------------------

def test_token_never_in_messages(transport):
    echo = {"message": "bad token %s here" % TOKEN}
    transport.expect("GET", TAGS_PATH, status=400, body=echo)
    for _i in range(2):
        transport.expect("GET", TAGS_PATH, raises=requests.exceptions.ConnectionError("proxy said %s" % TOKEN))
    client = make_client(retries=1)
    for _i in range(2):
        with pytest.raises(QuayError) as exc:
            client.list_tags("org/app")
        text = str(exc.value) + repr(exc.value.to_result()) + " ".join(client.warnings)
        assert TOKEN not in text


def test_parse_error_body_shapes():
    assert parse_error_body('{"detail": "d", "error_message": "m", "error_type": "t"}') == ("m", "t")
    assert parse_error_body('{"message": "x"}') == ("x", None)
    assert parse_error_body('{"message": {"page": "Page index"}}') == ("page: Page index", None)
    assert parse_error_body('{"error": "CSRF token was invalid or missing."}') == ("CSRF token was invalid or missing.", None)
    assert parse_error_body("") == (None, None)
    assert parse_error_body("<html><title>Oops</title></html>")[1] == "html"
    assert parse_error_body("plain text")[1] == "not_json"


def test_version_matches_galaxy_yml():
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
    galaxy = os.path.join(root, "galaxy.yml")
    if not os.path.exists(galaxy):
        pytest.skip("galaxy.yml not present in this tree")
    with open(galaxy) as handle:
        assert "version: %s" % _client.COLLECTION_VERSION in handle.read()
