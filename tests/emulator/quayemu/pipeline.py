# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The request pipeline: Quay's API decorator chain, in Quay's order, run before every routed handler.

Outermost first: browser XHR check (GET), OAuth token, CSRF (writes without a token), registry read-only (writes);
then, for repository endpoints: repository name, garbage collection, anonymous access, permission
(permissions.py), repository state (read-only / mirror repositories refuse writes). Then the handler.
The order decides which refusal a request gets when several apply: do not reorder. OPTIONS never gets here: Quay's
CORS wrapper answers it before the CSRF check (routing.dispatch).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import quote_plus

from .permissions import allows
from .responses import flask_jsonify, fr_json, html_error
from .settings import REPO_STATES
from .texts import ANONYMOUS_ERROR, CSRF_ERROR, NON_NORMAL_MESSAGE, READONLY_MESSAGE, XHR_ERROR

BROWSER_RE = re.compile(r"^Mozilla/\d")
BOT_RE = re.compile(r"bot|crawl|spider", re.IGNORECASE)


def run(model, route, request):
    """Answer a request routed to ``route``: the decorator chain, then ``route.handler(model, request)``."""
    method = request.method
    headers = request.headers
    config = model.state.config
    if method == "GET" and config.get("browser_xhr_only"):
        agent = headers.get("User-Agent") or ""
        if BROWSER_RE.match(agent) and not BOT_RE.search(agent) and headers.get("X-Requested-With") != "XMLHttpRequest":
            return html_error(400, XHR_ERROR)
    caller = model.caller(headers)
    if method not in ("GET", "HEAD") and caller.user is None:
        return html_error(403, CSRF_ERROR)
    if method not in ("GET", "HEAD") and config.get("registry_readonly"):
        return flask_jsonify(503, {"message": READONLY_MESSAGE, "is_readonly": True})
    request.caller = caller
    if route.need is None:
        return route.handler(model, request)
    repo_path = request.arg("repository")
    namespace, name = repo_path.split("/", 1)
    full_name = "%s/%s" % (namespace, quote_plus(name, safe="/"))
    repo = model.state.repositories.get(full_name)
    if repo is not None:
        repo.collect_garbage(model.now_ms())
    if caller.user is None and not config.get("anonymous_access", True):
        return html_error(401, ANONYMOUS_ERROR)
    role = model.role(caller, namespace, repo)
    if not allows(role, route.need, repo):
        return model.unauthorized(caller, headers)
    if route.state_check and method != "GET" and method != "HEAD" and repo is not None and repo.state != "normal":
        return fr_json(503, {"message": NON_NORMAL_MESSAGE % REPO_STATES[repo.state]})
    request.repo = repo
    request.repo_path = repo_path
    return route.handler(model, request)
