#!/bin/bash
# One-shot device check (run on the GPU machine after `node scripts/gpu-node-bench.mjs --build-only`):
# environment, then the Node WebGPU bench (Dawn): 100k × 768 euclidean and cosine and 1M × 128, end to end,
# with phase times, what ran where (the log lines: GPU kNN plan, graph smoothing, Lanczos on the GPU) and
# quality on a sample. Worst case about 9 minutes (every timeout hit); writes $OUT/log.txt when OUT is set.
cd "$(dirname "$0")/.."
[ -n "$OUT" ] && exec > >(tee "$OUT/log.txt") 2>&1
echo "== env"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; node --version 2>/dev/null || echo "no system node (run.sh unpacks the bundled one)"
echo "NVIDIA_DRIVER_CAPABILITIES=$NVIDIA_DRIVER_CAPABILITIES"
ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>&1 | head
ldconfig -p | grep -E "libvulkan.so|libGLX_nvidia|nvidia-glvkspirv|libnvidia-glcore" | head
ICD=""
for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json /etc/vulkan/icd.d/nvidia_icd.x86_64.json; do [ -f "$f" ] && ICD=$f; done
if [ -z "$ICD" ]; then
  lib=$(ldconfig -p | grep -o '/[^ ]*libGLX_nvidia.so.0' | head -1)
  [ -z "$lib" ] && lib=$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)
  if [ -n "$lib" ]; then
    echo "{\"file_format_version\":\"1.0.0\",\"ICD\":{\"library_path\":\"$lib\",\"api_version\":\"1.3.0\"}}" > /tmp/nv_icd.json
    export VK_ICD_FILENAMES=/tmp/nv_icd.json; echo "made ICD for $lib"
  else echo "no NVIDIA Vulkan ICD library found"; fi
else echo "ICD: $ICD"; fi
echo "== smoke 20k x 768 knn-only (usage: gpu-device-check.sh [--quick])"
if ! timeout 45 .gpu-run/run.sh --n 20000 --d 768 --knn-only 2>&1 | grep -v XDG_RUNTIME | tee /tmp/smoke.txt | grep -q '"knn-only"'; then
  cat /tmp/smoke.txt
  # Headless NVIDIA containers: the Vulkan ICD answers through libEGL_nvidia, not libGLX_nvidia.
  egl=$(ldconfig -p | grep -o '/[^ ]*libEGL_nvidia.so.0' | head -1)
  echo "{\"file_format_version\":\"1.0.0\",\"ICD\":{\"library_path\":\"${egl:-libEGL_nvidia.so.0}\",\"api_version\":\"1.3.0\"}}" > /tmp/nv_egl_icd.json
  export VK_ICD_FILENAMES=/tmp/nv_egl_icd.json; echo "retry with EGL ICD ${egl:-libEGL_nvidia.so.0}"
  timeout 45 .gpu-run/run.sh --n 20000 --d 768 --knn-only 2>&1 | grep -v XDG_RUNTIME
else cat /tmp/smoke.txt; fi
echo "== knn-only 100k x 768, each distance kernel (skipped with --quick)"
best=u128; bestT=0
tiles="64 u64 u128"; [ "$1" = "--quick" ] && tiles=""
for tile in $tiles; do
  line=$(timeout 45 .gpu-run/run.sh --n 100000 --d 768 --knn-only --tile $tile 2>&1 | grep '"knn-only"\|"error"')
  echo "$line"
  t=$(echo "$line" | sed -n 's/.*"tflops":\([0-9.e+-]*\).*/\1/p')
  if [ -n "$t" ] && awk "BEGIN{exit !($t > $bestT)}"; then best=$tile; bestT=$t; fi
done
[ -n "$tiles" ] && echo "best distance kernel: $best ($bestT TFLOP/s)"
echo "== full 100k x 768 euclidean, tile $best"; timeout 90 .gpu-run/run.sh --n 100000 --d 768 --sample 100 --tile $best 2>&1 | grep -v XDG_RUNTIME
echo "== full 100k x 768 cosine, tile $best"; timeout 60 .gpu-run/run.sh --n 100000 --d 768 --metric cosine --no-quality --tile $best 2>&1 | grep -E "timings|error|plan|Init|Graph"
# n²·d = 1.3·10¹⁴ is above the GPU's exact budget: the kNN is the CPU's approximate one (one thread in
# Node), everything after it on the GPU.
echo "== full 1M x 128 euclidean, tile $best"; timeout 200 .gpu-run/run.sh --n 1000000 --d 128 --sample 200 --tile $best 2>&1 | grep -v XDG_RUNTIME
echo "== done"
