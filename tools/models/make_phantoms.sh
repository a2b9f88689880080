#!/usr/bin/env bash
# Writes the training (and held-out) phantoms for tools/models/train_seg.py with the project's own generator
# (libs/phantoms through `hepatoscope phantom`). Output goes OUTSIDE the repository (never commit it).
#
#   tools/models/make_phantoms.sh OUT_DIR FIRST_SEED COUNT
#
# Seed s gets a grid chosen by s mod 4 (the anatomy scales with the field of view, so these differ in voxel
# size, noise texture and partial volume, not in the position of the organs) and, for odd seeds, 3–6 lesions
# (even seeds: the generator's own 1–4). Training: seeds 5000–5059; held out (model cards, bench): 1001–1005,
# the seeds the classical segmentation is measured on.
set -euo pipefail
out=${1:?OUT_DIR}; first=${2:?FIRST_SEED}; count=${3:?COUNT}
cd "$(dirname "$0")/../.."
grids=("128,128,48 1.5,1.5,3" "96,96,32 2,2,4.5" "160,160,40 1.2,1.2,3.5" "112,112,56 1.7,1.7,2.5")
for ((s = first; s < first + count; s++)); do
  d="$out/p$s"
  [ -f "$d/manifest.json" ] && continue
  g=(${grids[$((s % 4))]})
  extra=()
  if ((s % 2)); then extra=(--lesions $((3 + (s / 2) % 4))); fi
  npx tsx apps/cli/src/main.ts phantom --out "$d" --seed "$s" --dims "${g[0]}" --spacing "${g[1]}" "${extra[@]}" --quiet
done
