#!/usr/bin/env bash
# The committed baselines in benchmarks/results/: extractive summarisers on xsum-test, Apertium
# on newstest2013, and the no-weights CPU latency of the named workloads on every CPU engine
# (interleaved, gated). Run from the repository root:
#     bash benchmarks/baselines.sh            (about 25 minutes on 2 cores)
# Published XSum figures to compare with (Narayan et al. 2018, "Don't Give Me the Details, Just
# the Summary!", table 4, ROUGE-1/2/L): LEAD 16.30/1.60/11.95, EXT-ORACLE 29.79/8.81/22.66.
set -euo pipefail
results=benchmarks/results
summarize=${SUMMARIZE:-.venv/bin/summarize}

"$summarize" bench summarization --dataset xsum-test --model lead --length short --out "$results/xsum-lead-1" --fresh -q
"$summarize" bench summarization --dataset xsum-test --model lead --length medium --out "$results/xsum-lead-3" --fresh -q
"$summarize" bench summarization --dataset xsum-test --model textrank --length short --out "$results/xsum-textrank-1" --fresh -q
"$summarize" bench summarization --dataset xsum-test --model lexrank --length short --out "$results/xsum-lexrank-1" --fresh -q
"$summarize" bench compare "$results"/xsum-*/ --plot "$results/xsum-quality-speed.png" \
  --latency-plot "$results/xsum-latency.png" > "$results/xsum-compare.md"

"$summarize" bench translation --dataset newstest2013-spa-eng --engine apertium --out "$results/newstest2013-apertium" --fresh -q

for workload in opus-b1 opus-b16 distilbart distilbart-b4 opus-big-b16; do
  "$summarize" bench latency --no-weights --workload "$workload" --engine transformers,ctranslate2,openvino \
    --runs 5 --out "$results/latency-$workload" --fresh -q
done
"$summarize" bench compare "$results"/latency-*/*/ --latency-plot "$results/latency-distribution.png" \
  > "$results/latency-compare.md"
