# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GET /config: the page Quay's web UI reads its settings from, and the one place a client can see which features
a server has on. No token needed (a token changes nothing).

Only the keys that follow the emulator's config are served, with the values a default Quay 3.17 has for the others
the collection could read; Quay's real page has many more (branding, OAuth, every feature flag).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .endpoint import Route
from .responses import fr_json

VERSION_NUMBER = "Quay v3.11.0"


def get_config(model, request):
    """The features and config keys of the running config."""
    config = model.state.config
    auto_prune = bool(config.get("auto_prune"))
    can_expire = bool(config.get("immutable_tags_can_expire"))
    return fr_json(200, {
        "account_recovery_mode": False,
        "config": {
            "DEFAULT_NAMESPACE_AUTOPRUNE_POLICY": None,
            "FEATURE_AUTO_PRUNE": auto_prune,
            "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE": can_expire,
            "PERMANENTLY_DELETE_TAGS": False,
            "SERVER_HOSTNAME": model.hostname(request.headers),
            "TAG_EXPIRATION_OPTIONS": ["0s", "1d", "1w", "2w", "4w"],
        },
        "external_login": [],
        "features": {
            "ANONYMOUS_ACCESS": bool(config.get("anonymous_access", True)),
            "AUTO_PRUNE": auto_prune,
            "CHANGE_TAG_EXPIRATION": True,
            "IMAGE_PULL_STATS": False,
            "IMMUTABLE_TAGS": bool(config.get("immutable_tags")),
            "IMMUTABLE_TAGS_CAN_EXPIRE": can_expire,
        },
        "oauth": {},
        "registry_state": "normal",
        "version_number": VERSION_NUMBER,
    })


ROUTES = (
    Route(("GET", "HEAD", "OPTIONS"), r"/config", get_config, pipeline=False),
)
