# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Quay's own texts: the messages and pages a real server answers with, character for character.

Which answer carries which text, and the Quay release they were recorded from, is written down in
tests/emulator/README.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

TAG_ERROR = 'Invalid tag: must match [A-Za-z0-9_.-], NOT start with "." or "-", and can contain 1-128 characters'
BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand."
UNSUPPORTED_MEDIA_TYPE = "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."
METHOD_NOT_ALLOWED = "The method is not allowed for the requested URL."
NOT_FOUND_PAGE = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."
FILTER_ERROR = "Unsupported syntax for filter_tag_name. Expected <operation>:<tag_name> where <operation>can be 'like' or 'eq'."
CSRF_ERROR = "CSRF token was invalid or missing."
ANONYMOUS_ERROR = "Anonymous access is not allowed"
XHR_ERROR = "API calls must be invoked with an X-Requested-With header if called from a browser"
READONLY_MESSAGE = "System is currently read-only. Pulls will succeed but all write operations are currently suspended."
NON_NORMAL_MESSAGE = "Repository is in read only or mirror mode: %d"
IMMUTABLE_EXPIRATION = "Cannot set expiration on immutable tag '%s'"
IMMUTABLE_WITH_EXPIRY = ("Cannot make tag '%s' immutable: tag has expiration set. Clear expiration first or enable "
                         "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE.")
IMMUTABLE_OVERWRITE = "Cannot overwrite immutable tag '%s'"
IMMUTABLE_DELETE = "Cannot delete immutable tag '%s'"
QUERY_HELP = {
    "page": "Page index for the results. Default 1.",
    "limit": "Limit to the number of results to return per page. Max 100.",
}
# Quay's web UI answers every GET its catch-all rule takes with its single-page application (about 70 KB of HTML,
# not reproduced); this short page stands for it. Clients should only rely on the status and the content type.
WEB_UI_PAGE = (
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Quay</title>\n</head>\n<body>\n"
    "<p>Stands for the page of Quay's web user interface (the emulator has none).</p>\n</body>\n</html>\n"
)
INTERNAL_ERROR_PAGE = (
    "\n  <html>\n    <head>\n      <title>Internal Server Error</title>\n    </head>\n    <body>\n"
    "      <h1><p>Internal Server Error</p></h1>\n      \n    </body>\n  </html>\n"
)
