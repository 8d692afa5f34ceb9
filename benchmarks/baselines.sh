#!/usr/bin/env bash
# The committed baselines in benchmarks/results/: extractive summarisers on xsum-test and the
# no-weights CPU latency of opus-mt-es-en and DistilBART CNN 12-6. Run from the repository root:
#     bash benchmarks/baselines.sh
# Published XSum figures to compare with (Narayan et al. 2018, "Don't Give Me the Details, Just
# the Summary!", table 4, ROUGE-1/2/L): LEAD 16.30/1.60/11.95, EXT-ORACLE 29.79/8.81/22.66.
set -euo pipefail
results=benchmarks/results
summarize=${SUMMARIZE:-.venv/bin/summarize}

"$summarize" bench summarization --dataset xsum-test --model lead --length short --out "$results/xsum-lead-1" --fresh
"$summarize" bench summarization --dataset xsum-test --model lead --length medium --out "$results/xsum-lead-3" --fresh
"$summarize" bench summarization --dataset xsum-test --model textrank --length short --out "$results/xsum-textrank-1" --fresh
"$summarize" bench summarization --dataset xsum-test --model lexrank --length short --out "$results/xsum-lexrank-1" --fresh
"$summarize" bench compare "$results"/xsum-*/ --plot "$results/xsum-quality-speed.png" > "$results/xsum-compare.md"

"$summarize" bench latency --model opus-mt-es-en --no-weights --input-tokens 40 --output-tokens 40 \
  --batch-size 1 --beams 1 --runs 10 --out "$results/latency-opus-mt-es-en-b1-greedy" --fresh
"$summarize" bench latency --model opus-mt-es-en --no-weights --input-tokens 40 --output-tokens 40 \
  --batch-size 16 --beams 4 --runs 5 --out "$results/latency-opus-mt-es-en-b16-beam4" --fresh
"$summarize" bench latency --model distilbart-cnn-12-6 --no-weights --input-tokens 1024 --output-tokens 64 \
  --batch-size 1 --beams 4 --runs 5 --warmup 1 --out "$results/latency-distilbart-cnn-12-6-b1-beam4" --fresh
"$summarize" bench compare "$results"/latency-*/ > "$results/latency-compare.md"
