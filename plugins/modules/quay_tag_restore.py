#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_tag_restore
short_description: Restore a Quay tag to a manifest from its history
version_added: 1.0.0
description:
  - Given a list of repositories, it restores the tag in each of them in one task, several repositories at a time
    (O(parallel)), with the same requests per repository as on its own (an incident rollback across services).
  - Points a tag of a Project Quay or Red Hat Quay repository back at a manifest, through Quay's restore endpoint.
    This undoes a bad push or move, brings back a deleted or expired tag, or rolls a tag back to where it pointed
    at a given time.
  - 'Quay keeps the history of every tag: moving, deleting or expiring a tag ends its current row and keeps it.
    Those rows, and the manifests they point at, stay restorable for the namespace''s time-machine window
    (C(tag_expiration_s), 2 weeks by default, chosen by the organization from 0 s, 1 d, 1 w, 2 w or 4 w). After that
    Quay''s garbage collector removes them and the restore fails with a message saying so.'
  - The target is O(manifest_digest) when given; or the manifest the tag pointed at at the instant O(at), read from
    its history; or, when neither is given, the manifest of its most recent history row if the tag is not active
    (undelete). An active tag with neither option is left alone.
  - The module reads the tag's history with one request, and sends the restore only when the active tag does not
    already point at the target manifest. Quay itself would add a history row for every restore, even to the
    same manifest, so a second run reports no change and adds nothing.
  - A restore gives the tag a new history row without an expiration. An expiration the tag had is dropped
    (Quay does so); a warning says when this happens.
author: quaytools.tags contributors (@quaytools)
requirements:
  - requests
options:
  name:
    description:
      - The tag to restore, for example V(latest).
      - It is checked against Quay's tag name rules before any request (Quay's restore endpoint does not check it).
    type: str
    required: true
    aliases:
      - tag
  manifest_digest:
    description:
      - Restore the tag to this manifest, for example V(sha256:0123...).
      - Any manifest the repository still has qualifies, including one that only history rows reference (which
        M(quaytools.tags.quay_tag) cannot point a tag at), or one that the tag never pointed at.
      - Mutually exclusive with O(at).
    type: str
  at:
    description:
      - Restore the tag to the manifest it pointed at at this instant, read from its history.
      - Epoch seconds (an integer or a number with decimals, or the same as a string), or an ISO 8601 date-time such as
        V(2026-11-28T09:30:00Z) (a date-time without a zone is UTC, a date alone is midnight UTC; an offset may be
        written V(+01:00), V(+0100) or V(+01)).
      - A number in milliseconds is refused, and so is an 8-digit number such as V(20261128), which would be a second
        of 1970; write the date as V(2026-11-28).
      - Quay records times to the second. On a second when the tag was moved, the row that started in that second wins.
      - It is an error when the instant is in the future, before the oldest history row of the tag (it may have been
        garbage-collected), or when the tag did not exist at that instant (it was deleted then). The message shows the
        nearest history rows.
      - Mutually exclusive with O(manifest_digest).
    type: raw
notes:
  - With a list in O(repository), RV(tags) has the restored tag of each repository that succeeded, and an entry of
    the list can give any of C(name), C(manifest_digest) and C(at) for its repository (C(manifest_digest) and C(at)
    replace each other).
  - The token needs the C(repo:write) scope and write access to the repository.
  - Quay refuses to restore over an immutable tag. The module fails before sending anything when the history says
    the active tag is immutable.
  - On a repository in read-only or mirror mode Quay refuses the restore (HTTP 503).
  - Quay re-signs a Docker schema 1 manifest for each tag name, so a tag restored to such a manifest can end up on
    another digest than the one asked for, and the next run restores it again. Schema 2 and OCI manifests are kept
    as they are.
  - Quay's restore endpoint accepts any manifest of the repository, and creates the tag when it has no active row.
    This module checks the tag name first, and with O(at) or no target option only restores manifests read from the
    tag's own history.
