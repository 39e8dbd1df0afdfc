# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Routing: the table of every endpoint, and the dispatch that picks one route per request (or a 308, 404 or 405).

Each endpoint module contributes a ``ROUTES`` tuple of endpoint.Route entries; ROUTE_MODULES lists the modules in
matching order. A request goes to the first route whose pattern matches the whole percent-decoded path and that
answers its method. As in Quay (Flask and Werkzeug under Flask-RESTful):

- OPTIONS on an API resource (a route through the pipeline) is answered here, before any check, with an empty page
  whose Allow header lists the methods of every route the path matches; other routes answer OPTIONS themselves;
- when patterns match but none answers the method: 405 with an Allow header (the union of their methods), written
  by Flask-RESTful as ``{"message": ...}`` if an API resource matched, else as Werkzeug's HTML page;
- when nothing matches and the path has doubled slashes: the path with them merged is matched instead, and a match
  is a 308 to it (a 405 from there is always HTML);
- when no pattern matches at all: Werkzeug's 404 page (under /api the web UI's catch-all, web.py, matches first).

To add an endpoint: write a new module with handlers and ROUTES, and add it to ROUTE_MODULES, before ``repository``
(its pattern, namespace/name/..., swallows every longer repository path). See tests/emulator/README.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import quote, unquote

from . import manifests, pipeline, policy_routes, repository, repository_list, server_config, tags_list, tags_write, user, web
from .endpoint import Request, add_slash_redirect
from .responses import allow_header, fr_json, options_page, redirect_page, werkzeug_page
from .texts import METHOD_NOT_ALLOWED, NOT_FOUND_PAGE

ROUTE_MODULES = (
    server_config,
    user,
    tags_write,
    tags_list,
    manifests,
    repository_list,
    policy_routes,
    repository,  # the repository resource matches any longer path under /api/v1/repository/
    web,  # last: Quay's web UI catch-all takes every other path under /api
)


ROUTES = tuple(route for module in ROUTE_MODULES for route in module.ROUTES)
DOUBLED_SLASHES = re.compile("/{2,}")
REDIRECT_SAFE = "!$&'()*+,/:;=@"  # what Werkzeug leaves unquoted in the path of a redirect


def find(routes, method, path, config):
    """The first (route, match) for path and method, or None; and, unless a route answers a method other than
    OPTIONS, the methods of every advertised route matching the path and whether one of them is an API resource.
    Routes of a feature that ``config`` switches off do not exist (endpoint.Route.exists)."""
    chosen = None
    allowed = set()
    api = False
    for route in routes:
        match = route.pattern.fullmatch(path)
        if match is None or not route.exists(config):
            continue
        if chosen is None and method in route.methods:
            chosen = (route, match)
            if method != "OPTIONS":
                break
        if route.advertise:
            allowed.update(route.methods)
            api = api or route.pipeline
    return chosen, allowed, api


def not_allowed(allowed, api):
    if api:
        return fr_json(405, {"message": METHOD_NOT_ALLOWED}, allow_header(allowed))
    return werkzeug_page(405, "Method Not Allowed", METHOD_NOT_ALLOWED, allow_header(allowed))


def merge_slashes(model, method, path, query, headers, routes, allowed):
    """Werkzeug's merge_slashes: a 308 to the path with its doubled slashes merged, if a route answers it there."""
    merged = DOUBLED_SLASHES.sub("/", path)
    chosen, more, dummy = find(routes, method, merged, model.state.config)
    if chosen is None:
        allowed = allowed | more
        if allowed:
            # Quay's API error handler gives up on a path that redirects: Werkzeug's HTML page.
            return not_allowed(allowed, False)
        return werkzeug_page(404, "Not Found", NOT_FOUND_PAGE)
    if chosen[0].handler is add_slash_redirect:
        merged += "/"  # the merged path still lacks its final slash: one redirect straight to the right URL
    location = "%s://%s%s" % (model.scheme, model.hostname(headers), quote(merged, safe=REDIRECT_SAFE))
    if query:
        location += "?" + query
    return redirect_page(location)


def dispatch(model, method, raw_path, query, headers, body, routes=ROUTES):
    """Answer one request: the first route matching path and method, through the pipeline."""
    path = unquote(raw_path, errors="replace")
    chosen, allowed, api = find(routes, method, path, model.state.config)
    if chosen is None:
        if "//" in path:
            return merge_slashes(model, method, path, query, headers, routes, allowed)
        if allowed:
            return not_allowed(allowed, api)
        return werkzeug_page(404, "Not Found", NOT_FOUND_PAGE)
    route, match = chosen
    if method == "OPTIONS" and route.pipeline:
        return options_page(allowed)
    request = Request(method, raw_path, path, query, headers, body, match)
    if not route.pipeline:
        return route.handler(model, request)
    return pipeline.run(model, route, request)
