# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One manifest, GET /api/v1/repository/<namespace>/<name>/manifest/<digest>.

The answer has Quay's keys in Quay's order; ``manifest_data`` is the manifest itself as a string (a manifest list
names its children with their platforms). Quay stores the bytes it was pushed; the emulator has no bytes, so it
writes a manifest in the registry's format from what the seed says (media type, size, children, platforms). Its
digest is the seed's, not the hash of these bytes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from .endpoint import REPOSITORY_PATH, Route
from .responses import format_date, fr_json

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG_TYPES = {OCI_MANIFEST: "application/vnd.oci.image.config.v1+json"}
LAYER_TYPES = {OCI_MANIFEST: "application/vnd.oci.image.layer.v1.tar+gzip"}
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def _blob(digest, what):
    return "sha256:" + hashlib.sha256(("%s#%s" % (digest, what)).encode("utf-8")).hexdigest()


def _render(data):
    # The registry's formatting of the manifests in the recordings: three-space indents.
    return json.dumps(data, indent=3)


def image_data(manifest):
    media_type = manifest.media_type or DOCKER_MANIFEST
    return _render({
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": {"mediaType": CONFIG_TYPES.get(media_type, DOCKER_CONFIG), "size": 266,
                   "digest": _blob(manifest.digest, "config")},
        "layers": [{"mediaType": LAYER_TYPES.get(media_type, DOCKER_LAYER), "size": manifest.size or 0,
                    "digest": _blob(manifest.digest, "layer-0")}],
    })


def list_data(repo, manifest):
    entries = []
    for digest in manifest.children:
        child = repo.manifests.get(digest)
        entry = {"mediaType": (child.media_type if child is not None and child.media_type else DOCKER_MANIFEST),
                 "digest": digest,
                 "size": len(image_data(child).encode("utf-8")) if child is not None and not child.is_list else 0}
        if child is not None and child.platform:
            entry["platform"] = dict((key, child.platform[key]) for key in ("architecture", "os", "variant")
                                     if child.platform.get(key))
        entries.append(entry)
    return _render({"schemaVersion": 2, "mediaType": manifest.media_type or DOCKER_LIST, "manifests": entries})


def _pushed(repo, digest):
    """When the manifest came: the oldest start among the rows that point at it (hidden pins too)."""
    starts = [row.start_ms for row in repo.rows + repo.hidden if row.manifest == digest]
    return min(starts) // 1000 if starts else 0


def get_manifest(model, request):
    """GET .../manifest/<digest>: any manifest the repository still holds; anything else (a tag name, a short,
    upper-case or unknown digest, another repository's digest) is 404 not_found."""
    repo, headers = request.repo, request.headers
    manifest = repo.manifests.get(request.arg("digest")) if repo is not None else None
    if manifest is None:
        return model.not_found(headers)
    if manifest.is_list:
        return fr_json(200, {"digest": manifest.digest, "is_manifest_list": True, "manifest_data": list_data(repo, manifest),
                             "config_media_type": None, "layers_compressed_size": 0, "layers": None})
    media_type = manifest.media_type or DOCKER_MANIFEST
    size = manifest.size or 0
    return fr_json(200, {
        "digest": manifest.digest,
        "is_manifest_list": False,
        "manifest_data": image_data(manifest),
        "config_media_type": CONFIG_TYPES.get(media_type, DOCKER_CONFIG),
        "layers_compressed_size": size,
        "layers": [{"index": 0, "compressed_size": size, "is_remote": False, "urls": None,
                    "command": ["/bin/sh -c layer 0"], "comment": None, "author": None,
                    "blob_digest": _blob(manifest.digest, "layer-0"),
                    "created_datetime": format_date(_pushed(repo, manifest.digest))}],
    })


ROUTES = (
    Route(("GET", "HEAD", "OPTIONS"), REPOSITORY_PATH + r"/manifest/(?P<digest>[^/]+)", get_manifest, need="read"),
)
