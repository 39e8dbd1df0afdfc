# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quayemu: a stateful emulator of Project Quay's repository-tag REST API (standard library only).

It answers the tag endpoints (list, change, delete, restore), the repository resource and /api/v1/user/ the way the
Quay server recorded in tests/emulator/README.md does, down to status codes, body shapes, key order and content
types. A control interface under ``/_emulator/`` resets state, reads the request log and injects faults.

Modules, one concern each (the map, and how to add an endpoint, are in tests/emulator/README.md):
texts, responses, schema, settings (Quay's words, answer shapes, body validation, configuration); model, seed (the
data); permissions, pipeline, endpoint, routing (who may do what, Quay's decorator chain, the routing table);
user, tags_list, tags_write, repository (the endpoints); app (QuayModel); faults, server, control, emulator, cli.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .app import QuayModel
from .cli import main
from .emulator import Emulator
from .faults import FaultRule
from .model import SeedError
from .responses import Response
from .seed import State, load_seed

__all__ = ["Emulator", "FaultRule", "QuayModel", "Response", "SeedError", "State", "load_seed", "main"]
