# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Routing: the table of every endpoint, and the dispatch that picks one route per request (or a 404 / 405).

Each endpoint module contributes a ``ROUTES`` tuple of endpoint.Route entries; ROUTE_MODULES lists the modules in
matching order. A request goes to the first route whose pattern matches the whole percent-decoded path and that
answers its method; when patterns match but none answers the method, the answer is Quay's 405 with an Allow header
(the union of their methods); when no pattern matches, Werkzeug's 404 page.

To add an endpoint: write a new module with handlers and ROUTES, and add it to ROUTE_MODULES, before ``repository``
(its pattern, namespace/name/..., swallows every longer repository path). See tests/emulator/README.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import unquote

from . import manifests, pipeline, repository, repository_list, tags_list, tags_write, user
from .endpoint import Request
from .responses import fr_json, werkzeug_page
from .texts import METHOD_NOT_ALLOWED, NOT_FOUND_PAGE

ROUTE_MODULES = (
    user,
    tags_write,
    tags_list,
    manifests,
    repository_list,
    repository,  # last: the repository resource matches any longer path under /api/v1/repository/
)


ROUTES = tuple(route for module in ROUTE_MODULES for route in module.ROUTES)


def dispatch(model, method, raw_path, query, headers, body, routes=ROUTES):
    """Answer one request: the first route matching path and method, through the pipeline."""
    path = unquote(raw_path, errors="replace")
    allowed = set()
    for route in routes:
        match = route.pattern.fullmatch(path)
        if match is None:
            continue
        if method in route.methods:
            request = Request(method, raw_path, path, query, headers, body, match)
            if not route.pipeline:
                return route.handler(model, request)
            return pipeline.run(model, route, request)
        if route.advertise:
            allowed.update(route.methods)
    if allowed:
        return fr_json(405, {"message": METHOD_NOT_ALLOWED}, [("Allow", ", ".join(sorted(allowed)))])
    return werkzeug_page(404, "Not Found", NOT_FOUND_PAGE)