seealso:
  - module: quaytools.tags.quay_tag_info
    description: List tags and their history, for example to pick a manifest to restore.
  - module: quaytools.tags.quay_tag
    description: Create, move, expire, protect or delete tags.
  - name: Red Hat Quay API reference, tag endpoints
    description: The C(restoreTag) endpoint this module calls.
    link: https://docs.redhat.com/en/documentation/red_hat_quay/3.15/html/red_hat_quay_api_reference/tag
extends_documentation_fragment:
  - quaytools.tags.tag_options
  - quaytools.tags.connection
  - quaytools.tags.attributes
  - quaytools.tags.attributes.actiongroup_quay
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff shows the manifest digest and the expiration of the tag before and after the restore.
      - With a list of repositories, one diff per repository that changes (or would), headed by the repository.
"""

EXAMPLES = r"""
- name: Roll back and undelete with the connection set once
  module_defaults:
    group/quaytools.tags.quay:
      quay_host: https://quay.example.com
      quay_token: "{{ quay_token }}"
  block:
    - name: Point latest back at the manifest it had before the bad push of 14:05 UTC
      quaytools.tags.quay_tag_restore:
        repository: myorg/app
        name: latest
        at: "2026-11-28T14:00:00Z"
      register: rollback

    - name: Say what changed
      ansible.builtin.debug:
        msg: "latest: {{ rollback.tag.previous_manifest_digest }} -> {{ rollback.tag.manifest_digest }}"

    - name: Bring back a tag that was deleted by mistake (no change if it is active)
      quaytools.tags.quay_tag_restore:
        repository: myorg/app
        tag: v1.4.2

- name: Restore a tag to a known manifest
  quaytools.tags.quay_tag_restore:
    repository: myorg/team/app
    name: stable
    manifest_digest: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af

- name: Incident rollback of prod in several repositories to where it was an hour ago, in one task
  quaytools.tags.quay_tag_restore:
    repository:
      - myorg/frontend
      - myorg/backend
      - myorg/worker
    name: prod
    at: "{{ now().timestamp() | int - 3600 }}"
  register: incident

- name: Show where prod was rolled back
  ansible.builtin.debug:
    msg: "{{ incident.repositories | selectattr('changed') | map(attribute='repository') | list }}"

- name: Preview the same rollback without changing anything
  quaytools.tags.quay_tag_restore:
    repository: myorg/frontend
    name: prod
    at: "{{ now().timestamp() | int - 3600 }}"
  check_mode: true
  diff: true
"""

RETURN = r"""
tag:
  description: The tag after the restore (or after the restore that check mode predicts).
  returned: success, when O(repository) is a single repository
  type: dict
  contains:
    name:
      description: The tag name.
      type: str
      returned: always
      sample: latest
    manifest_digest:
      description: The manifest the tag points at after the restore.
      type: str
      returned: always
      sample: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
    previous_manifest_digest:
      description: The manifest the active tag pointed at before, or V(null) when the tag was not active.
      type: str
      returned: always
      sample: sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5
  sample:
    name: latest
    manifest_digest: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
    previous_manifest_digest: sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5
tags:
  description: With a list of repositories, RV(tag) of each repository that succeeded, with its C(repository).
  returned: when O(repository) is a list
  type: list
  elements: dict
  version_added: 1.1.0
  sample:
    - repository: myorg/frontend
      name: prod
      manifest_digest: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
      previous_manifest_digest: sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5
