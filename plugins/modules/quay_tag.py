#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_tag
short_description: Create, move, expire, protect or delete tags in Quay repositories
version_added: 1.0.0
author: quaytools.tags contributors (@quaytools)
description:
  - Declares the state of one or several tags of a Project Quay or Red Hat Quay repository and changes
    only what differs, through Quay's tag API (C(PUT) and C(DELETE) on C(/api/v1/repository/{repository}/tag/{tag})).
  - O(name) lists the tags; all of them get the same desired state. It is required, unless O(repository) is a list
    whose every entry gives its own C(name).
  - Given a list of repositories, it does the same in each of them in one task, several repositories at a time
    (O(parallel)), each with the same requests as on its own. A repository that fails does not stop the others.
  - A tag can be created or moved to a manifest digest or to the manifest of another tag, given an expiration
    (absolute, or relative such as V(2w)), made immutable, or deleted.
  - Reports C(changed) only when Quay was changed (or, in check mode, would be), and never re-sends a digest a tag
    already has, since Quay records every such C(PUT) as a new history entry and drops the tag's expiration.
  - Reads the current tags first with as few requests as the numbers allow; in check mode it sends no write at all.
  - Plays every planned write through Quay's rules for immutable tags, expirations and O(overwrite) before sending the
    first one, so a task Quay would refuse half-way fails before anything changes, in check mode too, naming each tag
    and the way out.
requirements:
  - requests
extends_documentation_fragment:
  - quaytools.tags.tag_options
  - quaytools.tags.tag_options.names
  - quaytools.tags.connection
  - quaytools.tags.attributes
  - quaytools.tags.attributes.actiongroup_quay
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - Before and after of each tag's manifest digest, expiration and immutability.
      - With a list of repositories, one diff per repository that changes (or would), headed by the repository.
