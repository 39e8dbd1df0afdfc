# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The policy endpoints: auto-prune policies of an organization, of the caller's user namespace and of a repository,
immutability policies of an organization and of a repository; and what those URLs answer when the feature is off.

The rules of the policies themselves live in policies.py. Per route family, Quay checks, in this order:

- organization (``/api/v1/organization/<name>/...``): a token (401 without), the ``org:admin`` scope (403), the body
  (400), then that the caller administers the namespace (403, also for a namespace that does not exist; a user
  administers their own namespace, so this route serves user namespaces too);
- user (``/api/v1/user/autoprunepolicy/...``, auto-prune only): a token, the ``user:admin`` scope, the body; the
  namespace is the caller's own;
- repository (``.../<namespace>/<name>/...``): the pipeline's admin check (``repo:admin``), the body, then 404 for a
  repository that does not exist.

With the feature off (``auto_prune``, ``immutable_tags``) Quay registers none of these routes: a list URL falls to
the web UI's catch-all (web.py: its 404 page to GET, Werkzeug's 405 page to other methods), an organization or user
URL with a uuid redirects a GET to the same URL plus ``/`` (308) and answers 405 to the rest (``missing_item``), and
a repository URL with a uuid is the repository resource's (repository.py), whose DELETE answers 204 for a repository
that does not exist.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .endpoint import REPOSITORY_PATH, Route, add_slash_redirect
from .policies import AUTOPRUNE, IMMUTABILITY, PolicyError, check_autoprune, check_immutability, lock_tags
from .responses import Response, allow_header, fr_json, werkzeug_page
from .texts import METHOD_NOT_ALLOWED

ORGANIZATION_PATH = r"/api/v1/organization/(?P<orgname>[^/]+)"
USER_PATH = r"/api/v1/user"
ROUTE_NAMES = {AUTOPRUNE: "autoprunepolicy", IMMUTABILITY: "immutabilitypolicy"}
FEATURES = {AUTOPRUNE: "auto_prune", IMMUTABILITY: "immutable_tags"}
ITEM_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")

SCOPE_DESCRIPTIONS = {
    "organization": "The policy configuration that is to be applied to the organization",
    "user": "The policy configuration that is to be applied to the user namespace",
    "repository": "The policy configuration that is to be applied to the repository",
}


def autoprune_schema(family):
    return {
        "type": "object",
        "description": SCOPE_DESCRIPTIONS[family],
        "required": ["method", "value"],
        "properties": {
            "method": {"type": "string", "description": "The method to use for pruning tags (number_of_tags, creation_date)"},
            "value": {"type": ["integer", "string"],
                      "description": "The value to use for the pruning method (number of tags e.g. 10, time delta e.g. 7d (7 days))"},
            "tagPattern": {"type": "string", "description": "Tags only matching this pattern will be pruned"},
            "tagPatternMatches": {"type": "boolean",
                                  "description": "Determine whether pruned tags should or should not match the tagPattern"},
        },
    }


IMMUTABILITY_SCHEMA = {
    "type": "object",
    "description": "The immutability policy configuration",
    "required": ["tagPattern"],
    "properties": {
        "tagPattern": {"type": "string", "description": "Regex pattern to match tag names"},
        "tagPatternMatches": {"type": "boolean",
                              "description": "If true, matching tags are immutable. If false, non-matching tags are immutable."},
    },
}


def _scope(model, request, family):
    """The checks before the body: ``(scope, None)`` or ``(None, error answer)``. A repository's scope is None while
    it does not exist (answered after the body)."""
    caller, headers = request.caller, request.headers
    if family == "repository":
        return (("repository", request.repo.full_name) if request.repo is not None else None), None
    if caller.user is None:
        return None, model.unauthorized(caller, headers)
    if ("org:admin" if family == "organization" else "user:admin") not in caller.scopes:
        return None, model.unauthorized(caller, headers)
    if family == "user":
        return ("namespace", caller.user), None
    return ("namespace", request.arg("orgname")), None


def _after_body(model, request, family, scope):
    """The checks after the body: the caller administers the organization; the repository exists."""
    if family == "organization":
        caller = request.caller
        info = model.state.namespaces.get(scope[1])
        if caller.user != scope[1] and not (info and caller.user in info["owners"]):
            return model.unauthorized(caller, request.headers)
    if family == "repository" and scope is None:
        return model.not_found(request.headers)
    return None


