#!/bin/sh
# One task of the job array pipelines/slurm.sh submits: line SLURM_ARRAY_TASK_ID of JOBS
# (a copy of a corpus run's jobs.txt), one fit through pipelines/fit.sh.
#
# usage: sbatch --array=1-N ... slurm-fit.sh JOBS
set -eu
line=$(sed -n "${SLURM_ARRAY_TASK_ID:?not a Slurm array task}p" "${1:?usage: slurm-fit.sh JOBS}")
[ -n "$line" ] || { echo "slurm-fit.sh: $1 has no line $SLURM_ARRAY_TASK_ID" >&2; exit 1; }
exec sh -c "$line"
