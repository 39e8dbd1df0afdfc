# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shapes of Quay's answers: which layer (Flask-RESTful, flask.jsonify, Werkzeug, gunicorn) writes which body."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json

from .texts import INTERNAL_ERROR_PAGE, WEB_UI_PAGE


class Response:
    """One HTTP answer: status, body bytes, content type, extra headers."""

    __slots__ = ("status", "body", "content_type", "headers", "close")

    def __init__(self, status, body=b"", content_type="application/json", headers=None, close=False):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or [])
        self.close = close

    def json(self):
        """The body parsed as JSON (for tests)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None


class ApiError(Exception):
    """An error answer, raised from deep inside a handler."""

    def __init__(self, response):
        super(ApiError, self).__init__(response.status)
        self.response = response


_DATES = {}


def format_date(seconds):
    """email.utils.formatdate (RFC 2822, "-0000"), memoised: listing pages format two dates a row."""
    text = _DATES.get(seconds)
    if text is None:
        if len(_DATES) > 100000:
            _DATES.clear()
        text = _DATES[seconds] = email.utils.formatdate(seconds)
    return text


def fr_json(status, data, headers=None):
    """A Flask-RESTful answer: json.dumps with default separators, then a newline."""
    return Response(status, (json.dumps(data) + "\n").encode("utf-8"), "application/json", headers)


def flask_jsonify(status, data):
    """A flask.jsonify answer (app-level error handlers): compact, sorted keys, then a newline."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
    return Response(status, text.encode("utf-8"), "application/json")


def html_error(status, message):
    """util/http.py abort: a JSON body sent as text/html, without a newline."""
    return Response(status, json.dumps({"error": message}).encode("utf-8"), "text/html; charset=utf-8")


def werkzeug_page(status, title, description, headers=None):
    """Werkzeug's default HTML error page."""
    text = "<!doctype html>\n<html lang=en>\n<title>%d %s</title>\n<h1>%s</h1>\n<p>%s</p>\n" % (status, title, title, description)
    return Response(status, text.encode("utf-8"), "text/html; charset=utf-8", headers)


def allow_header(methods):
    """The Allow header of a 405 or an OPTIONS answer (Quay's order varies from one process to the next; ours is sorted)."""
    return [("Allow", ", ".join(sorted(methods)))]


def options_page(methods):
    """Flask's default OPTIONS answer: an empty page listing the methods of every rule the path matches."""
    return Response(200, b"", "text/html; charset=utf-8", allow_header(methods))


def web_ui_page(status):
    """The page of Quay's web UI (a stand-in, see texts.WEB_UI_PAGE)."""
    return Response(status, WEB_UI_PAGE.encode("utf-8"), "text/html; charset=utf-8")


def redirect_page(location):
    """Werkzeug's 308 redirect answer."""
    escaped = location.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = ("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
            "<p>You should be redirected automatically to the target URL: "
            '<a href="%s">%s</a>. If not, click the link.\n') % (escaped, escaped)
    return Response(308, text.encode("utf-8"), "text/html; charset=utf-8", [("Location", location)])


def internal_error():
    """What gunicorn answers when the application raises."""
    return Response(500, INTERNAL_ERROR_PAGE.encode("utf-8"), "text/html", close=True)
