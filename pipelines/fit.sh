#!/bin/sh
# One fit of a corpus, as corpus.mk runs it and as its jobs.txt lines run it under another
# scheduler: FIT appears only for a fit that ran to its end, so a killed or interrupted
# fit (vx-fit writes its best state so far on SIGINT/SIGTERM) is redone by the next run.
#
# usage: sh fit.sh PAIRS ID FIT LOG [vx-fit options]
#        FIT_MEMORY=1 sh fit.sh PAIRS ID FIT LOG [vx-fit options]
# PAIRS pair records, ID the pair's id, FIT the fit record to write, LOG vx-fit's messages.
# Exit 1 with a record written (a fit stopped by non-finite steps) keeps the record, with
# a note: vx-select rejects it as terminated, as DiffVox does. Any other failure, and any
# record of an interrupted fit, exits with vx-fit's status and the end of LOG.
set -u
[ $# -ge 4 ] || { echo "usage: sh fit.sh PAIRS ID FIT LOG [vx-fit options]" >&2; exit 2; }
pairs=$1 id=$2 fit=$3 log=$4
shift 4
# FIT_MEMORY=1 in the environment: print the MB this fit needs (vx-fit --memory) and fit
# nothing; pipelines/slurm.sh sizes its request from the lines of jobs.txt so.
[ "${FIT_MEMORY:-}" != 1 ] || exec vx-fit --memory "$@" -k "$id" "$pairs"
part=$fit.part
mkdir -p "$(dirname "$fit")" "$(dirname "$log")"
# Leftovers of a killed run: the record of an interrupted fit, a temporary file.
rm -f "$part" "$(dirname "$part")/.$(basename "$part")".*.tmp
echo "fit $id"
vx-fit "$@" -k "$id" -o "$part" "$pairs" 2> "$log" &
child=$!
# A signal for this script (Ctrl-C, make's, Slurm's scancel) goes on to vx-fit, which ends
# its step and writes an interrupted record (removed below); wait until vx-fit has ended.
for sig in HUP INT TERM; do
    trap "kill -s $sig $child 2>/dev/null" $sig
done
while :; do
    wait $child
    rc=$?
    kill -0 $child 2>/dev/null || break
done
if [ $rc -eq 0 ]; then
    mv "$part" "$fit"
    jq -r 'def r: . * 1e4 | round / 1e4;
        "  \(.id): loss \(.losses[0] | r) -> \(.lowest_loss | r) (step \(.lowest_step) of 0..\(.losses | length - 1))"' "$fit"
elif [ $rc -eq 1 ] && [ -s "$part" ] &&
    ! jq -e '.terminated_by | startswith("interrupted")' "$part" >/dev/null 2>&1; then
    mv "$part" "$fit"
    echo "  $id: kept, terminated: $(jq -r .terminated_by "$fit")"
else
    rm -f "$part"
    tail -n 5 "$log" >&2
    echo "fit.sh: $id: vx-fit failed (exit $rc); its messages: $log" >&2
    exit $rc
fi
