# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The signed-in user, GET /api/v1/user/ (the collection's token check), and Werkzeug's redirect of /api/v1/user."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .endpoint import Route, add_slash_redirect
from .responses import fr_json


def get_user(model, request):
    """GET /api/v1/user/: who the token belongs to; a token without the user:read scope counts as none."""
    caller, headers = request.caller, request.headers
    if caller.user is None or "user:read" not in caller.scopes:
        return model.api_error(401, "invalid_token", "Requires authentication", headers, {"session_required": False})
    return fr_json(200, {"anonymous": False, "username": caller.user, "verified": True})


ROUTES = (
    Route(("GET", "HEAD", "OPTIONS"), r"/api/v1/user/", get_user),
    Route(("GET", "HEAD", "OPTIONS"), r"/api/v1/user", add_slash_redirect, pipeline=False, advertise=False),
)
