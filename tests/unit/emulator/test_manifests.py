# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Conformance of GET /api/v1/repository/<repo>/manifest/<digest> (quayemu/manifests.py) with what a real Quay server
(commit ffba0c70) answered, recorded on the same kind of repositories: a Docker schema2 image, a Docker manifest
list over linux/amd64 and linux/arm64, an OCI image in an organization.

Recorded facts pinned here: the key order of the answer and of a layer; ``manifest_data`` is the manifest as a
string whose ``mediaType`` tells its kind; a list has ``config_media_type: null``, ``layers_compressed_size: 0`` and
``layers: null`` and names its children with ``mediaType``, ``digest``, ``size`` and ``platform`` (``architecture``,
``os``); every unknown reference is the same 404 ``not_found``, and a private repository without a token is 401.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json

import pytest

D1 = "sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af"
D2 = "sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5"
ML = "sha256:b4287e47ed4f6d030aa5f3c5f3dbdae56c8ae54871c585acc6ee682315aa9d73"
OCI = "sha256:b5011903b11ce8bf9b0d97df149ed6024d9a878f0a04a135852da3f44e94d880"
HOST = "http://127.0.0.1:8088"
KEYS = ["digest", "is_manifest_list", "manifest_data", "config_media_type", "layers_compressed_size", "layers"]
LAYER_KEYS = ["index", "compressed_size", "is_remote", "urls", "command", "comment", "author", "blob_digest",
              "created_datetime"]


def path(repository, reference):
    return "/api/v1/repository/%s/manifest/%s" % (repository, reference)


def not_found():
    return {"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found", "title": "not_found",
            "type": HOST + "/api/v1/error/not_found", "status": 404}


def test_schema2_image(quay):
    response = quay.get(path("devtable/schema2repo", D1))
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == KEYS
    assert (body["digest"], body["is_manifest_list"]) == (D1, False)
    assert body["config_media_type"] == "application/vnd.docker.container.image.v1+json"
    assert body["layers_compressed_size"] == 58
    raw = json.loads(body["manifest_data"])
    assert (raw["schemaVersion"], raw["mediaType"]) == (2, "application/vnd.docker.distribution.manifest.v2+json")
    assert raw["config"]["mediaType"] == body["config_media_type"]
    [layer] = body["layers"]
    assert list(layer) == LAYER_KEYS
    assert (layer["index"], layer["compressed_size"], layer["is_remote"], layer["urls"]) == (0, 58, False, None)
    assert layer["blob_digest"] == raw["layers"][0]["digest"]
    assert email.utils.parsedate_tz(layer["created_datetime"]) and layer["created_datetime"].endswith(" -0000")


def test_manifest_list_names_its_children_with_platforms(quay):
    body = quay.get(path("devtable/schema2repo", ML)).json()
    assert list(body) == KEYS
    assert (body["digest"], body["is_manifest_list"], body["config_media_type"], body["layers_compressed_size"],
            body["layers"]) == (ML, True, None, 0, None)
    assert isinstance(body["manifest_data"], str)
    raw = json.loads(body["manifest_data"])
    assert (raw["schemaVersion"], raw["mediaType"]) == (2, "application/vnd.docker.distribution.manifest.list.v2+json")
    assert [list(entry) for entry in raw["manifests"]] == [["mediaType", "digest", "size", "platform"]] * 2
    assert [(entry["digest"], entry["platform"]) for entry in raw["manifests"]] == [
        (D1, {"architecture": "amd64", "os": "linux"}), (D2, {"architecture": "arm64", "os": "linux"})]
    assert all(entry["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json" for entry in raw["manifests"])
    # A child's size is the size of the child manifest itself.
    child = quay.get(path("devtable/schema2repo", D1)).json()
    assert raw["manifests"][0]["size"] == len(child["manifest_data"].encode("utf-8"))


def test_oci_image(quay):
    body = quay.get(path("buynlarge/ocirepo", OCI)).json()
    assert list(body) == KEYS and body["is_manifest_list"] is False
    assert body["config_media_type"] == "application/vnd.oci.image.config.v1+json"
    raw = json.loads(body["manifest_data"])
    assert raw["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert raw["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
    assert body["layers_compressed_size"] == 50


@pytest.mark.parametrize("repository, reference", [
    ("devtable/schema2repo", "sha256:" + "0" * 64),   # well-formed, unknown
    ("devtable/schema2repo", "sha256:abc"),           # short
    ("devtable/schema2repo", "notadigest"),
    ("devtable/schema2repo", "latest"),               # a tag name is not a reference here
    ("devtable/schema2repo", D1.upper().replace("SHA256", "sha256")),
    ("buynlarge/ocirepo", D1),                        # another repository's manifest
    ("devtable/nosuchrepo", D1),                      # a missing repository (namespace owner)
])
def test_every_unknown_reference_is_not_found(quay, repository, reference):
    response = quay.get(path(repository, reference))
    assert response.status_code == 404
    assert response.json() == not_found()


def test_tokens(quay):
    assert quay.get(path("devtable/schema2repo", D1), auth="read").status_code == 200
    response = quay.get(path("devtable/schema2repo", D1), auth=None)
    assert response.status_code == 401
    assert response.json()["error_type"] == "invalid_token" and response.json()["detail"] == "Requires authentication"


def test_seed_platforms_are_checked(make_emulator):
    from quay_emulator import SeedError  # pylint: disable=import-outside-toplevel
    seed = {"repositories": {"acme/app": {"manifests": [{"digest": D1, "size": 1, "platform": {"os": "linux"}}]}}}
    with pytest.raises(SeedError) as info:
        make_emulator(seed)
    assert "platform needs \"os\" and \"architecture\"" in str(info.value)
