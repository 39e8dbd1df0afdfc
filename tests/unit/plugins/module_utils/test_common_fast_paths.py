# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fast paths of iso8601 and parse_rfc2822 give exactly what datetime and email.utils give."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
from datetime import datetime, timezone
from email.utils import formatdate, mktime_tz, parsedate_tz

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._common import iso8601, parse_rfc2822

LAST = 253402300799  # 9999-12-31T23:59:59Z


def reference_iso8601(epoch):
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def reference_rfc2822(value):
    parsed = parsedate_tz(value)
    return None if parsed is None else int(mktime_tz(parsed))


def test_iso8601_same_as_datetime():
    rng = random.Random(42)
    samples = [0, 1, 59, 60, 86399, 86400, 951782400, 1795910480, LAST - 1, LAST, 0.5, 1795910480.999, "1795910480"]
    samples += [rng.randint(0, LAST) for _sample in range(5000)]
    for epoch in samples:
        assert iso8601(epoch) == reference_iso8601(epoch), epoch


@pytest.mark.parametrize("epoch", [-1, -86400.5, -62135596800, LAST + 1, 10 ** 12, 10 ** 20, float("nan"), float("inf")])
def test_iso8601_outside_the_fast_path(epoch):
    try:
        expected = reference_iso8601(epoch)
    except (ValueError, OverflowError, OSError) as exc:
        with pytest.raises(type(exc)):
            iso8601(epoch)
    else:
        assert iso8601(epoch) == expected


def test_parse_rfc2822_same_as_email_utils():
    rng = random.Random(7)
    samples = [formatdate(t) for t in (0, 1, 951782400, 1795910480, LAST)]
    samples += [formatdate(rng.randint(0, LAST)) for _sample in range(5000)]
    # the shape Quay sends, with values no real date has (parsedate_tz does not check ranges either)
    samples += ["Sat, 31 Feb 2026 24:60:61 -0000", "Mon, 00 Jan 0000 00:00:00 -0000", "Mon, 01 Jan 0099 00:00:00 -0000",
                "Mon, 01 Jan 1000 00:00:00 -0000", "Sun, 99 Dec 9999 99:99:99 -0000"]
    for value in samples:
        assert parse_rfc2822(value) == reference_rfc2822(value), value


@pytest.mark.parametrize("value", [
    "Sat, 28 Nov 2026 00:03:57 GMT", "Sat, 28 Nov 2026 00:03:57 +0200", "Sat, 28 Nov 2026 00:03:57 -0530",
    "28 Nov 2026 00:03:57 -0000", "Sat, 8 Nov 2026 00:03:57 -0000", "sat, 28 nov 2026 00:03:57 -0000",
    "Sat, 28 Nov 26 00:03:57 -0000", "Sat, 28 Nov 2026 00:03 -0000", "Sat, \u0662\u0668 Nov 2026 00:03:57 -0000",
    "Sat, 28 Nov 2026 00:03:57 -0000 trailing", "not a date", "",
])
def test_parse_rfc2822_other_shapes_use_email_utils(value):
    assert parse_rfc2822(value) == (reference_rfc2822(value) if value else None)
