# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fault rule key ``retry_after_date``: a Retry-After HTTP-date computed when the rule fires."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import time

import pytest

SEED = {"tokens": {"tok": {"user": "u", "scopes": ["repo:read"]}}, "repositories": {"u/app": {}}}
LIST = "/api/v1/repository/u/app/tag/"


def test_retry_after_date_is_computed_when_the_rule_fires(make_emulator):
    emulator, client = make_emulator(SEED)
    emulator.add_faults({"method": "GET", "path": "/tag/$", "status": 429, "retry_after_date": 30})
    time.sleep(1.1)  # a date fixed when the rule was added would now be at least a second short
    before = time.time()
    response = client.get(LIST, auth={"Authorization": "Bearer tok"})
    assert response.status_code == 429
    header = response.headers["Retry-After"]
    assert header.endswith(" GMT")
    when = email.utils.mktime_tz(email.utils.parsedate_tz(header))
    assert int(before) + 30 <= when <= time.time() + 30
    assert client.get(LIST, auth={"Authorization": "Bearer tok"}).status_code == 200  # count 1: spent


def test_retry_after_date_combines_with_headers_and_is_validated(make_emulator):
    emulator, client = make_emulator(SEED)
    emulator.add_faults({"status": 503, "headers": {"X-Proxy": "edge"}, "retry_after_date": 5})
    response = client.get(LIST, auth=None)
    assert response.headers["X-Proxy"] == "edge" and "Retry-After" in response.headers
    with pytest.raises(ValueError):
        emulator.add_faults({"retry_after_date": "soon"})
