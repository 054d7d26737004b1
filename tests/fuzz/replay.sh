#!/bin/sh
# replay.sh FUZZER CORPUS: runs every input of the corpus once through the
# fuzz target (sanitizers on); one check per input.
fuzzer=$1
corpus=$2
passed=0
failed=0
for input in "$corpus"/*; do
    [ -f "$input" ] || continue
    if "$fuzzer" -runs=1 "$input" > /dev/null 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $(basename "$fuzzer") crashes on $input"
    fi
done
echo "RESULT $passed $failed"
