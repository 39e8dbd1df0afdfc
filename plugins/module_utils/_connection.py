# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The connection options checked before any request, the same way for modules, the lookup and the event source.

Pure: the values come in as a dict (``quay_host``, ``quay_token``, ``validate_certs``, ``ca_path``, ``timeout``,
``retries``); problems and warnings go out as text. The token is never part of either.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient, normalize_host

MAX_RETRIES = 10


def connection_problem(params, how_to_set):
    """The first problem of the connection options, as a message naming the option and the fix, or None.

    ``how_to_set`` tells where the caller sets options (``on the task, ...``), for the message of a missing one.
    """
    for option, env in (("quay_host", "QUAY_HOST"), ("quay_token", "QUAY_TOKEN")):
        if not params.get(option):
            return "missing required connection option %s: set it %s, or in the %s environment variable" % (
                option, how_to_set, env)
    if params["timeout"] <= 0:
        return "timeout must be a positive number of seconds, got %s" % params["timeout"]
    if params["retries"] < 0 or params["retries"] > MAX_RETRIES:
        return "retries must be between 0 and %d, got %d" % (MAX_RETRIES, params["retries"])
    try:
        normalize_host(params["quay_host"])
    except ValueError as exc:
        return "quay_host: %s" % exc
    if params.get("ca_path") and not os.path.isfile(params["ca_path"]):
        return "ca_path: %s is not a file: give the path of a PEM CA bundle" % params["ca_path"]
    return None


def connection_warning(params):
    """The warning for an unverified TLS connection, or None (call after connection_problem found nothing)."""
    base_url = normalize_host(params["quay_host"])
    if params["validate_certs"] is False and base_url.startswith("https://"):
        return ("validate_certs is false: the TLS certificate of %s is not verified, so the token could be sent "
                "to an impostor; give your CA bundle in ca_path instead" % base_url)
    return None


def make_client(params, **kwargs):
    """A QuayClient from checked connection options."""
    return QuayClient(params["quay_host"], params["quay_token"], validate_certs=params["validate_certs"],
                      ca_path=params.get("ca_path"), timeout=params["timeout"], retries=params["retries"], **kwargs)
