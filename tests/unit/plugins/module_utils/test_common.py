# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._common import (
    check_epoch_seconds,
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
    # ISO 8601 also writes offsets as hours alone or without the colon.
    ("2026-11-28T23:40:46+01", T0),
    ("2026-11-28T23:40:46+0100", T0),
    ("2026-11-28T17:40:46-05", T0),
    ("2026-11-29T08:10:46+09:30", T0),
])
def test_parse_iso8601(text, expected):
    assert parse_iso8601(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30T00:00:00Z", "2026-11-28T25:00:00Z", "28/11/2026", "yesterday",
                                  "2026-11-28T22:40:46Q", "", "2026-11-28T22:40:46+1", "2026-11-28T22:40:46+010",
                                  "2026-11-28T22:40:46+24:00", "2026-11-28T22:40:46+01:60"])
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


# -- the shared epoch-seconds check (every option that takes a time) ------------------------------

@pytest.mark.parametrize("value", [0, T0, T0 + 0.5, 12345678, 99999999999])
def test_check_epoch_seconds_accepts_plausible_seconds(value):
    assert check_epoch_seconds(value) == float(value)


@pytest.mark.parametrize("value, message", [
    (1795905646000, "1795905646000 is not in epoch seconds: it would be the year 58879; if it is in milliseconds, "
                    "give 1795905646 (2026-11-28T22:40:46Z)"),
    (1795905646000.5, "is not in epoch seconds"),
    (10 ** 11 + 1, "is not in epoch seconds"),
    (10 ** 15, "1000000000000000 is not in epoch seconds: it would be the year 31690708, and even in milliseconds "
               "it is no date: give epoch seconds or an ISO 8601 date-time"),
    (10 ** 20, "is not in epoch seconds"),
    (20261201, "20261201 is ambiguous: it reads as the date 2026-12-01 but as epoch seconds it is "
               "1970-08-23T12:06:41Z: write 2026-12-01 for the date, or its epoch seconds 1796083200"),
    (19700101, "19700101 is ambiguous: it reads as the date 1970-01-01"),
    (-1, "-1 is before 1970-01-01T00:00:00Z: give epoch seconds"),
    (float("nan"), "nan is not a point in time"),
    (float("inf"), "inf is not a point in time"),
])
def test_check_epoch_seconds_refuses_what_cannot_be_meant(value, message):
    with pytest.raises(ValueError) as exc:
        check_epoch_seconds(value)
    assert message in str(exc.value)


@pytest.mark.parametrize("value", [1795905646000, "1795905646000", " 1795905646000 ", 20261201, "20261201", -5,
                                   "99999999999999999999"])
def test_every_parser_of_a_time_uses_the_shared_check(value):
    for parse in (parse_point_in_time, parse_expiration):
        with pytest.raises(ValueError) as exc:
            parse(value)
        assert any(words in str(exc.value) for words in ("not in epoch seconds", "ambiguous", "before 1970")), parse


def test_an_iso_8601_date_is_the_way_to_write_what_an_8_digit_number_is_refused_for():
    assert parse_point_in_time("2026-12-01") == 1796083200.0
    assert parse_expiration("2026-12-01").value == 1796083200.0


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


def test_numeric_strings_of_milliseconds_are_read_as_numbers_and_refused_as_milliseconds():
    # ansible-core < 2.19 hands templated integers to modules as strings: 13 digits must still read as a number,
    # and get the milliseconds message rather than "not an ISO 8601 date-time".
    for parse in (parse_point_in_time, parse_expiration):
        with pytest.raises(ValueError, match="1795917456464 is not in epoch seconds: .* in milliseconds, give 1795917456 "):
            parse("1795917456464")
