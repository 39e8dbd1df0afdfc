# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Quay's policy endpoints (auto-prune, immutability) at each scope, on top of QuayClient's request machinery.

What the real server does (pinned by tests/unit/emulator/test_policies.py):

- routes: ``/api/v1/organization/{namespace}/{route}/`` (also serves user namespaces; token scope ``org:admin``),
  ``/api/v1/user/autoprunepolicy/`` (the token's own namespace; ``user:admin``; auto-prune only) and
  ``/api/v1/repository/{namespace}/{name}/{route}/`` (``repo:admin``), each with ``{uuid}`` below it;
- list 200 ``{"policies": [...]}``, create 201 ``{"uuid"}``, update 204 with no body, delete 200 ``{"uuid"}``;
  an unknown uuid 404; a token without the scope, or an organization that is not there, 403;
- with the feature off (``FEATURE_AUTO_PRUNE``, ``FEATURE_IMMUTABLE_TAGS``) the routes do not exist: the list
  answers Quay's HTML page (404, 405 for a POST), and a repository-level URL with a uuid is taken by the
  *repository* route, so a DELETE there answers **204** although nothing was deleted. A policy DELETE that
  answers 204 is therefore never read as success;
- ``GET /config`` (no token needed) says which features are on, in ``features.AUTO_PRUNE`` and
  ``features.IMMUTABLE_TAGS``. It is read only to explain a missing route, so a normal run costs no request for it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError, validate_repository
from ansible_collections.quaytools.tags.plugins.module_utils._policy_reconcile import describe_selection
from ansible_collections.quaytools.tags.plugins.module_utils._repositories import validate_namespace

FEATURES = {"autoprunepolicy": ("AUTO_PRUNE", "FEATURE_AUTO_PRUNE", "3.10"),
            "immutabilitypolicy": ("IMMUTABLE_TAGS", "FEATURE_IMMUTABLE_TAGS", "3.17")}
TOKEN_SCOPES = {"organization": "org:admin", "user": "user:admin", "repository": "repo:admin"}


def scope_argument_spec(user_allowed):
    """The options that choose a scope, shared by the policy modules (``scope`` only where a user route exists)."""
    spec = dict(namespace=dict(type="str"), repository=dict(type="str"))
    if user_allowed:
        spec["scope"] = dict(type="str", choices=["organization", "user", "repository"])
    return spec


class Scope:
    """Where policies live: ``organization`` (an organization or a user namespace, through the organization
    route), ``user`` (the token's own namespace) or ``repository``."""

    def __init__(self, kind, name=None):
        self.kind = kind
        self.name = name

    @classmethod
    def from_params(cls, params, user_allowed):
        """The scope the options ask for; ValueError naming the option. Sends nothing."""
        namespace = params.get("namespace")
        repository = params.get("repository")
        kind = params.get("scope")
        given = [option for option in ("namespace", "repository") if params.get(option) is not None]
        if kind == "user" and user_allowed:
            if given:
                raise ValueError("%s: not used with scope=user, which acts on the namespace of the token's own user"
                                 % given[0])
            return cls("user")
        if len(given) != 1:
            raise ValueError("give exactly one of namespace (an organization or user namespace) or repository "
                             "(namespace/name)%s" % (", or scope=user" if user_allowed else ""))
        if kind is not None and kind != ("repository" if repository is not None else "organization"):
            raise ValueError("scope=%s does not go with %s: leave scope out, it follows from namespace or repository"
                             % (kind, given[0]))
        try:
            if repository is not None:
                return cls("repository", validate_repository(repository))
            return cls("organization", validate_namespace(namespace))
        except ValueError as exc:
            raise ValueError("%s: %s" % (given[0], exc))

    @property
    def token_scope(self):
        return TOKEN_SCOPES[self.kind]

    @property
    def label(self):
        if self.kind == "user":
            return "the namespace of the token's user"
        return "%s %s" % ("repository" if self.kind == "repository" else "namespace", self.name)

    def path(self, route, uuid=None):
        if self.kind == "user":
            base = "/api/v1/user/%s/" % route
        elif self.kind == "repository":
            base = "/api/v1/repository/%s/%s/" % (self.name, route)
        else:
            base = "/api/v1/organization/%s/%s/" % (self.name, route)
        return base if uuid is None else base + uuid

    def result(self):
        out = {"scope": self.kind}
        if self.kind == "repository":
            out["repository"] = self.name
            out["namespace"] = self.name.split("/", 1)[0]
        else:
            out["namespace"] = self.name
        return out

    def permission_hint(self):
        if self.kind == "organization":
            return ("the token needs the org:admin scope and its user must administer namespace %s (Quay answers 403 "
                    "for an organization that does not exist, too)" % self.name)
        if self.kind == "user":
            return "the token needs the user:admin scope"
        return "the token needs the repo:admin scope and admin permission on repository %s" % self.name


def with_message(error, message):
    """The same QuayError (every attribute kept) with another message."""
    new = QuayError(message, error.kind, method=error.method, path=error.path, status=error.status,
                    server_message=error.server_message, attempts=error.attempts)
    new.outcome_unknown = error.outcome_unknown
    return new


def _reword(error, message):
    """Another message, followed by the method and path as the client writes them."""
    return with_message(error, "%s (%s %s)" % (message, error.method, error.path))


def _plain(error):
    """The client's message without the trailing ``(METHOD path)``."""
    suffix = " (%s %s)" % (error.method, error.path)
    return error.message[:-len(suffix)] if error.message.endswith(suffix) else error.message


class PolicyClient:
    """The policies of one kind at one scope."""

    def __init__(self, client, kind, scope):
        self.client = client
        self.kind = kind
        self.scope = scope

    @property
    def what(self):
        return "%s policies of %s" % (self.kind.name, self.scope.label)

    def _call(self, method, path, action, body=None, expect=(200,), confirm=None):
        context = {"op": "list" if self.scope.kind == "repository" and method == "GET" else "policy",
                   "repository": self.scope.name, "expected": "/".join(str(s) for s in expect)}
        kwargs = {} if body is None else {"body": body}
        try:
            return self.client.request_json(method, path, expect=expect, context=context, confirm=confirm, **kwargs)
        except QuayError as err:
            raise self._explain(err, action)

    def _explain(self, err, action):
        """The client's error in the words of this scope and kind: the token scope on a 403, the feature flag when the
        route is missing (read from ``GET /config``), the policy on a 404 or 400."""
        if err.kind == "permission":
            return _reword(err, "permission denied (HTTP 403) trying to %s: %s" % (action, self.scope.permission_hint()))
        if err.status in (404, 405) or err.kind in ("bad_response", "redirect"):
            off = self.feature_off()
            if off:
                return _reword(err, "cannot %s: %s" % (action, off))
        if err.kind == "not_found" and err.path and not err.path.endswith("/"):
            return _reword(err, "cannot %s: the policy is gone (HTTP 404), deleted since this task read the list; "
                           "run the task again" % action)
        if err.kind == "not_found" and self.scope.kind != "repository":
            return _reword(err, "the %s are not there (HTTP 404): is quay_host a Quay server of version %s or later?"
                           % (self.what, FEATURES[self.kind.route][2]))
        if err.kind == "bad_request":
            return _reword(err, "Quay refused to %s: %s" % (action, _plain(err)))
        return err

    def feature_off(self):
        """Why the routes are missing, from ``GET /config``: a sentence, or None when it cannot tell (or they are on)."""
        flag, config_name, version = FEATURES[self.kind.route]
        try:
            data = self.client.server_config()
        except QuayError:
            return None
        features = data.get("features")
        if not isinstance(features, dict):
            return None
        if flag not in features:
            return ("this Quay server has no %s policies (they need Quay %s or later with %s enabled)"
                    % (self.kind.name, version, config_name))
        if not features[flag]:
            return ("%s is off on this Quay server (GET /config reports features.%s: false), so its %s policy "
                    "endpoints do not exist; ask its administrator to enable it" % (config_name, flag, self.kind.name))
        return None

    def list(self):
        """Every policy of the scope, in Quay's order, in the collection's words (with ``uuid``)."""
        path = self.scope.path(self.kind.route)
        _status, data = self._call("GET", path, "read the " + self.what)
        items = data.get("policies") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(isinstance(item, dict) and item.get("uuid") for item in items):
            raise QuayError("Quay answered the %s without a list of policies with uuids: is quay_host a Quay server? "
                            "(GET %s)" % (self.what, path), "bad_response", method="GET", path=path, status=200)
        return [self.kind.from_api(item) for item in items]

    def create(self, policy, known_uuids):
        """POST one policy; returns its uuid. A create whose answer was lost is looked for in the list (a policy with
        this content and a uuid not in ``known_uuids``) before it is sent again."""
        path = self.scope.path(self.kind.route)
        found = []

        def confirm():
            for item in self.list():
                if item["uuid"] not in known_uuids and self.kind.content(item) == self.kind.content(policy):
                    found.append(item["uuid"])
                    return True
            return False

        action = "create the %s policy %s in %s" % (self.kind.name, self.describe(policy), self.scope.label)
        status, data = self._call("POST", path, action, body=self.kind.to_api(policy), expect=(201,), confirm=confirm)
        if status is None:
            return found[0]
        if not isinstance(data, dict) or not data.get("uuid"):
            raise QuayError("Quay created a policy in the %s but answered without its uuid (POST %s)" % (self.what, path),
                            "bad_response", method="POST", path=path, status=status)
        return data["uuid"]

    def update(self, uuid, policy):
        """PUT: the policy becomes ``policy`` (Quay replaces every field)."""
        action = "update %s policy %s of %s to %s" % (self.kind.name, uuid, self.scope.label, self.describe(policy))
        self._call("PUT", self.scope.path(self.kind.route, uuid), action, body=self.kind.to_api(policy), expect=(204,))

    def delete(self, uuid):
        """DELETE. Returns False when the policy was already gone (404), True when this call deleted it."""
        path = self.scope.path(self.kind.route, uuid)
        try:
            status, _data = self.client.request_json("DELETE", path, expect=(200, 204), context={"op": "policy"})
        except QuayError as err:
            if err.kind == "not_found":
                return False
            raise self._explain(err, "delete %s policy %s of %s" % (self.kind.name, uuid, self.scope.label))
        if status == 404:
            # An earlier attempt deleted it; its answer was lost.
            return True
        if status == 204:
            raise QuayError("Quay answered HTTP 204 with no body to the DELETE of policy %s: a policy delete answers 200 "
                            "with the uuid, and 204 comes from Quay's repository route, which takes this URL when the %s "
                            "feature is off; nothing was deleted (DELETE %s)" % (uuid, self.kind.name, path),
                            "bad_response", method="DELETE", path=path, status=204)
        return True

    def describe(self, policy):
        if self.kind.route == "autoprunepolicy":
            return "%s %s on %s" % (policy["method"], policy["value"], describe_selection(policy))
        return "on %s" % describe_selection(policy)
