#!/usr/bin/env bats
# Every man page's EXAMPLES (its .Dl lines) run as written, in a scratch directory
# holding the files they name; and every tool's page exists and documents its options.
# bats file_tags=plumbing
load helpers

setup_file() {
    export SCRATCH="$BATS_FILE_TMPDIR/examples"
    mkdir -p "$SCRATCH"
    cp "$FIX/voice.wav" "$SCRATCH/dry.wav"
    cp "$FIX/preset_medleydb0.json" "$SCRATCH/preset.json"
    head -n 5 "$TOP/presets/medleydb.ndjson" > "$SCRATCH/presets.ndjson"
    cp "$TOP/presets/medleydb-gaussian.json" "$SCRATCH/gaussian.json"
    vx-render -q -p "$SCRATCH/preset.json" "$SCRATCH/dry.wav" "$SCRATCH/wet.wav"
    cp "$FIX/select_fits.ndjson" "$SCRATCH/fits.ndjson"
    cp -r "$FIX/diffvox-medleydb" "$SCRATCH/"
    if command -v vx-pair >/dev/null; then
        vx-pair -q --dry "$SCRATCH/dry.wav" --wet "$SCRATCH/wet.wav" > "$SCRATCH/pairs.ndjson" || true
    fi
}

# The .Dl lines of a page's EXAMPLES section, with mdoc escapes undone.
examples_of() {
    awk '/^\.Sh /{ex = ($2 == "EXAMPLES")} ex && /^\.Dl /{sub(/^\.Dl /, ""); print}' "$1" |
        sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\e/\\/g' -e 's/\\&//g'
}

@test "every tool has a man page with the required sections" {
    for c in "$TOP"/cmd/vx-*.c; do
        t=$(basename "$c" .c)
        [ -f "$TOP/man/$t.1" ] || fail "no man page for $t"
        for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
            grep -q "^\.Sh $s\$" "$TOP/man/$t.1" || fail "$t.1 lacks $s"
        done
    done
}

@test "every man page carries one date, not older than the manual's last change" {
    run sh -c "sed -n 's/^\.Dd //p' '$TOP'/man/*.[0-9] | sort -u"
    [ "${#lines[@]}" -eq 1 ] || fail "man pages disagree on .Dd: ${lines[*]}"
    dd=$(date -d "${lines[0]}" +%F) || fail "unreadable .Dd: ${lines[0]}"
    # the author date of the last commit that changed a page (kept by rebases), when the
    # tree is a git checkout
    last=$(git -C "$TOP" log -1 --format=%as -- man 2>/dev/null || true)
    [ -z "$last" ] || [[ ! "$dd" < "$last" ]] || fail ".Dd $dd is older than the last change, $last"
}

@test "man page examples run as written" {
    cd "$SCRATCH"
    failed=""
    for page in "$TOP"/man/*.1; do
        while IFS= read -r cmd; do
            if ! out=$(bash -o pipefail -c "$cmd" 2>&1 </dev/null); then
                failed="$failed
$(basename "$page"): $cmd
  $out"
            fi
        done < <(examples_of "$page")
    done
    [ -z "$failed" ] || fail "examples that failed:$failed"
}

@test "every long option a tool accepts is in its man page" {
    for c in "$TOP"/cmd/vx-*.c; do
        t=$(basename "$c" .c)
        for o in $("$t" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
            case $o in --help|--version) continue ;; esac
            grep -q -- "Fl -${o#--}" "$TOP/man/$t.1" || fail "$t.1 does not document $o"
        done
    done
}
