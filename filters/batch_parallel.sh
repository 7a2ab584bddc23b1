#!/usr/bin/env bash
# A folder in N processes at once: each takes one shard of the sorted file list (--shard I/N), so they never work
# on the same file, and each writes its own summary. Interrupted or partly failed? Run it again: finished outputs
# are skipped. The same shards can go to N machines sharing the folders.
#
#   filters/batch_parallel.sh DIR OUTDIR N --prompt "a red circle" [other fastvmt-ff options]
#
# With GNU parallel instead of xargs:
#   parallel fastvmt-ff --batch DIR --out OUTDIR --shard {}/N --summary OUTDIR/summary-{}.json ... ::: $(seq N)
# FASTVMT_FF names the binary (default: fastvmt-ff on PATH). Exit status: 0 if every shard succeeded.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 DIR OUTDIR N [fastvmt-ff options]" >&2
    exit 1
fi
dir=$1 outdir=$2 n=$3
shift 3
mkdir -p "$outdir"

# --jobs stays 1: the N processes already share the cores.
seq 1 "$n" | xargs -P "$n" -I{} "${FASTVMT_FF:-fastvmt-ff}" --batch "$dir" --out "$outdir" \
    --shard "{}/$n" --summary "$outdir/summary-{}-of-$n.json" --progress none "$@"
