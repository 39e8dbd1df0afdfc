# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tag_events source's arguments and its blocking poll (a scripted transport; the emulator runs in
tests/unit/extensions/test_tag_events_source.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._tag_watch import (
    SourceArgumentError,
    Watcher,
    WatchFailure,
    parse_arguments,
)

TOKEN = "watch-unit-token-0123456789abcdef"
CONNECTION = {"quay_host": "https://quay.example.com", "quay_token": TOKEN}
D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
NOW = 1800000000


def args(**extra):
    out = dict(CONNECTION, repositories=["myorg/app"])
    out.update(extra)
    return out


def test_defaults():
    settings = parse_arguments(args(), {})
    assert settings["interval"] == 60 and settings["expiring_within"] is None
    assert settings["report_existing"] is False and settings["concurrency"] == 4
    assert settings["max_backoff"] == 600 and settings["retries"] == 3 and settings["timeout"] == 30
    assert settings["changes"] == frozenset(["created", "moved", "deleted", "restored", "expiration_changed",
                                             "immutability_changed", "expiring"])


def test_connection_from_the_environment_and_arguments_win():
    environ = {"QUAY_HOST": "https://env.example.com", "QUAY_TOKEN": "env-token", "QUAY_RETRIES": "5",
               "QUAY_VALIDATE_CERTS": "false", "QUAY_TIMEOUT": "7.5"}
    settings = parse_arguments({"namespaces": "myorg"}, environ)
    assert settings["quay_host"] == "https://env.example.com" and settings["quay_token"] == "env-token"
    assert settings["retries"] == 5 and settings["validate_certs"] is False and settings["timeout"] == 7.5
    assert settings["namespaces"] == ["myorg"] and settings["repositories"] == []
    settings = parse_arguments(args(retries=0), environ)
    assert settings["quay_host"] == CONNECTION["quay_host"] and settings["retries"] == 0


def test_durations_and_lists():
    settings = parse_arguments(args(interval="5m", expiring_within="1d", max_backoff=3600,
                                    repositories=["myorg/app", "myorg/app", "myorg/team/web"],
                                    changes=["moved", "expiring"], report_existing="yes"), {})
    assert settings["interval"] == 300 and settings["expiring_within"] == 86400
    assert settings["repositories"] == ["myorg/app", "myorg/team/web"]
    assert settings["changes"] == frozenset(["moved", "expiring"]) and settings["report_existing"] is True


@pytest.mark.parametrize("extra, words", [
    ({"repositories": None}, "nothing to watch: give repositories (namespace/name) or namespaces"),
    ({"repositories": "app"}, "repositories: 'app' is not a repository"),
    ({"repositories": {"myorg/app": 1}}, "repositories: give a list"),
    ({"namespaces": ["My Org"]}, "namespaces: 'My Org' is not a namespace"),
    ({"interval": 0}, "interval: 0 is not a positive number of seconds"),
    ({"interval": "soon"}, "interval: 'soon' is not a duration"),
    ({"interval": True}, "interval: True is not a number of seconds"),
    ({"expiring_within": "-1d"}, "expiring_within: "),
    ({"concurrency": 0}, "concurrency: 0 is not a whole number from 1 to 16"),
    ({"concurrency": 2.5}, "concurrency: 2.5 is not a whole number"),
    ({"report_existing": "maybe"}, "report_existing: 'maybe' is not a boolean"),
    ({"changes": ["moved", "renamed"]}, "changes: ['moved', 'renamed']: give a list of created, moved"),
    ({"changes": ["expiring"]}, "changes: expiring needs expiring_within"),
    ({"interval": 120, "max_backoff": 60}, "max_backoff: 60 is shorter than interval (120)"),
    ({"repository": "myorg/app"}, "unknown argument(s) repository: the arguments are ca_path, changes"),
    ({"quay_host": None}, "missing required connection option quay_host: set it in the source's arguments, or in "
                          "the QUAY_HOST environment variable"),
    ({"quay_host": "ftp://quay"}, "quay_host: 'ftp://quay' has scheme ftp"),
    ({"retries": 11}, "retries: 11 is not a whole number from 0 to 10"),
])
def test_bad_arguments(extra, words):
    with pytest.raises(SourceArgumentError) as info:
        parse_arguments(args(**extra), {})
    assert words in str(info.value)
    assert str(info.value).startswith("quaytools.tags.tag_events: ")
    assert TOKEN not in str(info.value)


def test_feedback_queue_argument_is_accepted():
    assert parse_arguments(args(eda_feedback_queue=object()), {})["repositories"] == ["myorg/app"]


def page(*rows):
    return {"tags": list(rows), "page": 1, "has_additional": False}


def tag(name, digest=D1, start=NOW - 3600, end=None):
    out = {"name": name, "reversion": False, "start_ts": start, "manifest_digest": digest, "is_manifest_list": False}
    if end is not None:
        out["end_ts"] = end
    return out


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


class Log:
    def __init__(self):
        self.warnings = []

    def warning(self, text, *values):
        self.warnings.append(text % values)


@pytest.fixture
def watcher(transport):
    clock = Clock()
    log = Log()
    instance = Watcher(parse_arguments(args(interval=10, max_backoff=100, retries=0), {}), clock=clock, log=log)
    instance.client = instance.make_client()
    instance.clock_ = clock
    instance.log_ = log
    return instance


LIST = "/api/v1/repository/myorg/app/tag/"


