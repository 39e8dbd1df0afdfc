# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an endpoint module declares (Route) and what its handlers receive (Request).

An endpoint module defines handlers ``handler(model, request)`` returning a responses.Response, and a module-level
``ROUTES`` tuple of Route entries; routing.py lists the module once in ROUTE_MODULES. See "Adding an endpoint" in
tests/emulator/README.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .responses import redirect_page

# The path of a repository-scoped API endpoint; the named group ``repository`` is the namespace/name the pipeline
# resolves and checks permissions on. Endpoint patterns append to it, e.g. REPOSITORY_PATH + r"/tag/(?P<tag>[^/]+)".
REPOSITORY_PATH = r"/api/v1/repository/(?P<repository>[^/]+(?:/[^/]+)+)"
NEEDS = ("read", "write", "admin")


class Route:
    """One entry of the routing table.

    ``methods``: the HTTP methods it answers (OPTIONS included where Quay's resource answers it).
    ``pattern``: a regular expression (text or compiled) that must match the whole percent-decoded path.
    ``handler``: ``handler(model, request)`` -> Response.
    ``need``: "read", "write" or "admin": a repository endpoint; the pattern has a ``repository`` group and the
    pipeline resolves that repository and checks the caller's role on it before the handler runs. None: no
    repository; the pipeline stops after the read-only and OPTIONS steps and the handler checks what it needs.
    ``pipeline``: False for answers given before Quay's API decorators (Werkzeug's slash redirects, /config).
    ``state_check``: False for endpoints Quay lets through on a read-only or mirror repository.
    ``advertise``: False for entries whose methods must not appear in a 405's Allow header (redirects).
    ``feature``: a config flag (settings.DEFAULT_CONFIG): the route exists only while the flag is on, as Quay registers
    a feature's resources only when its flag is set (``@show_if``); with ``feature_on=False``, only while it is off.
    """

    __slots__ = ("methods", "pattern", "handler", "need", "pipeline", "state_check", "advertise", "feature", "feature_on")

    def __init__(self, methods, pattern, handler, need=None, pipeline=True, state_check=True, advertise=True,
                 feature=None, feature_on=True):
        if isinstance(methods, str):
            methods = methods.split()
        self.methods = frozenset(method.upper() for method in methods)
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self.handler = handler
        if need is not None and need not in NEEDS:
            raise ValueError("route %s: need must be one of %s or None" % (self.pattern.pattern, ", ".join(NEEDS)))
        if need is not None and "repository" not in self.pattern.groupindex:
            raise ValueError("route %s: a repository endpoint needs a (?P<repository>...) group" % self.pattern.pattern)
        self.need = need
        self.pipeline = pipeline
        self.state_check = state_check
        self.advertise = advertise
        self.feature = feature
        self.feature_on = feature_on

    def exists(self, config):
        """Whether the route is registered under this config (its feature flag, if any, as required)."""
        return self.feature is None or bool(config.get(self.feature)) == self.feature_on

    def __repr__(self):
        return "Route(%s %s -> %s)" % ("|".join(sorted(self.methods)), self.pattern.pattern, self.handler.__name__)


class Request:
    """One API request as a handler sees it.

    ``path`` is percent-decoded, ``raw_path`` as sent; ``query`` the raw query string; ``headers`` answers
    ``.get(name)`` case-insensitively; ``body`` is bytes; ``match`` the route's match (``request.arg("tag")``).
    The pipeline fills ``caller`` (permissions.Caller) and, for repository endpoints, ``repo`` (model.Repository, or
    None when it does not exist) and ``repo_path`` (the namespace/name as requested).
    """

    __slots__ = ("method", "raw_path", "path", "query", "headers", "body", "match", "caller", "repo", "repo_path")

    def __init__(self, method, raw_path, path, query, headers, body, match):
        self.method = method
        self.raw_path = raw_path
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.match = match
        self.caller = None
        self.repo = None
        self.repo_path = None

    def arg(self, name):
        """A named group of the route's pattern."""
        return self.match.group(name)


def add_slash_redirect(model, request):
    """Werkzeug's strict-slashes redirect: 308 to the same path with a slash appended (the query kept)."""
    location = "%s://%s%s/" % (model.scheme, model.hostname(request.headers), request.raw_path)
    if request.query:
        location += "?" + request.query
    return redirect_page(location)
