# §7.7's table from vx-match --eval records (each with .model added) and skipped records:
# per model, mean | median of mldr_lr, mss_lr, mldr_ms, mss_ms, param_mse over the pairs
# that no model skipped. Input: every record, slurped; $models: the models in order.
def median: sort | if length % 2 == 1 then .[length / 2 | floor]
                   else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def pad: . + "          " | .[:9];
def fmt: . * 1000 | round / 1000 | tostring | pad;
["mldr_lr", "mss_lr", "mldr_ms", "mss_ms", "param_mse"] as $cols
| (map(select(.type == "skipped") | .pair_index) | unique) as $skipped
| map(select(.type != "skipped" and (.pair_index as $i | $skipped | index([$i]) | not)))
| group_by(.model) | map({key: .[0].model, value: .}) | from_entries as $by
| ($by | to_entries | map(.value | length) | max // 0) as $n
| "mean and median    \($cols | map(pad) | join(" ")) | \($cols | map(pad) | join(" "))",
  "model      pairs   \($cols | map("mean" | pad) | join(" ")) | \($cols | map("median" | pad) | join(" "))",
  ($models | split(" ")[] as $m | ($by[$m] // []) as $r
   | "\(($m + "          ")[:10]) \($r | length | tostring | ("   " + .)[-3:])     "
     + ($cols | map(. as $c | $r | map(.match.scores[$c]) | if length > 0 then add / length | fmt else ("-" | pad) end) | join(" "))
     + " | "
     + ($cols | map(. as $c | $r | map(.match.scores[$c]) | if length > 0 then median | fmt else ("-" | pad) end) | join(" "))),
  "skipped pairs (fewer than two active chunks): \($skipped | length)"
