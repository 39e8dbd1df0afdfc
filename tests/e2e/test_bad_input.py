# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Invalid input to the three modules, through real ansible-playbook: each task fails with a message that names the
option and says what is wrong with it, and not one request reaches Quay."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from e2e_support import NAMESPACE

REPO = NAMESPACE + "/app"
GOOD_DIGEST = "sha256:" + "a" * 64
PAST_ISO = "2020-01-01T00:00:00Z"

# name: (module, options (connection options added unless a case sets them; None drops one), regular expression the
#        message must match; it names the option)
CASES = {
    # quay_tag
    "tag-empty-name-list": ("quay_tag", {"name": []}, r"^name: give at least one tag name$"),
    "tag-empty-name": ("quay_tag", {"name": [""]}, r"^name: '' is not a valid tag name"),
    "tag-name-leading-dash": ("quay_tag", {"name": ["-rc"]}, r"^name: '-rc' is not a valid tag name: use 1 to 128 characters"),
    "tag-name-too-long": ("quay_tag", {"name": ["x" * 129]}, r"^name: 'x{129}' is not a valid tag name"),
    "tag-name-not-a-list-of-strings": ("quay_tag", {"name": [{"a": 1}]}, r"name"),
    "tag-repository-empty": ("quay_tag", {"repository": ""}, r"^repository: '' is not a repository: use namespace/name"),
    "tag-repository-no-namespace": ("quay_tag", {"repository": "app"}, r"^repository: 'app' is not a repository"),
    "tag-repository-upper-case": ("quay_tag", {"repository": "E2E/App"},
                                  r"^repository: 'E2E/App' is not a valid repository: namespace 'E2E' must be"),
    # A list of repositories is checked entry by entry before any request.
    "tag-repository-list": ("quay_tag", {"repository": ["e2e/app", "E2E/Bad"]},
                            r"^repository\[1\]: 'E2E/Bad' is not a valid repository: namespace 'E2E' must be"),
    "tag-repository-list-twice": ("quay_tag", {"repository": ["e2e/app", "e2e/app"]},
                                  r"^repository: e2e/app is listed twice \(entries 0 and 1\)"),
    "tag-digest-not-hex": ("quay_tag", {"manifest_digest": "sha256:xyz"},
                           r"^manifest_digest: 'sha256:xyz' is not a manifest digest: use algorithm:hex"),
    "tag-digest-short": ("quay_tag", {"manifest_digest": "sha256:" + "a" * 63}, r"^manifest_digest: 'sha256:a{63}' is not"),
    "tag-digest-unknown-algorithm": ("quay_tag", {"manifest_digest": "md5:" + "a" * 32}, r"^manifest_digest: 'md5:a{32}' is not"),
    "tag-digest-and-source": ("quay_tag", {"source_tag": "candidate"},
                              r"mutually exclusive: manifest_digest\|source_tag"),
    "tag-absent-with-source": ("quay_tag", {"state": "absent", "manifest_digest": None, "source_tag": "candidate"},
                               r"^source_tag: only used with state=present"),
    "tag-absent-with-expiration": ("quay_tag", {"state": "absent", "manifest_digest": None, "expiration": "2w",
                                                "immutable": True},
                                   r"^expiration, immutable: only used with state=present"),
    "tag-state-unknown": ("quay_tag", {"state": "gone"}, r"value of state must be one of: present, absent, got: gone"),
    "tag-expiration-past-iso": ("quay_tag", {"expiration": PAST_ISO},
                                r"^expiration: 2020-01-01T00:00:00Z \(2020-01-01T00:00:00Z\) is in the past"),
    "tag-expiration-past-epoch": ("quay_tag", {"expiration": 1000}, r"^expiration: 1000 \(1970-01-01T00:16:40Z\) is in the past"),
    "tag-expiration-unparseable": ("quay_tag", {"expiration": "next tuesday"},
                                   r"^expiration: 'next tuesday' is not an expiration: use epoch seconds"),
    "tag-expiration-milliseconds": ("quay_tag", {"expiration": 1797000000000},
                                    r"^expiration: 1797000000000 is not in epoch seconds: it would be the year \d+; "
                                    r"if it is in milliseconds, give 1797000000 \(2026-12-11T14:40:00Z\)"),
    "tag-expiration-8-digit-date": ("quay_tag", {"expiration": 20261201},
                                    r"^expiration: 20261201 is ambiguous: it reads as the date 2026-12-01 .*: write "
                                    r"2026-12-01 for the date"),
    "tag-expiration-boolean": ("quay_tag", {"expiration": True}, r"^expiration: a boolean is not an expiration"),
    "tag-expiration-list": ("quay_tag", {"expiration": [1]}, r"^expiration: '\[1\]' is not an expiration"),
    "tag-immutable-not-bool": ("quay_tag", {"immutable": "maybe"},
                               r"argument 'immutable' is of type str and we were unable to convert to bool"),
    "tag-source-invalid": ("quay_tag", {"manifest_digest": None, "source_tag": "rc/1"}, r"^source_tag: 'rc/1' is not a valid tag name"),
    "tag-retries-too-many": ("quay_tag", {"retries": 11}, r"^retries must be between 0 and 10, got 11$"),
    "tag-timeout-zero": ("quay_tag", {"timeout": 0}, r"^timeout must be a positive number of seconds, got 0"),
    "tag-timeout-not-number": ("quay_tag", {"timeout": "soon"},
                               r"argument 'timeout' is of type str and we were unable to convert to float"),
    "tag-host-ftp": ("quay_tag", {"quay_host": "ftp://quay.example.com"},
                     r"^quay_host: 'ftp://quay.example.com' has scheme ftp: use https://"),
    "tag-host-with-query": ("quay_tag", {"quay_host": "https://quay.example.com/?x=1"}, r"^quay_host: .* is not a Quay host URL"),
    "tag-host-missing": ("quay_tag", {"quay_host": None}, r"^missing required connection option quay_host: set it on the task"),
    "tag-token-missing": ("quay_tag", {"quay_token": None}, r"^missing required connection option quay_token: .* QUAY_TOKEN"),
    "tag-ca-path-missing-file": ("quay_tag", {"ca_path": "/nonexistent/ca.pem"},
                                 r"^ca_path: /nonexistent/ca.pem is not a file: give the path of a PEM CA bundle"),
    # quay_tag_info
    "info-limit-zero": ("quay_tag_info", {"limit": 0}, r"^limit: 0 is not a page size Quay accepts: use 1 to 100$"),
    "info-limit-too-big": ("quay_tag_info", {"limit": 101}, r"^limit: 101 is not a page size Quay accepts"),
    "info-limit-not-int": ("quay_tag_info", {"limit": "ten"}, r"argument 'limit' is of type str and we were unable to convert to int"),
    "info-page-zero": ("quay_tag_info", {"page": 0}, r"^page: 0 is not a page number: pages are numbered from 1$"),
    "info-filter-unknown-operation": ("quay_tag_info", {"filter_tag_name": "contains:rc"},
                                      r"^filter_tag_name: 'contains:rc' is not a tag filter: use like:TEXT"),
    "info-filter-empty-text": ("quay_tag_info", {"filter_tag_name": "like:"}, r"^filter_tag_name: 'like:' is not a tag filter"),
    "info-name-space": ("quay_tag_info", {"name": "a b"}, r"^name: 'a b' is not a valid tag name"),
    "info-tag-list-one-bad": ("quay_tag_info", {"tag": ["latest", "a b"]}, r"^name: 'a b' is not a valid tag name"),
    "info-names-with-page": ("quay_tag_info", {"name": ["latest", "stable"], "page": 1},
                             r"^page: one page is one page of one listing, and 2 tag names are read with several"),
    "info-digest-malformed": ("quay_tag_info", {"manifest_digest": "sha256:123"}, r"^manifest_digest: 'sha256:123' is not"),
    "info-only-active-not-bool": ("quay_tag_info", {"only_active": "often"}, r"argument 'only_active' is of type str"),
    "info-repository-missing": ("quay_tag_info", {"repository": None}, r"missing required arguments: repository"),
    # quay_tag_restore
    "restore-name-missing": ("quay_tag_restore", {"name": None}, r"missing required arguments: name"),
    "restore-name-hidden": ("quay_tag_restore", {"name": ".hidden"}, r"^name: '.hidden' is not a valid tag name"),
    "restore-digest-and-at": ("quay_tag_restore", {"manifest_digest": GOOD_DIGEST, "at": PAST_ISO},
                              r"mutually exclusive: manifest_digest\|at"),
    "restore-digest-not-hex": ("quay_tag_restore", {"manifest_digest": "sha256:" + "g" * 64}, r"^manifest_digest: 'sha256:g{64}'"),
    "restore-at-unparseable": ("quay_tag_restore", {"at": "yesterday-ish"},
                               r"^at: .*yesterday-ish.*: give epoch seconds or an ISO 8601 date-time"),
    "restore-at-future": ("quay_tag_restore", {"at": "2100-01-01T00:00:00Z"}, r"^at: 2100-01-01T00:00:00Z is in the future"),
    "restore-at-milliseconds": ("quay_tag_restore", {"at": 1797000000000},
                                r"^at: 1797000000000 is not in epoch seconds: .* if it is in milliseconds, give 1797000000 "),
    "restore-at-8-digit-date": ("quay_tag_restore", {"at": "20261128"},
                                r"^at: 20261128 is ambiguous: it reads as the date 2026-11-28"),
    "restore-at-nan": ("quay_tag_restore", {"at": "nan"}, r"^at: 'nan' is not an ISO 8601 date-time"),
    "restore-repository-nested-dot": ("quay_tag_restore", {"repository": "e2e/team/.app"},
                                      r"^repository: 'e2e/team/.app' is not a valid repository"),
}
VALID = {
    "quay_tag": {"repository": REPO, "name": ["stable"], "manifest_digest": GOOD_DIGEST},
    "quay_tag_info": {"repository": REPO},
    "quay_tag_restore": {"repository": REPO, "name": "stable"},
}
CONNECTION = ("quay_host", "quay_token", "validate_certs", "ca_path", "timeout", "retries")


def test_invalid_input_fails_naming_the_option_before_any_request(quay, ansible):
    quay.load(["app"])
    cases = {}
    for name, (module, options, pattern) in CASES.items():
        args = dict(VALID[module])
        conn = {}
        for key, value in options.items():
            target = conn if key in CONNECTION else args
            target[key] = value
        cases[name] = {"module": module, "args": dict((k, v) for k, v in args.items() if v is not None), "conn": conn}
    assert len(cases) >= 40

    run = ansible.cases(cases)

    assert quay.requests() == []
    wrong = {}
    for name, (module, options, pattern) in CASES.items():
        result = run.case(name)
        if not result.get("failed") or not re.search(pattern, result.get("msg", "")):
            wrong[name] = result.get("msg", result)
    assert wrong == {}, "\n".join("%s: %s" % item for item in sorted(wrong.items()))
