# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Quay's web UI catch-all, as far as it reaches into /api: every path that no API rule takes still matches it.

Quay's web blueprint has rules for ``/<namespace>`` and ``/<namespace>/<anything>`` (with or without a final slash)
that answer GET only. Under /api the namespace would be ``api``, which does not exist, so a GET there is the web UI's
404 page; OPTIONS gets Flask's automatic answer; any other method is a 405 (routing.py writes it as Werkzeug's HTML
page, because no API resource is involved). Listed last in routing.ROUTE_MODULES.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .endpoint import Route
from .responses import options_page, web_ui_page

WEB_METHODS = ("GET", "HEAD", "OPTIONS")
# /api itself, or /api followed by non-empty segments, with or without a final slash.
WEB_PATH = r"/api(?:/[^/]+)*/?"


def web_ui(model, request):  # pylint: disable=unused-argument
    """GET/HEAD: the UI's 404 page; OPTIONS: the methods of this rule (no API rule matched the path with OPTIONS)."""
    if request.method == "OPTIONS":
        return options_page(WEB_METHODS)
    return web_ui_page(404)


ROUTES = (
    Route(WEB_METHODS, WEB_PATH, web_ui, pipeline=False),
)
