#!/usr/bin/env bash
# One VAE training step (the paper's architecture, batch 128, 1×32×32) in the project and in the
# PyTorch peer (../shared/peers/torch_vae.py, Debian's python3-torch), interleaved ROUNDS times so
# that a shared machine's load falls on both alike. Prints CPU-seconds (user + system) per step.
#
#   benchmarks/vae_vs_torch.sh [ROUNDS] [ESTIMATOR]      # e.g. 3 pathwise
#
# Float64 (BenchmarkStep) and float32 (BenchmarkStepFloat32, pathwise and hybrid only) networks.
# Builds the vae benchmark binary with gonum's pure-Go BLAS and, when libopenblas-dev is
# installed, with -tags openblas (one OpenBLAS thread unless OPENBLAS_NUM_THREADS says otherwise).
# The peer runs with each thread count in TORCH_THREADS (default "1 2": on a loaded machine its
# second thread's waiting inflates its CPU time, so 1 is the fair CPU figure).
# BEFORE=COMMIT (e.g. bd2ccc2, the code when issue 17 was filed) also builds that commit's vae
# package with today's BenchmarkStep and runs its float64 step first in each round.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
est=${2:-pathwise}
peer=${PEER:-../shared/peers/torch_vae.py}
threads=${TORCH_THREADS:-1 2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/gonum.test" ./vae
builds=(gonum)
if [ -n "${BEFORE:-}" ]; then
  mkdir "$tmp/before"
  git archive "$BEFORE" | tar -x -C "$tmp/before"
  sed '/^\/\/ BenchmarkStepFloat32/,$d' vae/bench_test.go >"$tmp/before/vae/bench_test.go"
  (cd "$tmp/before" && go test -c -o "$tmp/before.test" ./vae)
fi
if ls /usr/lib/*/libopenblas.so >/dev/null 2>&1; then
  go test -tags openblas -c -o "$tmp/openblas.test" ./vae
  builds+=(openblas)
fi
for r in $(seq "$rounds"); do
  if [ -n "${BEFORE:-}" ]; then
    "$tmp/before.test" -test.run XXX -test.bench "^BenchmarkStep\$/batch=128/$est\$" -test.benchtime 2x |
      awk -v b="$BEFORE" -v r="$r" '/cpu-s\/step/ { for (i = 1; i <= NF; i++) if ($(i+1) == "cpu-s/step") print "round " r ": go " b " f64: " $i " cpu-s/step" }'
  fi
  for b in "${builds[@]}"; do
    for dt in f64 f32; do
      bench=BenchmarkStep
      [ "$dt" = f32 ] && bench=BenchmarkStepFloat32
      "$tmp/$b.test" -test.run XXX -test.bench "^$bench\$/batch=128/$est\$" -test.benchtime 3x |
        awk -v b="$b $dt" -v r="$r" '/cpu-s\/step/ { for (i = 1; i <= NF; i++) if ($(i+1) == "cpu-s/step") print "round " r ": go " b ": " $i " cpu-s/step" }'
    done
  done
  if [ -e "$peer" ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    mode=$est
    case $est in stl|hybrid-stl) mode=pathwise ;; esac
    for dt in f32 f64; do
      for th in $threads; do
        echo "round $r: $(/usr/bin/python3 "$peer" "$mode" "$dt" 5 "$th")"
      done
    done
  fi
done