repositories:
  description: With a list of repositories, one entry per repository, in the order of the list, whether it failed or not.
  returned: when O(repository) is a list
  type: list
  elements: dict
  version_added: 1.1.0
  contains:
    repository:
      description: The repository.
      type: str
      sample: myorg/frontend
    changed:
      description: Whether the tag was (or in check mode would be) restored in this repository.
      type: bool
      sample: true
    failed:
      description: Whether this repository failed.
      type: bool
      sample: false
    msg:
      description: Why this repository failed; empty when it did not.
      type: str
      sample: ""
    tag:
      description: As RV(tag), for this repository.
      type: dict
      returned: when the repository did not fail
    tags:
      description: RV(repositories[].tag) in a list, empty when the repository failed.
      type: list
      elements: dict
    api_requests:
      description: The HTTP requests sent for this repository.
      type: int
      sample: 2
    error:
      description: Facts about the failed request (kind, HTTP status, method, path, Quay's message, attempts).
      type: dict
      returned: failure of a Quay request
    diff:
      description: As RV(diff) for a single repository.
      type: dict
      returned: in diff mode, when the repository did not fail
diff:
  description:
    - The tag before and after, when run with C(--diff) or with C(diff) set on the task.
    - With a list of repositories, a list of these, one per repository that changed (or would), each with
      C(before_header) and C(after_header) set to the repository.
  returned: in diff mode
  type: raw
  contains:
    before:
      description: The active tag before the restore; both values are V(null) when the tag was not active.
      type: dict
      returned: always
      sample:
        manifest_digest: sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5
        expiration: "2026-12-05T10:00:00Z"
    after:
      description: The tag after the restore. The expiration is V(null) after a restore, which drops it.
      type: dict
      returned: always
      sample:
        manifest_digest: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
        expiration: null
error:
  description:
    - Facts about the failed Quay request, safe to show (no token, no headers).
  returned: failure of a Quay request
  type: dict
  sample: {"kind": "readonly", "status": 503, "method": "PUT", "path": "/api/v1/repository/myorg/app/tag/stable",
           "server_message": "Repository is in read only or mirror mode: 1", "attempts": 1}
  contains:
    kind:
      description: What failed, in one word a playbook can test.
      returned: always
      type: str
      choices:
        - auth
        - bad_request
        - bad_response
        - immutable
        - network
        - not_found
        - permission
        - rate_limit
        - readonly
        - redirect
        - server
        - timeout
        - tls
        - unavailable
    status:
      description: The HTTP status of Quay's last answer, or V(null) when no answer came (network, timeout, TLS).
      returned: always
      type: int
    method:
      description: The HTTP method of the failed request.
      returned: always
      type: str
    path:
      description: The path of the failed request, without the query.
      returned: always
      type: str
    server_message:
      description: Quay's own error message, when its answer had one.
      returned: always
      type: str
    attempts:
      description: How many times the request was sent, retries included.
      returned: always
      type: int
api_requests:
  description:
    - How many HTTP requests were sent to Quay, retries included (of every repository, for a list).
    - One read of the tag's history (more for a name with over 100 history rows), plus the restore when a change is
      due and not in check mode.
    - Also returned when the task fails. Left out only when it fails on its options, before any request is sent.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.quaytools.tags.plugins.module_utils._common import now_ts
from ansible_collections.quaytools.tags.plugins.module_utils._module import QuayModule
from ansible_collections.quaytools.tags.plugins.module_utils._multi import run_task
from ansible_collections.quaytools.tags.plugins.module_utils._options import REPOSITORY_ARG_SPEC, argument_spec
from ansible_collections.quaytools.tags.plugins.module_utils._tag_restore import parse_request, run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=argument_spec(
            REPOSITORY_ARG_SPEC,
            name=dict(type="str", required=True, aliases=["tag"]),
            manifest_digest=dict(type="str"),
            at=dict(type="raw"),
        ),
        mutually_exclusive=[("manifest_digest", "at")],
        supports_check_mode=True,
    )


def execute(task):
    """This module's logic on a task: the module process's, or the action plugin's in the controller."""
    run_task(task, run, "quay_tag_restore", check=lambda params: parse_request(params, now_ts()))


def main():
    execute(QuayModule(**spec()))


if __name__ == "__main__":
    main()
