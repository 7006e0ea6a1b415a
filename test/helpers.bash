# Shared set-up for the bats suite: tools from bin/, fixtures, assertions.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TOP="$(cd "$(dirname "${BATS_TEST_FILENAME}")/.." && pwd)"
FIX="$TOP/test/fixtures"
PATH="$TOP/bin:$PATH"
export LC_ALL=C

# No file matching the pattern may exist in the directory (no half-written output).
assert_no_leftovers() {
    local dir=$1
    run sh -c "ls -A '$dir' | grep -E '\\.tmp\$' || true"
    assert_output ''
}
