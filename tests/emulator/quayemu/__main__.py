# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``python -m quayemu`` (with tests/emulator as the working directory or on sys.path): the command line."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

from .cli import main

sys.exit(main())
