# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._common import (
    EXPIRATION_MAX_OFFSET,
    EXPIRATION_MIN_OFFSET,
    clamp_expiration,
    iso8601,
    normalize_row,
    parse_duration,
    parse_expiration,
    parse_iso8601,
    parse_point_in_time,
    parse_rfc2822,
    row_is_active,
)

# 2026-11-28T22:40:46Z, the instant of the real server's transcripts.
T0 = 1795905646
D1 = "sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af"
D2 = "sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5"
LIST = "sha256:b4287e47ed4f6d030aa5f3c5f3dbdae56c8ae54871c585acc6ee682315aa9d73"


# -- dates --------------------------------------------------------------------------------------

def test_iso8601():
    assert iso8601(T0) == "2026-11-28T22:40:46Z"
    assert iso8601(T0 + 0.999) == "2026-11-28T22:40:46Z"  # whole seconds, floored like Quay's
    assert iso8601(0) == "1970-01-01T00:00:00Z"
    assert iso8601(None) is None


@pytest.mark.parametrize("text, expected", [
    ("Sat, 28 Nov 2026 22:40:46 -0000", T0),  # Quay's format
    ("Sat, 28 Nov 2026 22:40:46 GMT", T0),
    ("Sat, 28 Nov 2026 23:40:46 +0100", T0),
    ("", None),
    (None, None),
    ("not a date", None),
])
def test_parse_rfc2822(text, expected):
    assert parse_rfc2822(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-11-28T22:40:46Z", T0),
    ("2026-11-28T22:40:46z", T0),
    ("2026-11-28 22:40:46", T0),  # no zone: UTC
    ("2026-11-28T23:40:46+01:00", T0),
    ("2026-11-28T17:10:46-0530", T0),
    ("2026-11-28T22:40:46.250Z", T0 + 0.25),
    ("2026-11-28T22:40Z", T0 - 46),
    ("2026-11-28", T0 - (22 * 3600 + 40 * 60 + 46)),
    ("  2026-11-28T22:40:46Z  ", T0),
])
def test_parse_iso8601(text, expected):
    assert parse_iso8601(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30T00:00:00Z", "2026-11-28T25:00:00Z", "28/11/2026", "yesterday",
                                  "2026-11-28T22:40:46Q", ""])
def test_parse_iso8601_rejects(text):
    with pytest.raises(ValueError) as exc:
        parse_iso8601(text)
    assert repr(text) in str(exc.value)


@pytest.mark.parametrize("value, expected", [
    (T0, float(T0)),
    (T0 + 0.5, T0 + 0.5),
    (str(T0), float(T0)),
    (" %d " % T0, float(T0)),
    ("%d.75" % T0, T0 + 0.75),
    ("2026-11-28T22:40:46Z", float(T0)),
])
def test_parse_point_in_time(value, expected):
    assert parse_point_in_time(value) == expected


@pytest.mark.parametrize("value", [True, False, "yesterday", "-5", "", "1795905646000x", [T0]])
def test_parse_point_in_time_rejects(value):
    with pytest.raises(ValueError):
        parse_point_in_time(value)


# -- expiration values --------------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [("90m", 5400), ("+36h", 129600), ("1w2d", 777600), ("2w", 1209600), ("45s", 45)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["0s", "1y", "h", "1.5h", "-1h", "1 h", ""])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("value, kind, amount", [
    (None, None, None),
    ("never", "never", None),
    ("", "never", None),
    (T0, "absolute", float(T0)),
    (str(T0), "absolute", float(T0)),
    ("2026-11-28T22:40:46Z", "absolute", float(T0)),
    ("2w", "relative", 1209600),
    ("+1d", "relative", 86400),
])
def test_parse_expiration(value, kind, amount):
    parsed = parse_expiration(value)
    if kind is None:
        assert parsed is None
    else:
        assert (parsed.kind, parsed.value) == (kind, amount)


@pytest.mark.parametrize("value", [True, "soon", "2026-11-31", "-1d"])
def test_parse_expiration_rejects(value):
    with pytest.raises(ValueError):
        parse_expiration(value)