def test_first_poll_records_then_diffs_and_reads_the_deletion_time(watcher, transport):
    transport.expect("GET", LIST, body=page(tag("latest"), tag("old", D2)))
    assert watcher.poll(watcher.client, "myorg/app") == []
    transport.expect("GET", LIST, body=page(tag("latest", D2, start=NOW + 5)))
    transport.expect("GET", LIST, body=page(dict(tag("old", D2), end_ts=NOW + 7)))
    watcher.clock_.now = NOW + 10
    events = watcher.poll(watcher.client, "myorg/app")
    assert [(e["tag"], e["change"]) for e in events] == [("latest", "moved"), ("old", "deleted")]
    assert events[1]["changed_at"] == "2027-01-15T08:00:07Z"
    assert transport.calls[0].query == {"onlyActiveTags": "true", "limit": "100", "page": "1"}
    assert transport.calls[2].query == {"specificTag": "old", "onlyActiveTags": "false", "limit": "1"}
    assert events[0]["quay_host"] == "https://quay.example.com"


def test_transient_failure_backs_off_that_repository_and_keeps_its_state(watcher, transport):
    transport.expect("GET", LIST, body=page(tag("latest")))
    watcher.poll(watcher.client, "myorg/app")
    transport.expect("GET", LIST, status=503, body={"message": "down"})
    assert watcher.poll(watcher.client, "myorg/app") == []
    assert "repository myorg/app: Quay is unavailable (HTTP 503)" in watcher.log_.warnings[0]
    assert "tried again in 20 s (failure 1 in a row)" in watcher.log_.warnings[0]
    watcher.clock_.now += 19
    assert watcher.poll(watcher.client, "myorg/app") == [] and len(transport.calls) == 2  # not due yet: no request
    watcher.clock_.now += 1
    transport.expect("GET", LIST, status=502, body="")
    watcher.poll(watcher.client, "myorg/app")
    assert "tried again in 40 s (failure 2 in a row)" in watcher.log_.warnings[1]
    watcher.clock_.now += 40
    transport.expect("GET", LIST, body=page(tag("latest")))
    assert watcher.poll(watcher.client, "myorg/app") == []  # the state survived: no false events
    watcher.clock_.now += 1
    transport.expect("GET", LIST, status=503, body={"message": "down"})
    watcher.poll(watcher.client, "myorg/app")
    assert "failure 1 in a row" in watcher.log_.warnings[2]  # the count started again after the success


def test_backoff_is_capped(watcher, transport):
    transport.expect("GET", LIST, body=page(tag("latest")))
    watcher.poll(watcher.client, "myorg/app")
    for dummy in range(5):
        transport.expect("GET", LIST, status=504, body="")
        watcher.poll(watcher.client, "myorg/app")
        watcher.clock_.now += 1000
    assert "tried again in 100 s (failure 5 in a row)" in watcher.log_.warnings[-1]


@pytest.mark.parametrize("status, body, words", [
    (401, {"error_message": "Requires authentication", "error_type": "invalid_token"}, "authentication failed"),
    (404, {"error_message": "Not Found", "error_type": "not_found"}, "repository myorg/app not found"),
    (403, {"error_message": "Unauthorized", "error_type": "insufficient_scope"}, "permission denied"),
])
def test_first_poll_of_a_listed_repository_fails_clearly(watcher, transport, status, body, words):
    transport.expect("GET", LIST, status=status, body=body)
    with pytest.raises(WatchFailure) as info:
        watcher.poll(watcher.client, "myorg/app")
    assert str(info.value).startswith("quaytools.tags.tag_events: repository myorg/app: ")
    assert words in str(info.value)


def test_a_repository_that_goes_away_later_is_a_passing_state(watcher, transport):
    transport.expect("GET", LIST, body=page(tag("latest")))
    watcher.poll(watcher.client, "myorg/app")
    transport.expect("GET", LIST, status=404, body={"error_message": "Not Found", "error_type": "not_found"})
    assert watcher.poll(watcher.client, "myorg/app") == []
    assert "not found" in watcher.log_.warnings[0]
    transport.expect("GET", LIST, status=401, body={"error_message": "expired", "error_type": "invalid_token"})
    watcher.clock_.now += 1000
    with pytest.raises(WatchFailure):  # a token that stops working stops the source, even later
        watcher.poll(watcher.client, "myorg/app")


def test_only_the_asked_changes(transport):
    watcher = Watcher(parse_arguments(args(changes=["deleted"]), {}), clock=Clock())
    client = watcher.make_client()
    transport.expect("GET", LIST, body=page(tag("a"), tag("b")))
    watcher.poll(client, "myorg/app")
    transport.expect("GET", LIST, body=page(tag("a", D2, start=NOW), tag("c")))
    transport.expect("GET", LIST, body=page())  # the deletion time could not be told: changed_at stays null
    events = watcher.poll(client, "myorg/app")
    assert [(e["tag"], e["change"]) for e in events] == [("b", "deleted")]
    assert events[0]["changed_at"] is None


def test_report_existing(transport):
    watcher = Watcher(parse_arguments(args(report_existing=True, expiring_within="1h"), {}), clock=Clock())
    client = watcher.make_client()
    transport.expect("GET", LIST, body=page(tag("a"), tag("b", end=NOW + 600)))
    events = watcher.poll(client, "myorg/app")
    assert [(e["tag"], e["change"]) for e in events] == [("a", "created"), ("b", "created"), ("b", "expiring")]
