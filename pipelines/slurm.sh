#!/bin/sh
# `make -f pipelines/corpus.mk ... slurm`: the fits of OUT/jobs.txt as one Slurm job array,
# one task a line, then the other stages as a job that starts once every task succeeded.
#
# usage: sh slurm.sh OUT CPUS MAX_RUNNING STAGES [sbatch options]
# OUT the corpus run's folder (absolute), holding jobs.txt; CPUS the threads of a fit (its
# tasks' --cpus-per-task); MAX_RUNNING the most tasks running at once (0: no cap); STAGES
# the shell command of the stages job (corpus.mk with this run's variables). The sbatch
# options (SBATCH_FLAGS: partition, account, time) go to both submissions.
#
# Each task asks for the memory of the largest fit of the array: every line of jobs.txt,
# run with FIT_MEMORY=1, prints its fit's MB (vx-fit --memory). Logs: OUT/logs/slurm-*.out.
# A task that fails or is cancelled leaves no fit file; the stages job is then cancelled
# (its dependency can never be met) and a new submission runs what is missing.
set -eu
[ $# -ge 4 ] || { echo "usage: sh slurm.sh OUT CPUS MAX_RUNNING STAGES [sbatch options]" >&2; exit 2; }
out=$1 cpus=$2 max=$3 stages=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
say() { echo "slurm.sh: $*" >&2; }
command -v sbatch >/dev/null || { say "sbatch is not on PATH: no Slurm here"; exit 1; }
# The jobs run in this environment (sbatch exports it): not as part of the caller's make.
unset MAKEFLAGS MFLAGS MAKELEVEL

# Jobs of this folder still queued or running would run the same fits twice.
tag="vx-corpus:$out"
queue=$(squeue -h -u "$(id -un)" -o '%k') # the jobs' comments: the folder they work for
if printf '%s\n' "$queue" | grep -qxF "$tag"; then
    say "jobs for $out are still queued or running (squeue -u $(id -un) -o '%i %k'):" \
        "wait for them or scancel them, then submit again"
    exit 1
fi

mkdir -p "$out/logs" "$out/slurm"
n=$(grep -c . "$out/jobs.txt" || true)
dep=""
if [ "$n" -gt 0 ]; then
    mb=0
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        m=$(FIT_MEMORY=1 sh -c "$line") || { say "cannot size the fit of: $line"; exit 1; }
        [ "$m" -le "$mb" ] || mb=$m
    done < "$out/jobs.txt"
    # The tasks read their line from a copy: a later jobs.txt may list other fits.
    jobs=$out/slurm/jobs-$(date +%Y%m%dT%H%M%S)-$$.txt
    cp "$out/jobs.txt" "$jobs"
    cap=""
    [ "$max" -eq 0 ] || cap=%$max
    array=$(sbatch --parsable --job-name=vx-fit --comment="$tag" --array=1-"$n$cap" \
        --cpus-per-task="$cpus" --mem="${mb}M" --output="$out/logs/slurm-fit-%A_%a.out" \
        "$@" "$here/slurm-fit.sh" "$jobs")
    array=${array%%;*}
    dep="--dependency=afterok:$array --kill-on-invalid-dep=yes"
    echo "$out: $n fits as Slurm array job $array (${cap:+at most ${cap#%} at once, }$cpus CPU$(
        [ "$cpus" -eq 1 ] || echo s) and $mb MB a task)"
fi
# shellcheck disable=SC2086 # dep: two options or none
stagesjob=$(sbatch --parsable --job-name=vx-stages --comment="$tag" $dep --cpus-per-task="$cpus" \
    --output="$out/logs/slurm-stages-%j.out" "$@" --wrap "$stages")
stagesjob=${stagesjob%%;*}
echo "$out: the other stages as job $stagesjob${dep:+, once every fit succeeded}; logs in $out/logs/"