def test_clamp_expiration_matches_the_real_server():
    # Recorded from a real Quay (tests/emulator/README.md): start 1795906020; now+10 min stored start+1h; now+3 years stored start+104 weeks.
    start = 1795906020
    assert clamp_expiration(start, 1795906620) == 1795909620
    assert clamp_expiration(start, 1890514020) == 1858805220
    assert clamp_expiration(start, start + 86400) == start + 86400
    assert clamp_expiration(start, start + EXPIRATION_MIN_OFFSET) == start + EXPIRATION_MIN_OFFSET
    assert clamp_expiration(start, start + EXPIRATION_MAX_OFFSET + 1) == start + EXPIRATION_MAX_OFFSET


# -- rows ---------------------------------------------------------------------------------------

def test_row_is_active():
    assert row_is_active({"start_ts": T0}, T0)
    assert row_is_active({"start_ts": T0, "end_ts": T0 + 1}, T0)  # a scheduled expiration
    assert not row_is_active({"start_ts": T0, "end_ts": T0}, T0)  # ended this second
    assert not row_is_active({"start_ts": T0, "end_ts": T0 - 5}, T0)


def test_normalize_active_row_from_transcript():
    row = {"name": "latest", "reversion": False, "start_ts": T0, "manifest_digest": D1, "is_manifest_list": False,
           "size": 58, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000"}
    assert normalize_row(row, T0 + 10) == {
        "name": "latest", "manifest_digest": D1, "active": True, "reversion": False, "start_ts": T0, "end_ts": None,
        "last_modified": "2026-11-28T22:40:46Z", "expiration": None, "is_manifest_list": False, "size": 58,
    }


def test_normalize_deleted_row():
    row = {"name": "old", "reversion": False, "start_ts": T0, "end_ts": T0, "manifest_digest": D1,
           "is_manifest_list": False, "size": 58, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000",
           "expiration": "Sat, 28 Nov 2026 22:40:46 -0000"}
    out = normalize_row(row, T0 + 10)
    assert out["active"] is False
    assert (out["end_ts"], out["expiration"]) == (T0, "2026-11-28T22:40:46Z")


def test_normalize_row_with_future_expiration_is_active():
    row = {"name": "exptag", "reversion": False, "start_ts": 1795906020, "end_ts": 1795909620, "manifest_digest": D1,
           "is_manifest_list": False, "size": 58, "last_modified": "Sat, 28 Nov 2026 22:47:00 -0000",
           "expiration": "Sat, 28 Nov 2026 23:47:00 -0000"}
    out = normalize_row(row, 1795906030)
    assert out["active"] is True
    assert out["expiration"] == "2026-11-28T23:47:00Z"
    assert normalize_row(row, 1795909620)["active"] is False  # once the second is reached


def test_normalize_manifest_list_keeps_child_fields():
    presence = {D1: True, D2: False}
    row = {"name": "multiarch", "reversion": False, "immutable": True, "start_ts": T0, "manifest_digest": LIST,
           "is_manifest_list": True, "size": None, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000",
           "is_sparse": True, "child_manifest_count": 2, "present_child_count": 1, "child_manifests_presence": presence}
    out = normalize_row(row, T0)
    assert out["is_manifest_list"] is True and out["size"] is None
    assert out["immutable"] is True
    assert (out["is_sparse"], out["child_manifest_count"], out["present_child_count"]) == (True, 2, 1)
    assert out["child_manifests_presence"] == presence


def test_normalize_row_without_optional_keys():
    # The server omits immutable when the feature is off, and the list keys for plain manifests.
    out = normalize_row({"name": "v1", "reversion": True, "start_ts": T0, "manifest_digest": D2,
                         "is_manifest_list": False, "size": 87}, T0)
    for key in ("immutable", "is_sparse", "child_manifest_count", "present_child_count", "child_manifests_presence"):
        assert key not in out
    assert out["reversion"] is True
    assert out["last_modified"] == "2026-11-28T22:40:46Z"  # falls back to start_ts


def test_numeric_strings_of_milliseconds_stay_numbers():
    # ansible-core < 2.19 hands templated integers to modules as strings: 13 digits must still parse as a number
    from ansible_collections.quaytools.tags.plugins.module_utils._common import parse_expiration, parse_point_in_time
    assert parse_point_in_time("1795917456464") == 1795917456464.0
    assert parse_expiration("1796510802000").value == 1796510802000.0
