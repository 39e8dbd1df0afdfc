# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the SSH key pair ansible-test wants, without ssh-keygen.

``ansible-test integration`` asks for an SSH key pair on every run, even with ``--local`` and targets that never
use SSH (it describes the controller as an SSH target before it knows no target needs one), and makes one with
``ssh-keygen`` when it finds none. It looks in the collection's ``tests/output/.tmp/`` first, then in
``~/.ansible/test/``. tests/ci/ansible_test.sh runs this script to put a pair in the staged copy's
``tests/output/.tmp/``, so no ssh-keygen (openssh-client) is needed, nothing is written to the home directory, and
parallel runs do not race on one file. The key is never used to log in anywhere.

usage: python ssh_key.py DIRECTORY      (writes DIRECTORY/id_rsa and DIRECTORY/id_rsa.pub)

It needs the ``cryptography`` package, which every supported ansible-core depends on.
"""

import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def main(directory):
    os.makedirs(directory, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # The PEM form ansible-test itself leaves (BEGIN RSA PRIVATE KEY), which paramiko also reads.
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    path = os.path.join(directory, "id_rsa")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private)
    with open(path + ".pub", "wb") as handle:
        handle.write(public + b" ansible-test\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-3])
    main(sys.argv[1])
