# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for get-pip.py, for ansible-test --venv.

ansible-test bootstraps pip in each virtual environment it creates by running a get-pip.py that it downloads
from a host this machine cannot reach; it looks in ~/.ansible/test/cache/get_pip_<version>.py first.
tests/ci/lib.sh copies this file there. It bootstraps pip with the interpreter's own ensurepip, then installs
the packages ansible-test asked for (for example ``pip==24.2``) from the configured package index.
"""

import subprocess
import sys

# get-pip.py options that plain pip does not know.
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
    if any(not arg.startswith("-") for arg in args):
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet"] + args)


if __name__ == "__main__":
    main()
