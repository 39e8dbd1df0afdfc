# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quaytools.tags.quay_repository_info: list the repositories of namespaces, then select.

The listing itself (paging with ``next_page``, its guards, what Quay answers) is _repositories.iter_repositories;
here each namespace is listed with ``last_modified``, several namespaces at a time, then selected by name and
visibility.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.quaytools.tags.plugins.module_utils._client import NAMESPACE_RE, QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._repositories import iter_repositories
from ansible_collections.quaytools.tags.plugins.module_utils._common import iso8601
from ansible_collections.quaytools.tags.plugins.module_utils._multi import parallel_of
from ansible_collections.quaytools.tags.plugins.module_utils._pool import ClientPool, check_parallel

VISIBILITIES = ("all", "public", "private")


def check_params(params):
    """Every option checked before any request: an error message naming the option, or None."""
    namespaces = params.get("namespace") or []
    if not namespaces:
        return "namespace: give at least one organization or user name, such as [myorg]"
    for namespace in namespaces:
        if not isinstance(namespace, str) or not (2 <= len(namespace) <= 255 and NAMESPACE_RE.match(namespace)):
            return ("namespace: %r is not an organization or user name: use 2-255 lower-case letters, digits and single "
                    ". _ - between them (no slash: the repositories of myorg are listed with namespace: myorg)" % (namespace,))
    pattern = params.get("name_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            return "name_pattern: %r is not a valid regular expression: %s" % (pattern, exc)
    if params.get("visibility", "all") not in VISIBILITIES:
        return "visibility: use one of %s" % ", ".join(VISIBILITIES)
    return check_parallel(parallel_of(params))


def list_namespace(client, namespace):
    """Every repository Quay lists for ``namespace``, in Quay's order, following ``next_page``."""
    return list(iter_repositories(client, namespace=namespace, last_modified=True))


def describe(item):
    """A listing item -> the module's repository dict."""
    modified = item.get("last_modified")
    if isinstance(modified, bool) or not isinstance(modified, (int, float)):
        modified = None
    namespace, name = item.get("namespace"), item.get("name")
    return {
        "repository": "%s/%s" % (namespace, name),
        "namespace": namespace,
        "name": name,
        "visibility": "public" if item.get("is_public") else "private",
        "last_modified": iso8601(modified),
        "last_modified_ts": int(modified) if modified is not None else None,
        "state": item.get("state"),
        "description": item.get("description"),
    }


def select(repositories, name_pattern=None, visibility="all"):
    """The repositories whose name (without the namespace) matches ``name_pattern`` as a whole, of that visibility."""
    regex = re.compile(name_pattern) if name_pattern is not None else None
    return [repo for repo in repositories
            if (regex is None or regex.fullmatch(repo["name"] or "")) and visibility in ("all", repo["visibility"])]


def run(task, now=None):
    """Entry point of the module: ``task`` is a QuayModule (or any object with the same interface)."""
    params = task.params
    problem = check_params(params)
    if problem:
        task.fail(problem)
    namespaces = []
    for namespace in params["namespace"]:
        if namespace not in namespaces:
            namespaces.append(namespace)
    pool = ClientPool(task.client, parallel_of(params))
    try:
        with ThreadPoolExecutor(max_workers=min(len(namespaces), parallel_of(params))) as executor:
            listed = list(executor.map(lambda namespace: list_namespace(pool.client(), namespace), namespaces))
    except QuayError as err:
        task.fail_from_error(err, api_requests=pool.requests_sent)
    repositories = []
    for namespace, items in zip(namespaces, listed):
        if not items:
            task.module.warn("namespace %s lists no repository: it does not exist, or the token's user cannot see any "
                             "repository in it (Quay answers both the same way)" % namespace)
        repositories.extend(describe(item) for item in items)
    task.exit(changed=False, repositories=select(repositories, params.get("name_pattern"), params.get("visibility", "all")),
              api_requests=pool.requests_sent)