def _checked(kind, data):
    return check_autoprune(data) if kind == AUTOPRUNE else check_immutability(data)


def _handlers(kind, family):
    """The five handlers of one kind of policy at one route family."""
    schema = autoprune_schema(family) if kind == AUTOPRUNE else IMMUTABILITY_SCHEMA

    def body(model, request):
        return model.parse_json(request.body, request.headers.get("Content-Type"), schema, request.headers)

    def list_policies(model, request):
        scope, error = _scope(model, request, family)
        error = error or _after_body(model, request, family, scope)
        if error is not None:
            return error
        return fr_json(200, {"policies": [dict(p) for p in model.state.policies.policies(kind, scope)]})

    def create_policy(model, request):
        scope, error = _scope(model, request, family)
        if error is not None:
            return error
        data = body(model, request)
        error = _after_body(model, request, family, scope)
        if error is not None:
            return error
        try:
            stored = model.state.policies.create(kind, scope, _checked(kind, data))
        except PolicyError as refusal:
            return model.invalid_request(str(refusal), request.headers)
        if kind == IMMUTABILITY:
            lock_tags(model, scope, stored)
        return fr_json(201, {"uuid": stored["uuid"]})

    def found(model, request, with_body):
        """``(scope, stored policy, body data, None)`` or an error answer in the last place."""
        scope, error = _scope(model, request, family)
        if error is not None:
            return None, None, None, error
        data = body(model, request) if with_body else None
        error = _after_body(model, request, family, scope)
        if error is not None:
            return None, None, None, error
        stored = model.state.policies.find(kind, scope, request.arg("uuid"))
        if stored is None:
            return None, None, None, model.not_found(request.headers)
        return scope, stored, data, None

    def get_policy(model, request):
        dummy, stored, dummy, error = found(model, request, False)
        return error or fr_json(200, dict(stored))

    def update_policy(model, request):
        scope, stored, data, error = found(model, request, True)
        if error is not None:
            return error
        try:
            model.state.policies.update(kind, scope, stored, _checked(kind, data))
        except PolicyError as refusal:
            return model.invalid_request(str(refusal), request.headers)
        if kind == IMMUTABILITY:
            lock_tags(model, scope, stored)
        return Response(204, b"", "application/json")

    def delete_policy(model, request):
        scope, stored, dummy, error = found(model, request, False)
        if error is not None:
            return error
        model.state.policies.delete(kind, scope, stored)
        return fr_json(200, {"uuid": stored["uuid"]})

    return list_policies, create_policy, get_policy, update_policy, delete_policy


def missing_item(model, request):
    """An organization or user URL with a uuid while the feature is off: 308 to the URL plus "/" for GET, else 405."""
    if request.method in ("GET", "HEAD"):
        return add_slash_redirect(model, request)
    return werkzeug_page(405, "Method Not Allowed", METHOD_NOT_ALLOWED, allow_header(("GET", "HEAD", "OPTIONS")))


def _routes(kind, family, base):
    list_policies, create_policy, get_policy, update_policy, delete_policy = _handlers(kind, family)
    feature = FEATURES[kind]
    need = "admin" if family == "repository" else None
    path = base + "/" + ROUTE_NAMES[kind]
    item = path + r"/(?P<uuid>[^/]+)"
    routes = [
        Route(("GET", "HEAD", "OPTIONS"), path + "/", list_policies, need=need, feature=feature),
        Route(("POST",), path + "/", create_policy, need=need, feature=feature),
        Route(("GET", "HEAD", "OPTIONS"), item, get_policy, need=need, feature=feature),
        Route(("PUT",), item, update_policy, need=need, feature=feature),
        Route(("DELETE",), item, delete_policy, need=need, feature=feature),
    ]
    if family != "repository":
        routes += [
            Route(("GET", "HEAD", "OPTIONS"), path, add_slash_redirect, pipeline=False, advertise=False, feature=feature),
            Route(ITEM_METHODS, item, missing_item, pipeline=False, advertise=False, feature=feature, feature_on=False),
        ]
    return routes


ROUTES = tuple(
    _routes(AUTOPRUNE, "organization", ORGANIZATION_PATH)
    + _routes(AUTOPRUNE, "user", USER_PATH)
    + _routes(AUTOPRUNE, "repository", REPOSITORY_PATH)
    + _routes(IMMUTABILITY, "organization", ORGANIZATION_PATH)
    + _routes(IMMUTABILITY, "repository", REPOSITORY_PATH)
)
