# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Which immutability policy makes a new row of a tag immutable, for quay_tag's plan (_rules.check_writes).

Quay applies the immutability policies of a repository and of its namespace to every row a create, move or restore
opens: a covered tag comes out immutable, so an expiration given to it in the same task is refused (unless the server
lets immutable tags expire). The policies are read only when a plan gives such a new row an expiration, at most once
per task: the repository's (token scope ``repo:admin``), then the namespace's (``org:admin``). A scope the token cannot
read is noted in ``unread`` (the plan goes on without it); a server without immutable tags has no policies.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._policy_client import PolicyClient, Scope
from ansible_collections.quaytools.tags.plugins.module_utils._policy_reconcile import (
    IMMUTABILITY,
    covering_policy,
    describe_selection,
)


class PolicyLocks:
    """``locks(name)``: a description of the policy that makes a new row of ``name`` immutable, or None."""

    def __init__(self, client, repository):
        self.client = client
        self.repository = repository
        self.unread = []
        self._policies = None

    def _read(self):
        try:
            features = self.client.server_config().get("features")
        except QuayError:
            features = None
        if isinstance(features, dict) and features.get("IMMUTABLE_TAGS") is False:
            return []
        policies = []
        for scope in (Scope("repository", self.repository), Scope("organization", self.repository.split("/", 1)[0])):
            policy_client = PolicyClient(self.client, IMMUTABILITY, scope)
            try:
                policies.extend((scope, policy) for policy in policy_client.list())
            except QuayError as err:
                if err.status in (404, 405) and policy_client.feature_off():
                    return []
                self.unread.append("%s (%s)" % (scope.label, scope.token_scope))
        return policies

    def __call__(self, name):
        if self._policies is None:
            self._policies = self._read()
        for scope, policy in self._policies:
            if covering_policy([policy], name) is not None:
                return "the immutability policy of %s on %s" % (scope.label, describe_selection(policy))
        return None

    def warning(self):
        """What the plan could not check, or None."""
        if not self.unread:
            return None
        return ("could not read the immutability policies of %s: a tag this task creates or moves and gives an expiration "
                "may be made immutable by one of them, and Quay would then refuse the expiration after the tag was written"
                % " and ".join(self.unread))