options:
  state:
    description:
      - V(present) makes the tags exist with the given manifest, expiration and immutability.
      - V(absent) deletes every active tag of O(name); a tag that is not active is left alone.
        With O(manifest_digest) or O(expected_digests), a tag is deleted only while it points at the expected
        manifest; see O(expected_digests).
        Quay keeps deleted tags in its time machine, so they can be brought back with M(quaytools.tags.quay_tag_restore)
        until the namespace's time-machine window (two weeks by default) has passed.
    type: str
    choices:
      - present
      - absent
    default: present
  manifest_digest:
    description:
      - The manifest the tags must point to, as C(algorithm:hex), for example V(sha256:0123...).
      - Quay accepts only a manifest that an active tag (or an active manifest list) of the repository references.
        To go back to a manifest that only the history references, use M(quaytools.tags.quay_tag_restore).
      - With O(state=absent), the manifest every tag of O(name) is expected to point at. A tag is deleted only while it
        points there (the same as O(expected_digests) with this digest for every name).
      - Mutually exclusive with O(source_tag) and O(expected_digests).
    type: str
  source_tag:
    description:
      - An active tag of the same repository whose manifest the tags must point to (promotion, such as
        V(candidate) to V(stable)).
      - Mutually exclusive with O(manifest_digest).
    type: str
  expiration:
    description:
      - When the tags expire. An expired tag stops being served but stays in Quay's time machine.
      - Epoch seconds (V(1798761600)), an ISO 8601 date-time (V(2026-12-31T00:00:00Z), V(2026-12-31T01:00:00+01:00);
        a value without a zone is UTC), a relative duration C([+]N{s,m,h,d,w}) such as V(2w), V(36h) or V(1w2d), or
        V(never) (or the empty string) to clear the expiration.
      - A relative duration means "expires no later than now plus the duration". A tag that already expires sooner
        is left alone; a tag with no expiration, or a later one, is set to now plus the duration. Repeated runs stay
        unchanged.
      - Quay keeps an expiration between one hour and 104 weeks after the tag's start and clamps other values.
        The module compares with what Quay stores, warns when it differs from the request, and fails when the
        clamped value would already be past (a tag older than 104 weeks).
      - Quay drops the expiration when a tag moves; the module sets it again after the move.
      - A date in the past is an error.
      - An immutable tag can have an expiration only where the server enables C(FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE);
        see O(immutable).
    type: raw
  immutable:
    description:
      - Make the tags immutable (V(true)) or not (V(false)). Immutable tags cannot be moved, restored over or deleted.
      - Needs Quay 3.17 or later with C(FEATURE_IMMUTABLE_TAGS) enabled; the task fails when the server does not
        report immutability. Clearing it needs a token with C(repo:admin).
      - When a tag must move and O(immutable=false), immutability is cleared before the move.
      - Unless the server enables C(FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE) (off by default), Quay refuses to give an
        immutable tag an expiration and to make a tag that has one immutable. Such a task fails before any write, in
        check mode too, naming the tags. Give O(expiration=never) together with O(immutable=true) to clear the
        expiration and lock the tag in one request per tag.
      - Whether the server enables C(FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE) is read from Quay's C(/config) (one request,
        no token needed), and only when the task depends on it. Where it is enabled, immutability and an expiration
        are set together.
      - Quay cannot create a tag and make it immutable in one request, so a new tag is created first, then locked.
    type: bool
  overwrite:
    description:
      - When V(false), a tag that already exists on another manifest makes the task fail instead of moving it
        (release tags that must never move). Tags that do not exist yet are still created.
    type: bool
    default: true
  expected_digests:
    description:
      - With O(state=absent), the manifest each tag is expected to point at, as a dictionary of tag name to digest,
        for one task that deletes tags pointing at different manifests (the P(quaytools.tags.prune_plan#filter) plan
        gives them). Each key must be one of O(name); a name without an entry is deleted whatever it points at.
      - A tag is deleted only while it still points at its expected manifest. A tag that points elsewhere (it was
        pushed again after the deletion was planned) is left alone, listed in RV(skipped_tags) with the reason and
        named in a warning; the task does not fail. Check mode predicts the same.
      - The tags are compared when the task reads them, just before it deletes them; a push in the moment between that
        read and the deletion is not detected (Quay has no conditional delete).
      - Mutually exclusive with O(manifest_digest).
    type: dict
    version_added: 1.1.0
notes:
  - 'With a list in O(repository), each entry of RV(tags) carries its C(repository), and an entry of the list can give
    any of C(name), C(manifest_digest), C(source_tag), C(expiration) and C(expected_digests) for its repository
    (C(manifest_digest) replaces C(source_tag) and C(expected_digests), and each of them replaces it), for example
    V({repository: myorg/app, name: [ci-101, ci-102]}). A clean-up job deletes different tags in each repository this
    way, in one task.'
  - The token needs C(repo:write) on the repository (C(repo:admin) to clear immutability).
  - With a list of repositories, the repositories are independent of each other. Each one is read, planned and
    written as if it were alone; there is no transaction across them, and a re-run finishes what a failure left.
  - Everything the module can know is checked before the first write, for every tag of O(name) - the options, and
    Quay's rules for immutable tags, expirations and O(overwrite) - and, in check mode or when another write would go
    first, that the manifest can be tagged. A write can still fail for a reason only Quay knows (permissions, a
    read-only registry, a change made meanwhile by someone else). Then the failure lists the tags already changed in
    RV(changed_tags); running the task again finishes the job. When Quay's answer to the failed write itself was lost
    (no answer after every retry), the message says that this write may have been applied too.
  - A tag listing whose pages do not advance (a server or proxy that ignores the page parameter) stops with an error
    naming the repository and the page.
  - Quay's immutability policies (M(quaytools.tags.quay_immutability_policy)) make a tag immutable as soon as a task
    creates or moves it, when its name matches. Before creating or moving a tag that it also gives an expiration, the
    module reads the immutability policies of the repository and of its namespace (two C(GET) requests, after Quay's
    C(GET /config); none on a server without immutable tags) and refuses, before any write, an expiration Quay would
    refuse. Reading them needs C(repo:admin) and C(org:admin); a token without them gets a warning and the task goes on.
    RV(tags[].immutable) reports the immutability the task asked for, not one a policy adds.
seealso:
  - module: quaytools.tags.quay_tag_info
  - module: quaytools.tags.quay_tag_restore
  - module: quaytools.tags.quay_immutability_policy
  - name: Quay API reference
    description: Quay's REST API, including the tag endpoints.
    link: https://docs.projectquay.io/api_quay.html
"""

EXAMPLES = r"""
- name: Manage tags with the connection set once
  module_defaults:
    group/quaytools.tags.quay:
      quay_host: https://quay.example.com
      quay_token: "{{ quay_token }}"
  block:
    - name: Promote the candidate build to stable and prod
      quaytools.tags.quay_tag:
        repository: myorg/app
        name:
          - stable
          - prod
        source_tag: candidate

    - name: Pin a release tag to a digest, and never move it once it exists
      quaytools.tags.quay_tag:
        repository: myorg/app
        name: v1.4.0
        manifest_digest: sha256:8a0f4e7c3d2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f
        overwrite: false

    - name: Let a pull-request tag expire two weeks from now
      quaytools.tags.quay_tag:
        repository: myorg/app
        name: "pr-{{ pr_number }}"
        expiration: 2w

    - name: Make the release tag immutable (Quay 3.17+)
      quaytools.tags.quay_tag:
        repository: myorg/app
        name: v1.4.0
        immutable: true

    - name: Clear an expiration
      quaytools.tags.quay_tag:
        repository: myorg/app
        name: keep-me
        expiration: never

    - name: Lock a release tag that had an expiration, clearing it in the same request
      quaytools.tags.quay_tag:
        repository: myorg/app
        name: v1.4.0
        immutable: true
        expiration: never

    - name: Delete many CI tags in one task
      quaytools.tags.quay_tag:
        repository: myorg/app
        name: "{{ ci_tags_to_delete }}"
        state: absent
      register: deleted

    - name: Delete planned tags only while they still point where the plan saw them
      quaytools.tags.quay_tag:
        repository: myorg/app
        name: "{{ plan.prune | map(attribute='name') | list }}"
        state: absent
        expected_digests: "{{ dict(plan.prune | map(attribute='name') | zip(plan.prune | map(attribute='manifest_digest'))) }}"
      register: pruned

- name: Promote candidate to stable in every service, in one task
  quaytools.tags.quay_tag:
    repository: [myorg/api, myorg/web, myorg/worker]
    name: stable
    source_tag: candidate
  register: promoted

- name: Show the repositories where stable moved
  ansible.builtin.debug:
    msg: "{{ promoted.repositories | selectattr('changed') | map(attribute='repository') | list }}"

- name: Delete different CI tags in each repository, in one task, four repositories at a time
  quaytools.tags.quay_tag:
    repository:
      - repository: myorg/api
        name: [ci-101, ci-102]
      - repository: myorg/web
        name: [ci-77]
    state: absent
    parallel: 4

- name: Expire at a fixed date, with the connection from QUAY_HOST and QUAY_TOKEN
  quaytools.tags.quay_tag:
    repository: myorg/team/service
    name: release-candidate
    expiration: "2026-12-31T00:00:00Z"
"""

RETURN = r"""
tags:
  description:
    - One entry per name in O(name) (duplicates removed), in that order, with the state after the task.
    - With a list of repositories, the entries of every repository that succeeded, repository after repository in the
      order of the list.
  returned: success, and when O(repository) is a list
  type: list
  elements: dict
  contains:
    repository:
      description: The repository of the tag.
      type: str
      returned: when O(repository) is a list
      sample: myorg/api
      version_added: 1.1.0
    name:
      description: The tag.
      type: str
      sample: stable
    state:
      description: V(present) or V(absent) after the task.
      type: str
      sample: present
    changed:
      description: Whether this tag was (or in check mode would be) changed.
      type: bool
      sample: true
    actions:
      description: What was (or would be) done to the tag, in order.
      type: list
      elements: str
      sample: ["moved from sha256:1f2e...", "expiration set"]
    manifest_digest:
      description: The manifest the tag points to, null when absent.
      type: str
      sample: sha256:8a0f4e7c3d2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f
    expiration:
      description: When the tag expires (ISO 8601, UTC), as Quay stores it; null when it never expires.
      type: str
      sample: "2026-12-12T10:00:00Z"
    end_ts:
      description: The same instant as RV(tags[].expiration), in epoch seconds; null when it never expires.
      type: int
      sample: 1797069600
    immutable:
      description: Whether the tag is immutable; only when the server reports immutability.
      type: bool
      sample: false
repositories:
  description:
    - With a list of repositories, one entry per repository, in the order of the list, whether it failed or not.
  returned: when O(repository) is a list
  type: list
  elements: dict
  version_added: 1.1.0
  contains:
    repository:
      description: The repository.
      type: str
      sample: myorg/api
    changed:
      description: Whether something was (or in check mode would be) changed in this repository.
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
    tags:
      description: The tags of this repository, as in RV(tags); empty when it failed.
      type: list
      elements: dict
      sample: [{"name": "stable", "state": "present", "changed": true, "repository": "myorg/api"}]
    api_requests:
      description: The HTTP requests sent for this repository.
      type: int
      sample: 2
    error:
      description: As RV(error), for a failed request of this repository.
      type: dict
      returned: failure of a Quay request
    changed_tags:
      description: As RV(changed_tags), for this repository.
      type: list
      elements: str
      returned: failure during the writes
    failed_tag:
      description: As RV(failed_tag), for this repository.
      type: str
      returned: failure during the writes
    diff:
      description: As RV(diff) for a single repository.
      type: dict
      returned: in diff mode, when the repository did not fail
    skipped_tags:
      description: As RV(skipped_tags), for this repository.
      type: list
      elements: dict
      returned: when the repository did not fail
skipped_tags:
  description:
    - With O(state=absent) and O(manifest_digest) or O(expected_digests), the active tags left alone because they do
      not point at their expected manifest (empty otherwise).
    - With a list of repositories, those of every repository, each with its C(repository).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The tag.
      type: str
      sample: ci-107
    manifest_digest:
      description: The manifest the tag points at.
      type: str
      sample: sha256:8a0f4e7c3d2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f
    reason:
      description: Why it was left alone.
      type: str
      sample: "it points at sha256:8a0f..., not at the expected sha256:1f2e...: it moved after the deletion was planned,
        so it is left alone"
changed_tags:
  description: On a failure during the writes, the tags that had already been changed before it.
  returned: failure during the writes
  type: list
  elements: str
  sample: ["stable"]
failed_tag:
  description: On a failure during the writes, the tag whose write failed.
  returned: failure during the writes
  type: str
  sample: prod
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
    - The number of HTTP requests sent to Quay, retries and read-backs included (of every repository, for a list).
    - Also returned when the task fails (V(0) when it fails before its first request, for example on a bad option
      value). Left out only when Ansible itself rejects the options (an unknown option, a wrong type, mutually
      exclusive options).
  returned: always
  type: int
  sample: 2
diff:
  description:
    - Before and after of each tag (state, manifest_digest, expiration, immutable), keyed by tag name.
    - With a list of repositories, a list of these, one per repository that changed (or would), each with
      C(before_header) and C(after_header) set to the repository.
  returned: success, in diff mode
  type: raw
  contains:
    before:
      description: Each tag before the task.
      type: dict
      sample: {"stable": {"state": "present", "manifest_digest": "sha256:1f2e...", "expiration": null}}
    after:
      description: Each tag after the task.
      type: dict
      sample: {"stable": {"state": "present", "manifest_digest": "sha256:8a0f...", "expiration": null}}
"""

from ansible_collections.quaytools.tags.plugins.module_utils._common import now_ts
from ansible_collections.quaytools.tags.plugins.module_utils._module import QuayModule
from ansible_collections.quaytools.tags.plugins.module_utils._multi import run_task
from ansible_collections.quaytools.tags.plugins.module_utils._options import REPOSITORY_ARG_SPEC, TAG_NAMES_ARG_SPEC, argument_spec
from ansible_collections.quaytools.tags.plugins.module_utils._tag_state import parse_request, run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=argument_spec(
            REPOSITORY_ARG_SPEC,
            TAG_NAMES_ARG_SPEC,
            state=dict(type="str", choices=["present", "absent"], default="present"),
            manifest_digest=dict(type="str"),
            source_tag=dict(type="str"),
            expiration=dict(type="raw"),
            immutable=dict(type="bool"),
            overwrite=dict(type="bool", default=True),
            expected_digests=dict(type="dict"),
        ),
        mutually_exclusive=[("manifest_digest", "source_tag"), ("manifest_digest", "expected_digests")],
        supports_check_mode=True,
    )


def execute(task):
    """This module's logic on a task: the module process's, or the action plugin's in the controller."""
    run_task(task, run, "quay_tag", check=lambda params: parse_request(params, now_ts()))


def main():
    execute(QuayModule(**spec()))


if __name__ == "__main__":
    main()
