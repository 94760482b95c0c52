#!/bin/sh
# A Python environment for the interop tools: Debian's PyTorch (python3-torch, for /usr/bin/python3) plus the
# official `safetensors` package from PyPI, which Debian does not package. The venv sees the system's torch
# (--system-site-packages) and pip installs only safetensors, from whatever index pip is configured with
# (here the local mirror in /etc/pip.conf). Prints the venv's python, so:
#
#     PY=$(tools/python-env.sh) && "$PY" tools/safetensors_fixtures.py
#
# BACKFLOW_PYENV overrides the location (default ~/.cache/backflow/python-env); SAFETENSORS_VERSION the pin.
set -eu
ENV_DIR=${BACKFLOW_PYENV:-${XDG_CACHE_HOME:-$HOME/.cache}/backflow/python-env}
VERSION=${SAFETENSORS_VERSION:-0.8.0}

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "python-env: /usr/bin/python3 has no torch; install it first: apt-get install python3-torch" >&2
  exit 1
fi
if [ ! -x "$ENV_DIR/bin/python" ]; then
  /usr/bin/python3 -m venv --system-site-packages "$ENV_DIR" >&2
fi
# --no-deps: safetensors needs nothing at run time, and torch must stay the system's (not a wheel from the index)
if ! "$ENV_DIR/bin/python" -c "import safetensors, sys; sys.exit(safetensors.__version__ != '$VERSION')" 2>/dev/null; then
  "$ENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "safetensors==$VERSION" >&2
fi
"$ENV_DIR/bin/python" -c 'import safetensors.torch, torch' >&2
echo "$ENV_DIR/bin/python"
