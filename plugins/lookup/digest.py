# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: digest
short_description: The manifest digest a Quay tag points at, to deploy by digest
version_added: 1.1.0
description:
  - Returns the manifest digest (for example V(sha256:5c5b...)) that each tag, written C(namespace/name:tag), points
    at right now in Project Quay or Red Hat Quay, so a deployment can be pinned by digest at deploy time
    (C(quay.example.com/myorg/app@sha256:...)) instead of following a tag that can move.
  - Several terms can be given in one call; the digests come back in the same order.
  - One request is sent per term (Quay's tag listing for that one active tag). With O(platform), a tag that points
    at a manifest list (a multi-architecture image) costs one more request, to read the list (once per list and call).
    Transient failures are retried as O(retries) says, each retry a warning.
  - Every term is checked before the first request. A term that is not C(namespace/name:tag) (no tag, a digest
    C(@sha256:...), a registry host or port, an invalid name) is an error naming the term.
author: quaytools.tags contributors (@quaytools)
requirements:
  - requests
options:
  _terms:
    description:
      - The tags, each as C(namespace/name:tag), for example V(myorg/app:stable) or V(myorg/team/app:v1.2).
      - A list given as one term counts as its items.
      - Write the repository without the registry host.
    type: list
    elements: str
    required: true
  platform:
    description:
      - For a tag that points at a manifest list, return the digest of the image for this platform instead of the
        list's own digest. Written C(os/architecture) or C(os/architecture/variant), for example V(linux/amd64),
        V(linux/arm64) or V(linux/arm/v7).
      - Without a variant, any variant of that architecture matches, as long as only one does. An C(arm64) image
        without a variant counts as V(v8).
      - A manifest list without an image for this platform is an error that lists the platforms it has.
      - A tag that points at a single image (not a list) returns that image's digest unchanged, since it is what any
        platform pulls.
      - When not set, the digest of the tag's manifest is returned as it is, manifest list or not.
    type: str
  default:
    description:
      - The value returned for a tag that is not active (never created, deleted or expired).
      - When not given, such a tag is an error.
      - Only a missing tag is replaced. A missing repository, a refused token or an unreachable server is always an
        error.
    type: raw
notes:
  - Nothing is changed in Quay. The lookup runs on the controller, in check mode too.
  - The digest is read when the lookup is evaluated. A tag moved after that is not followed, which is the point of
    pinning by digest.
  - The token needs the C(repo:read) scope and read access to the repositories.
seealso:
  - module: quaytools.tags.quay_tag_info
    description: List tags with their history, digests and dates.
  - ref: ansible_collections.quaytools.tags.docsite.guide_recipes
    description: Recipes, among them deploying by digest.
extends_documentation_fragment:
  - quaytools.tags.connection.plugins
"""

EXAMPLES = r"""
- name: Show the digest stable points at
  ansible.builtin.debug:
    msg: "{{ lookup('quaytools.tags.digest', 'myorg/app:stable', quay_host='https://quay.example.com') }}"

# With QUAY_HOST and QUAY_TOKEN in the environment, only the tags are needed.
- name: Render a Kubernetes Deployment pinned by digest at deploy time
  vars:
    app_digest: "{{ lookup('quaytools.tags.digest', 'myorg/app:stable') }}"
  ansible.builtin.copy:
    dest: /srv/deploy/app-deployment.yaml
    mode: "0644"
    content: |
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: app
      spec:
        replicas: 2
        selector:
          matchLabels: {app: app}
        template:
          metadata:
            labels: {app: app}
          spec:
            containers:
              - name: app
                image: quay.example.com/myorg/app@{{ app_digest }}

- name: Render a compose file with every service pinned (query returns a list, one digest per term)
  vars:
    images: [myorg/web:stable, myorg/worker:stable]
    digests: "{{ query('quaytools.tags.digest', images) }}"
  ansible.builtin.copy:
    dest: /srv/deploy/compose.yaml
    mode: "0644"
    content: |
      services:
        web:
          image: quay.example.com/myorg/web@{{ digests[0] }}
        worker:
          image: quay.example.com/myorg/worker@{{ digests[1] }}

- name: The arm64 image of a multi-architecture tag
  ansible.builtin.debug:
    msg: "{{ lookup('quaytools.tags.digest', 'myorg/app:v1.2', platform='linux/arm64') }}"

- name: An empty string for a preview tag that may not exist yet
  ansible.builtin.set_fact:
    preview_digest: "{{ lookup('quaytools.tags.digest', 'myorg/app:pr-1234', default='') }}"
"""

RETURN = r"""
_raw:
  description:
    - One manifest digest per term, in the order of the terms, or the O(default) value for a tag that is not active.
    - C(lookup()) joins several of them with commas; C(query()) (or O(ignore:wantlist=true)) returns the list.
  type: list
  elements: str
  sample:
    - sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
"""

from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.quaytools.tags.plugins.module_utils._client import HAS_REQUESTS, QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._connection import (
    connection_problem,
    connection_warning,
    make_client,
)
from ansible_collections.quaytools.tags.plugins.module_utils._digest import MISSING, LookupProblem, resolve

display = Display()

CONNECTION_OPTIONS = ("quay_host", "quay_token", "validate_certs", "ca_path", "timeout", "retries")


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if not HAS_REQUESTS:
            raise AnsibleLookupError(missing_required_lib("requests"))
        params = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        problem = connection_problem(params, "as an argument of the lookup (quay_host=...)")
        if problem:
            raise AnsibleLookupError("quaytools.tags.digest: %s" % problem)
        warning = connection_warning(params)
        if warning:
            display.warning(warning)
        default = kwargs["default"] if "default" in kwargs else MISSING
        # query('quaytools.tags.digest', list_of_tags) passes the list as one term.
        terms = [item for term in terms for item in (term if isinstance(term, list) else [term])]
        client = make_client(params)
        try:
            return resolve(client, terms, platform=self.get_option("platform"), default=default)
        except (LookupProblem, QuayError) as exc:
            raise AnsibleLookupError("quaytools.tags.digest: %s" % exc)
        finally:
            for message in client.warnings:
                display.warning(message)
