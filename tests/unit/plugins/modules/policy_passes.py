# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The four passes every policy module test runs: check mode, real run, check mode again, real run again."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def four_passes(run_module, transport, main, args):
    """Run ``main`` four times with ``args`` (check, run, check, run; diff on): ``[(result, calls of that pass)]``."""
    out = []
    for check in (True, False, True, False):
        before = len(transport.calls)
        result = run_module(main, args, check_mode=check, diff=True)
        out.append((result, transport.calls[before:]))
    return out
