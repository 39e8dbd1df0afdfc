# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diffing of the tag_events source: Quay listing rows before and after -> one event per change."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys
import tracemalloc

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._tag_events import (
    CHANGES,
    diff,
    existing_events,
    mark_announced,
    snapshot,
)

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
NOW = 1800000000
HOUR = 3600
REPO = "myorg/app"


def row(name, digest=D1, start=NOW - HOUR, end=None, reversion=False, immutable=None):
    out = {"name": name, "reversion": reversion, "start_ts": start, "manifest_digest": digest, "is_manifest_list": False,
           "size": 58, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000"}
    if end is not None:
        out["end_ts"] = end
        out["expiration"] = "Sat, 28 Nov 2026 22:40:46 -0000"
    if immutable is not None:
        out["immutable"] = immutable
    return out


def changes(before_rows, after_rows, now=NOW, window=None):
    before = snapshot(before_rows, now - 60, window)
    after = snapshot(after_rows, now, window, previous=before)
    events, dummy = diff(REPO, before, after, now, window, host="https://quay.example.com")
    return events


def kinds(events):
    return [(event["tag"], event["change"]) for event in events]


def test_no_change_no_event():
    rows = [row("latest"), row("v1", D2, end=NOW + 30 * 86400, immutable=False)]
    assert changes(rows, rows) == []


def test_created():
    events = changes([row("latest")], [row("latest"), row("new", D2, start=NOW - 5)])
    assert kinds(events) == [("new", "created")]
    event = events[0]
    assert event["digest"] == D2 and event["old_digest"] is None
    assert event["repository"] == REPO and event["quay_host"] == "https://quay.example.com"
    assert event["start_ts"] == NOW - 5
    assert event["changed_at"] == "2027-01-15T07:59:55Z" and event["detected_at"] == "2027-01-15T08:00:00Z"


def test_moved_carries_both_digests_and_the_move_time():
    events = changes([row("stable", D1, start=NOW - HOUR)], [row("stable", D2, start=NOW - 10)])
    assert kinds(events) == [("stable", "moved")]
    assert events[0]["old_digest"] == D1 and events[0]["digest"] == D2
    assert events[0]["start_ts"] == NOW - 10


def test_a_move_that_dropped_the_expiration_is_one_event():
    events = changes([row("stable", D1, end=NOW + 86400)], [row("stable", D2, start=NOW - 10)])
    assert kinds(events) == [("stable", "moved")]
    assert events[0]["old_end_ts"] == NOW + 86400 and events[0]["end_ts"] is None


def test_deleted_keeps_the_old_digest():
    events = changes([row("latest"), row("gone", D2)], [row("latest")])
    assert kinds(events) == [("gone", "deleted")]
    event = events[0]
    assert event["digest"] is None and event["old_digest"] == D2
    assert event["reason"] == "deleted" and event["changed_at"] is None


def test_expired_is_a_deletion_with_its_reason_and_time():
    before = snapshot([row("pr-1", end=NOW + 30)], NOW)
    after = snapshot([row("pr-1", end=NOW + 30)], NOW + 31)  # an ended row is left out, even if a listing still has it
    events, dummy = diff(REPO, before, after, NOW + 31)
    assert kinds(events) == [("pr-1", "deleted")]
    assert events[0]["reason"] == "expired" and events[0]["changed_at"] == "2027-01-15T08:00:30Z"


@pytest.mark.parametrize("before", [[], [row("prod", D1, start=NOW - HOUR)]])
def test_restored_is_a_reversion_row(before):
    events = changes(before, [row("prod", D1, start=NOW - 3, reversion=True)])
    assert kinds(events) == [("prod", "restored")]
    assert events[0]["reversion"] is True and events[0]["digest"] == D1


def test_restored_to_another_digest_is_not_a_move():
    events = changes([row("prod", D2)], [row("prod", D1, start=NOW - 3, reversion=True)])
    assert kinds(events) == [("prod", "restored")]
    assert events[0]["old_digest"] == D2 and events[0]["digest"] == D1


def test_an_old_reversion_row_is_not_restored_again():
    rows = [row("prod", D1, start=NOW - HOUR, reversion=True)]
    assert changes(rows, rows) == []


@pytest.mark.parametrize("before_end, after_end", [(None, NOW + 86400), (NOW + 86400, None), (NOW + 86400, NOW + 7200)])
def test_expiration_changed(before_end, after_end):
    events = changes([row("v1", end=before_end)], [row("v1", end=after_end)])
    assert kinds(events) == [("v1", "expiration_changed")]
    assert events[0]["old_end_ts"] == before_end and events[0]["end_ts"] == after_end
    assert events[0]["changed_at"] is None


def test_same_digest_written_again_shows_only_what_it_changed():
    # A PUT of the same digest starts a new row and drops the expiration: only that is visible.
    events = changes([row("v1", end=NOW + 86400)], [row("v1", start=NOW - 5)])
    assert kinds(events) == [("v1", "expiration_changed")]
    assert changes([row("v1")], [row("v1", start=NOW - 5)]) == []


def test_immutability_changed():
    events = changes([row("v1", immutable=False)], [row("v1", immutable=True)])
    assert kinds(events) == [("v1", "immutability_changed")]
    assert events[0]["old_immutable"] is False and events[0]["immutable"] is True


def test_immutability_appearing_with_the_feature_is_no_change():
    assert changes([row("v1")], [row("v1", immutable=False)]) == []


def test_two_changes_of_one_row_are_two_events():
    events = changes([row("v1", immutable=False)], [row("v1", end=NOW + 86400, immutable=True)])
    assert kinds(events) == [("v1", "expiration_changed"), ("v1", "immutability_changed")]


def test_expiring_once_per_expiration():
    window = 2 * HOUR
    before = snapshot([row("pr-1", end=NOW + 5 * HOUR)], NOW, window)
    after = snapshot([row("pr-1", end=NOW + 5 * HOUR)], NOW + 3 * HOUR + 60, window, previous=before)
    events, after = diff(REPO, before, after, NOW + 3 * HOUR + 60, window)
    assert kinds(events) == [("pr-1", "expiring")]
    assert events[0]["end_ts"] == NOW + 5 * HOUR and events[0]["expiration"] == "2027-01-15T13:00:00Z"
    later = snapshot([row("pr-1", end=NOW + 5 * HOUR)], NOW + 4 * HOUR, window, previous=after)
    assert diff(REPO, after, later, NOW + 4 * HOUR, window)[0] == []
    # A new expiration inside the window is announced again, after its change.
    moved_end = snapshot([row("pr-1", end=NOW + 4 * HOUR + 600)], NOW + 4 * HOUR, window, previous=later)
    events, dummy = diff(REPO, later, moved_end, NOW + 4 * HOUR, window)
    assert kinds(events) == [("pr-1", "expiration_changed"), ("pr-1", "expiring")]


def test_no_window_no_expiring():
    assert changes([row("pr-1", end=NOW + 60)], [row("pr-1", end=NOW + 60)], window=None) == []


def test_first_snapshot_marks_what_is_already_expiring():
    window = 2 * HOUR
    first = mark_announced(snapshot([row("soon", end=NOW + HOUR), row("later", end=NOW + 9 * HOUR)], NOW, window),
                           NOW, window)
    again = snapshot([row("soon", end=NOW + HOUR), row("later", end=NOW + 9 * HOUR)], NOW + 60, window, previous=first)
    assert diff(REPO, first, again, NOW + 60, window)[0] == []


def test_existing_events_report_every_tag():
    window = 2 * HOUR
    states = snapshot([row("a"), row("b", D2, end=NOW + HOUR), row("c", reversion=True)], NOW, window)
    events, dummy = existing_events(REPO, states, NOW, window)
    assert kinds(events) == [("a", "created"), ("b", "created"), ("b", "expiring"), ("c", "restored")]


def test_every_change_kind_is_covered_here():
    seen = set()
    for before, after in (([], [row("a")]), ([row("a")], [row("a", D2, start=NOW)]), ([row("a")], []),
                          ([], [row("a", reversion=True)]), ([row("a")], [row("a", end=NOW + 10)]),
                          ([row("a", immutable=False)], [row("a", immutable=True)])):
        seen.update(event["change"] for event in changes(before, after, window=60))
    assert seen == set(CHANGES)


def test_rows_without_name_or_digest_are_ignored():
    assert snapshot([{"name": "x"}, {"manifest_digest": D1}, row("ok")], NOW) == snapshot([row("ok")], NOW)


def test_memory_per_tag_is_small():
    # 20,000 tags over a few hundred digests, as a big namespace has: the snapshot keeps a small tuple per tag and
    # shares the digest strings.
    rows = [row("tag-%05d" % index, "sha256:%064x" % (index % 300), start=NOW - index) for index in range(20000)]
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        states = snapshot(rows, NOW)
        used = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(states) == 20000
    # A list row as Quay sends it is ~1 KB in Python; a kept tag must stay far below that.
    assert used / len(states) < 400, "%d bytes per tag" % (used / len(states))
    assert sys.getrefcount(states["tag-00000"][0]) > 2  # the digest string is shared, not copied per tag
