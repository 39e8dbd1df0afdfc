# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module of quaytools.tags.
    DOCUMENTATION = r"""
options:
  quay_host:
    description:
      - URL of the Quay server, for example V(https://quay.example.com).
      - V(https://) is assumed when no scheme is given. Plain V(http://) is used only when written explicitly.
      - Trailing slashes and an C(/api/v1) suffix are tolerated.
      - If not set, the value of the E(QUAY_HOST) environment variable is used.
      - Required, from the task, from C(module_defaults) for C(group/quaytools.tags.quay), or from the environment.
    type: str
  quay_token:
    description:
      - OAuth access token (Bearer) of a Quay OAuth application, or of a robot-less user token generated for one.
      - Quay's API ignores HTTP Basic credentials, so a token is required.
      - The token needs C(repo:read) for M(quaytools.tags.quay_tag_info), C(repo:write) for M(quaytools.tags.quay_tag)
        and M(quaytools.tags.quay_tag_restore), and C(repo:admin) to clear immutability.
      - The policy modules need C(org:admin) for a namespace, C(user:admin) for the token's own user namespace and
        C(repo:admin) for a repository.
      - If not set, the value of the E(QUAY_TOKEN) environment variable is used.
      - The token is never shown in output, messages or diffs.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of O(quay_host).
      - Set to V(false) only for test servers; prefer O(ca_path) for a private CA. A warning is printed when it is V(false).
      - If not set, the value of the E(QUAY_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM bundle of CA certificates used to verify the Quay server's certificate, instead of the system's.
      - If not set, the value of the E(QUAY_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for Quay to answer one request before it counts as timed out (and is retried).
      - If not set, the value of the E(QUAY_TIMEOUT) environment variable is used.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is tried again after a transient failure (connection error, time-out,
        HTTP 429 honouring C(Retry-After), 502, 503, 504) with exponential backoff and jitter.
      - A 503 saying the repository or the registry is read-only or mirrored is not retried.
      - Each retry is reported as a warning. V(0) disables retries.
      - A move or restore whose answer was lost (time-out, dropped connection, a proxy's 502 or 504) may have been
        applied by Quay, and each one adds a history row. Before it is sent again, the tag is read back; when it
        already points at the requested manifest, the write is not repeated. After a time-out or a 504, Quay may still
        be working on the write, so the tag is read again, with growing pauses, for up to O(timeout) more seconds.
        A lost write that Quay applies within that time adds one history row; one that Quay applies even later, after
        it was sent again, adds two.
      - If not set, the value of the E(QUAY_RETRIES) environment variable is used.
    type: int
    default: 3
  parallel:
    description:
      - When the module is given a list of repositories, how many requests may be in flight at once, that is how many
        repositories are worked on at the same time. V(1) handles one repository at a time. It has no effect on a single
        repository, whose requests are always sent one after another.
      - The workers share one pool of keep-alive connections. When Quay answers HTTP 429 (rate limited), every worker
        waits for its C(Retry-After), not only the one that got it, and the number of requests in flight is halved (down to
        one), so that a rate limit never turns into a burst of retries; it grows back by one for every 20 requests sent
        without another 429. A warning says when it happened.
      - The default V(8) stays well under the burst that Quay's bundled nginx allows one client address when
        C(FEATURE_RATE_LIMITS) is on (25 API requests at once over HTTP/1.1, then about 5 a second), with room for other
        jobs from the same address. Raise it for a registry without rate limits, lower it for a busy or small one.
      - From V(1) to V(32). If not set, the value of the E(QUAY_PARALLEL) environment variable is used.
    type: int
    default: 8
    version_added: 1.1.0
"""

    # The same connection options for plugins that run on the controller (the quaytools.tags.digest lookup), which read
    # them from their own arguments or from the environment (module_defaults does not reach plugins).
    PLUGINS = r"""
options:
  quay_host:
    description:
      - URL of the Quay server, for example V(https://quay.example.com).
      - V(https://) is assumed when no scheme is given. Plain V(http://) is used only when written explicitly.
      - Trailing slashes and an C(/api/v1) suffix are tolerated.
      - Required, as an argument or from the environment.
    type: str
    env:
      - name: QUAY_HOST
  quay_token:
    description:
      - OAuth access token (Bearer) of a Quay OAuth application, with the C(repo:read) scope.
      - Quay's API ignores HTTP Basic credentials, so a token is required.
      - Required, as an argument or from the environment. It is never shown in output or messages.
    type: str
    env:
      - name: QUAY_TOKEN
  validate_certs:
    description:
      - Whether to verify the TLS certificate of O(quay_host).
      - Set to V(false) only for test servers; prefer O(ca_path) for a private CA. A warning is printed when it is V(false).
    type: bool
    default: true
    env:
      - name: QUAY_VALIDATE_CERTS
  ca_path:
    description:
      - Path of a PEM bundle of CA certificates used to verify the Quay server's certificate, instead of the system's.
    type: path
    env:
      - name: QUAY_CA_PATH
  timeout:
    description:
      - Seconds to wait for Quay to answer one request before it counts as timed out (and is retried).
    type: float
    default: 30
    env:
      - name: QUAY_TIMEOUT
  retries:
    description:
      - How many times a request is tried again after a transient failure (connection error, time-out,
        HTTP 429 honouring C(Retry-After), 502, 503, 504) with exponential backoff and jitter.
      - Each retry is reported as a warning. V(0) disables retries.
    type: int
    default: 3
    env:
      - name: QUAY_RETRIES
"""
