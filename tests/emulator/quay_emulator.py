#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Quay emulator's historical entry point: a thin shim over the package ``quayemu`` (next to this file).

Run it::

    python tests/emulator/quay_emulator.py --seed tests/emulator/seeds/demo.json --port 0

or import it (``tests/emulator`` on ``sys.path``)::

    from quay_emulator import Emulator
    emu = Emulator(seed="tests/emulator/seeds/demo.json").start()
    ...
    emu.stop()

Every name callers imported from the single-file emulator is re-exported here. New code may import from ``quayemu``
directly. The contract (CLI, Python API, control interface, fault rules, seed format) is docs/developing.md; the
package layout and Quay's behaviour are tests/emulator/README.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

from quayemu.app import QuayModel
from quayemu.cli import main, write_state_file
from quayemu.cosign import COSIGN_SUFFIXES
from quayemu.emulator import MAX_LOGGED_REQUESTS, Emulator
from quayemu.faults import FAULT_ACTIONS, FaultRule
from quayemu.model import Manifest, Repository, Row, SeedError, row_key
from quayemu.permissions import ROLES, SCOPE_ROLES, Caller
from quayemu.pipeline import BOT_RE, BROWSER_RE
from quayemu.repository import REPO_UPDATE_SCHEMA
from quayemu.responses import (
    ApiError,
    Response,
    flask_jsonify,
    format_date,
    fr_json,
    html_error,
    internal_error,
    redirect_page,
    werkzeug_page,
)
from quayemu.schema import schema_error
from quayemu.seed import RELATIVE_LIMIT_S, REPOSITORY_RE, State, load_seed
from quayemu.settings import (
    BOOL_CONFIG,
    DEFAULT_CONFIG,
    DEFAULT_EXPIRATION_MAX_S,
    DEFAULT_EXPIRATION_MIN_S,
    DEFAULT_TIME_MACHINE_S,
    FALSE_STRINGS,
    REPO_STATES,
    TEMP_TAG_SECONDS,
)
from quayemu.tags_list import like_matcher
from quayemu.tags_write import CHANGE_TAG_SCHEMA, DURATION_RE, DURATION_UNITS, RESTORE_TAG_SCHEMA, TAG_REGEX
from quayemu.texts import (
    ANONYMOUS_ERROR,
    BAD_REQUEST,
    CSRF_ERROR,
    FILTER_ERROR,
    IMMUTABLE_DELETE,
    IMMUTABLE_EXPIRATION,
    IMMUTABLE_OVERWRITE,
    IMMUTABLE_WITH_EXPIRY,
    INTERNAL_ERROR_PAGE,
    METHOD_NOT_ALLOWED,
    NON_NORMAL_MESSAGE,
    NOT_FOUND_PAGE,
    QUERY_HELP,
    READONLY_MESSAGE,
    TAG_ERROR,
    UNSUPPORTED_MEDIA_TYPE,
    XHR_ERROR,
)

__all__ = [
    "ANONYMOUS_ERROR", "ApiError", "BAD_REQUEST", "BOOL_CONFIG", "BOT_RE", "BROWSER_RE", "CHANGE_TAG_SCHEMA", "COSIGN_SUFFIXES",
    "CSRF_ERROR", "Caller", "DEFAULT_CONFIG", "DEFAULT_EXPIRATION_MAX_S", "DEFAULT_EXPIRATION_MIN_S", "DEFAULT_TIME_MACHINE_S",
    "DURATION_RE", "DURATION_UNITS", "Emulator", "FALSE_STRINGS", "FAULT_ACTIONS", "FILTER_ERROR", "FaultRule",
    "IMMUTABLE_DELETE", "IMMUTABLE_EXPIRATION", "IMMUTABLE_OVERWRITE", "IMMUTABLE_WITH_EXPIRY", "INTERNAL_ERROR_PAGE",
    "MAX_LOGGED_REQUESTS", "METHOD_NOT_ALLOWED", "Manifest", "NON_NORMAL_MESSAGE", "NOT_FOUND_PAGE", "QUERY_HELP",
    "QuayModel", "READONLY_MESSAGE", "RELATIVE_LIMIT_S", "REPOSITORY_RE", "REPO_STATES", "REPO_UPDATE_SCHEMA",
    "RESTORE_TAG_SCHEMA", "ROLES", "Repository", "Response", "Row", "SCOPE_ROLES", "SeedError", "State", "TAG_ERROR",
    "TAG_REGEX", "TEMP_TAG_SECONDS", "UNSUPPORTED_MEDIA_TYPE", "XHR_ERROR", "flask_jsonify", "format_date", "fr_json",
    "html_error", "internal_error", "like_matcher", "load_seed", "main", "redirect_page", "row_key", "schema_error",
    "werkzeug_page", "write_state_file",
]

if __name__ == "__main__":
    sys.exit(main())
