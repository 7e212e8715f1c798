#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time (FUZZ_SECONDS, default 60) and copies anything
# it finds to Fuzz/Corpus/<target>/regressions/, which CI replays (`swift run FuzzX`).
# Usage: [FUZZ_SECONDS=60] [FUZZ_CONFIGURATION=debug|release] scripts/fuzz.sh [FuzzSignatures] [FuzzNormalizers]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
scratch="${FUZZ_SCRATCH:-.build-fuzz}"
configuration="${FUZZ_CONFIGURATION:-debug}"   # release runs several times more inputs per second
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(FuzzSignatures FuzzNormalizers)
# The Swift runtime's backtracer fights ASan for the crash signal; let libFuzzer report.
export SWIFT_BACKTRACE=enable=no

for target in "${targets[@]}"; do
    mkdir -p "$scratch"
    build_log="$scratch/build-$target.log"
    if ! swift build -c "$configuration" --product "$target" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
        --scratch-path "$scratch" >"$build_log" 2>&1; then
        grep -v "Cannot export local symbol" "$build_log" | tail -n 40 >&2   # gold's harmless ASan noise
        echo "build of $target failed" >&2
        exit 1
    fi
    binary="$scratch/$configuration/$target"

    work="$scratch/corpus/$target"          # what libFuzzer learns; not committed
    artifacts="$scratch/artifacts/$target/"
    regressions="Fuzz/Corpus/$target/regressions"
    mkdir -p "$work" "$artifacts" "$regressions"
    seeds=("Fuzz/Corpus/$target")
    if [ "$target" = FuzzNormalizers ]; then
        seeds+=(Webhooks/stripe Webhooks/stripe-shapes Webhooks/gocardless Webhooks/standard Webhooks/demo)
    fi

    echo "== $target: fuzzing for ${seconds}s"
    status=0
    run_log="$scratch/fuzz-$target.log"
    # -detect_leaks=0: the Swift runtime's lazy caches look like leaks to LSan, whose scans then
    # take 90 % of the time (100 instead of 3,000+ inputs/s); ASan still catches memory errors.
    "$binary" "$work" "${seeds[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -detect_leaks=0 -artifact_prefix="$artifacts" -print_final_stats=1 >"$run_log" 2>&1 || status=$?
    # Coverage at start and end, throughput, and any crash report; the full log stays in $run_log.
    grep -E "INITED|DONE|stat::|ERROR|SUMMARY|Fatal error|deadly signal|Test unit written" "$run_log" | tail -n 30 || true

    found=0
    for artifact in "$artifacts"crash-* "$artifacts"timeout-* "$artifacts"oom-* "$artifacts"leak-*; do
        [ -e "$artifact" ] || continue
        cp "$artifact" "$regressions/" && found=$((found + 1))
    done
    if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
        echo "== $target: exit $status, $found finding(s) copied to $regressions" >&2
        exit 1
    fi
    echo "== $target: no findings"
done
