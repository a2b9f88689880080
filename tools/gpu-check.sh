#!/usr/bin/env bash
# GPU check for the ONNX segmentation cascade: WebGPU vs CPU timing on a lent GPU machine (see
# ../shared/notes/gpu.md: the machine has no Node.js and no network, so everything is packed here first).
#
#   tools/gpu-check.sh pack     # on the dev machine: builds tools/gpu-check/dist/ (git-ignored, ~45 MiB)
#   tools/gpu-check.sh run      # on the GPU machine, e.g. through the device `run` tool with
#                               #   carry: ["tools/gpu-check/dist"], command: "tools/gpu-check.sh run", timeout ~300 s
#
# What `run` does: unpacks Node 20, onnxruntime-node 1.30 (linux/x64 binaries, WebGPU built in) and Debian's
# Vulkan/GL loader libraries, points the Vulkan loader at the NVIDIA ICD, prints nvidia-smi, then runs the
# inference bench (libs/inference/src/bench.ts bundled with esbuild) on a 512×512×100 phantom with providers
# webgpu then cpu, each loaded strictly (no silent CPU fallback). Output: stdout and $OUT/gpu-check.txt.
# Expected from gpu.md: WebGPU Conv2D several times faster than 16 CPU cores; report both rows.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dist="$here/gpu-check/dist"

pack() {
  # The runtime parts (Node, onnxruntime, Vulkan loaders) are kept when present (FORCE=1 rebuilds them);
  # the bench bundle and the models are always refreshed.
  [ "${FORCE:-0}" = 1 ] && rm -rf "$dist"
  mkdir -p "$dist"
  rm -rf "$dist/models" "$dist/bench.cjs"
  local stage; stage="$(mktemp -d)"
  if [ ! -f "$dist/vk.tar.xz" ]; then
  # 1. Node binary
  xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > "$dist/node.xz"
  # 2. onnxruntime-node (+ common), linux/x64 binaries only
  mkdir -p "$stage/node_modules"
  cp -r "$root/node_modules/onnxruntime-common" "$stage/node_modules/"
  mkdir -p "$stage/node_modules/onnxruntime-node/bin/napi-v6/linux"
  cp -r "$root/node_modules/onnxruntime-node/package.json" "$root/node_modules/onnxruntime-node/dist" "$stage/node_modules/onnxruntime-node/"
  cp -r "$root/node_modules/onnxruntime-node/bin/napi-v6/linux/x64" "$stage/node_modules/onnxruntime-node/bin/napi-v6/linux/"
  tar -C "$stage" -cJf "$dist/ort.tar.xz" node_modules
  # 3. Vulkan / GL loaders from Debian (dpkg -x, no install)
  mkdir -p "$stage/debs" "$stage/vk"
  (cd "$stage/debs" && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
  for d in "$stage"/debs/*.deb; do dpkg -x "$d" "$stage/vk"; done
  tar -C "$stage/vk" -cJf "$dist/vk.tar.xz" .
  fi
  # 4. the bench, bundled (onnxruntime-node stays external), and the models
  "$root/node_modules/.bin/esbuild" "$root/libs/inference/src/bench.ts" --bundle --platform=node --format=cjs \
    --target=node20 --external:onnxruntime-node --outfile="$dist/bench.cjs" --log-level=warning
  cp -r "$root/libs/inference/models" "$dist/models"
  rm -rf "$stage"
  du -sh "$dist"
}

run() {
  [ -f "$dist/node.xz" ] || { echo "gpu-check: $dist is missing; run 'tools/gpu-check.sh pack' first and carry it" >&2; exit 2; }
  local work; work="$(mktemp -d)"
  local out="${OUT:-$work}"
  xz -dc "$dist/node.xz" > "$work/node" && chmod +x "$work/node"
  tar -C "$work" -xJf "$dist/ort.tar.xz"
  mkdir -p "$work/vk" && tar -C "$work/vk" -xJf "$dist/vk.tar.xz"
  export LD_LIBRARY_PATH="$work/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if [ -z "${VK_DRIVER_FILES:-}" ]; then
    for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
             /etc/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
      [ -f "$f" ] && export VK_DRIVER_FILES="$f" && break
    done
  fi
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work}"
  {
    echo "# gpu-check $(date -u +%FT%TZ)"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || echo "nvidia-smi unavailable"
    echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-<not found>}; cores: $(nproc)"
    # ESM import() ignores NODE_PATH: run the bundle from the folder that holds node_modules/
    cp "$dist/bench.cjs" "$work/bench.cjs"
    NODE_PATH="$work/node_modules" "$work/node" "$work/bench.cjs" --providers "${PROVIDERS:-webgpu,cpu}" \
      --size "${SIZE:-512}" --slices "${SLICES:-100}" --heldout 0 --batch "${BATCH:-16}" \
      --model "$dist/models/liver-tumour-cascade" 2>&1
  } | tee "$out/gpu-check.txt"
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: $0 pack|run" >&2; exit 2 ;;
esac
