#!/usr/bin/env bash
# The GPU checks, on a machine with CUDA: the GPU-marked tests, then the no-weights latency
# workloads on the GPU (transformers in float16, CTranslate2 in float16 and int8_float16), and
# one table of engine x workload: seconds per call, tokens/s, peak GPU memory, ratio to
# transformers float16 (qwen-prefill and qwen-decode time a chat model's prompt and answer).
# Installs nothing. Without CUDA it says so and exits 0.
#
#   bash benchmarks/gpu_check.sh [RUNS]      (from the repository root; default 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
RUNS=${1:-5}

if ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    if command -v nvidia-smi > /dev/null && nvidia-smi -L > /dev/null 2>&1; then
        echo "gpu_check: a GPU is here but this torch ($("$PYTHON" -c 'import torch; print(torch.__version__)')) sees no CUDA;" \
             "run it with a CUDA build of torch (PYTHON=/path/to/python bash benchmarks/gpu_check.sh)"
    else
        echo "gpu_check: no CUDA device here (torch sees none); nothing to check"
    fi
    exit 0
fi
"$PYTHON" -c 'import torch; print("gpu_check:", torch.cuda.get_device_name(0), "torch", torch.__version__)'

"$PYTHON" -m pytest -q -m gpu -p no:cacheprovider tests

OUT=benchmarks/runs/gpu
for workload in opus-b16 opus-b1 distilbart distilbart-b4 qwen-prefill qwen-decode; do
    "$PYTHON" -m summarize bench latency --no-weights --workload "$workload" --device cuda \
        --engine transformers,ctranslate2:float16,ctranslate2:int8_float16 --runs "$RUNS" \
        --out "$OUT/$workload" --fresh -q > /dev/null
done

"$PYTHON" - "$OUT" <<'PY'
import json, sys
from pathlib import Path

print("\n| workload | engine | median s/call | tokens/s | peak GPU MiB | x transformers fp16 |")
print("|---|---|---|---|---|---|")
for workload in sorted(Path(sys.argv[1]).iterdir()):
    runs = {p.parent.name: json.loads(p.read_text()) for p in sorted(workload.glob("*/summary.json"))}
    base = runs["transformers"]["latency"]["p50_s"]
    for label, summary in runs.items():
        t = summary["latency"]
        print(f"| {workload.name} | {summary['model']['label']} ({summary['model']['quantization']}) | {t['p50_s']:.4f} "
              f"| {t['generated_tokens_per_s']:.0f} | {t['peak_gpu_mb'] or 0:.0f} | {base / t['p50_s']:.2f}x |")
PY
