#!/usr/bin/env bash
# Continues training the built-in model on the lent GPU machine (the device tool) in one prepared command, from the
# shipped weights, for a fixed number of seconds. That machine has PyTorch but neither diffusers nor a Swift
# toolchain, so the world generator travels as a static build and diffusers as wheels, both under .device/
# (git-ignored). Never run by the product or CI.
#
# Here, first (Swift toolchain and pip; about a minute):
#   scripts/train_on_device.sh prepare
# Then the device tool, from the repository root (about 25 MB travel with the checkout):
#   run(command: "scripts/train_on_device.sh train 420", carry: [".device"], timeout_s: 560)
# What comes back under $OUT: export/ (model.safetensors, config.json, model.json) and train.log. Judge the export
# here, on the same held-out clips as the shipped weights, before it replaces them:
#   .build/release/fastvmt-bench evaluate --count 20 --model <files_at>/export
# A local dry run of the same command: DEVICE=cpu OUT=/tmp/device scripts/train_on_device.sh train 60
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-} in
prepare)
    grep -qxF /.device/ .git/info/exclude || echo /.device/ >>.git/info/exclude
    mkdir -p .device/wheels
    swift build -c release --product fastvmt-world --static-swift-stdlib --scratch-path .build/static
    strip -o .device/fastvmt-world .build/static/release/fastvmt-world
    # Pure-Python wheels: diffusers at the version scripts/requirements.txt pins, and the one package it needs that
    # the machine's image lacks.
    python3 -m pip download -q --no-deps --only-binary=:all: -d .device/wheels \
        "$(grep '^diffusers==' scripts/requirements.txt)" importlib_metadata==10.2.0
    du -sh .device
    ;;
train)
    seconds=${2:-420}
    out=${OUT:-.train/device}
    mkdir -p "$out/export"
    rm -f /tmp/device-ckpt.pt
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .device/wheels/*.whl
    export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1 FASTVMT_WORLD=$PWD/.device/fastvmt-world
    # The generator renders about 200 clips a second a core here; all but two cores render, the rest feed the GPU.
    writers=$(( $(nproc) > 3 ? $(nproc) - 2 : 1 ))
    { nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true; } | tee "$out/train.log"
    python3 scripts/train_model.py --device "${DEVICE:-cuda}" --bf16 --init Sources/BuiltInModel/Resources \
        --steps 10000000 --time-limit "$seconds" --batch "${BATCH:-64}" --noise-draws 4 --writers "$writers" \
        --lr 5e-4 --threads 2 --checkpoint /tmp/device-ckpt.pt --checkpoint-every 10000000 --out "$out/export" \
        2>&1 | tee -a "$out/train.log"
    ;;
*)
    echo "usage: scripts/train_on_device.sh prepare | train [seconds]" >&2
    exit 2
    ;;
esac
