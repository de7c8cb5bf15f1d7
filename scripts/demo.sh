#!/usr/bin/env bash
# `make demo`: run the whole pipeline on sample_warcs/ and show the dataset package it made.
set -euo pipefail
cd "$(dirname "$0")/.."
out_root="${1:-out/demo}"
corpuskit=".venv/bin/corpuskit"

"$corpuskit" run examples/demo.toml --overwrite
echo
"$corpuskit" stats "$out_root"/extract "$out_root"/filter "$out_root"/dedup "$out_root"/decontaminate
echo
"$corpuskit" card verify "$out_root"/mix
echo
echo "Dataset package: $(cd "$out_root/mix" && pwd)"
echo "---- head of its dataset card ($out_root/mix/README.md; YAML front matter skipped) ----"
awk 'NR == 1 && /^---$/ { front = 1; next } front && /^---$/ { front = 0; next } !front' \
    "$out_root/mix/README.md" | head -n 40
