# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GET /config: Quay's public configuration and feature flags, served without a token (the web UI reads it first).

The real body has well over a hundred keys; this one keeps Quay's top-level keys and, inside ``config`` and
``features``, the flags about tags, with Quay's names and Quay's default values. The flags that the emulator's own
configuration switches (``auto_prune``, ``immutable_tags``, ``immutable_tags_can_expire``, ``anonymous_access``,
``registry_readonly``) follow it. Quay lists immutability twice: ``features.IMMUTABLE_TAGS_CAN_EXPIRE`` and
``config.FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE``; ``config`` has no ``FEATURE_IMMUTABLE_TAGS`` key. ``version_number``
comes from Quay's changelog at build time, so it says nothing about the features.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .endpoint import Route
from .responses import flask_jsonify

VERSION_NUMBER = "Quay v3.11.0"
TAG_EXPIRATION_OPTIONS = ["0s", "1d", "1w", "2w", "4w"]


def config_body(model, headers):
    """The /config document for the emulator's current configuration."""
    settings = model.state.config
    immutable = bool(settings.get("immutable_tags"))
    can_expire = bool(settings.get("immutable_tags_can_expire"))
    auto_prune = bool(settings.get("auto_prune"))
    return {
        "account_recovery_mode": False,
        "config": {
            "AUTHENTICATION_TYPE": "Database",
            "DEFAULT_NAMESPACE_AUTOPRUNE_POLICY": None,
            "FEATURE_AUTO_PRUNE": auto_prune,
            "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE": can_expire,
            "PERMANENTLY_DELETE_TAGS": False,
            "PREFERRED_URL_SCHEME": model.scheme,
            "REGISTRY_TITLE": "Project Quay",
            "SERVER_HOSTNAME": model.hostname(headers),
            "SETUP_COMPLETE": True,
            "TAG_EXPIRATION_OPTIONS": list(TAG_EXPIRATION_OPTIONS),
        },
        "external_login": [],
        "features": {
            "ANONYMOUS_ACCESS": bool(settings.get("anonymous_access", True)),
            "AUTO_PRUNE": auto_prune,
            "CHANGE_TAG_EXPIRATION": True,
            "IMAGE_PULL_STATS": False,
            "IMMUTABLE_TAGS": immutable,
            "IMMUTABLE_TAGS_CAN_EXPIRE": can_expire,
        },
        "oauth": {},
        "registry_state": "readonly" if settings.get("registry_readonly") else "normal",
        "version_number": VERSION_NUMBER,
    }


def get_config(model, request):
    """GET /config: the same answer with or without a token."""
    return flask_jsonify(200, config_body(model, request.headers))


ROUTES = (
    Route(("GET", "HEAD"), r"/config", get_config, pipeline=False),
)
