#!/usr/bin/env bash
# Size of the default install (pip install . into a new venv, no extras); writes benchmarks/results/footprint.json
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q .
mb=$(du -sm "$tmp/venv" | cut -f1)
torch=$("$tmp/venv/bin/python" -c "import importlib.util; print(importlib.util.find_spec('torch') is not None)")
printf '{\n  "default_install_venv_mb": %s,\n  "torch_installed": %s,\n  "target_mb": 600\n}\n' "$mb" "${torch,,}" \
  | tee benchmarks/results/footprint.json
rm -rf "$tmp"
