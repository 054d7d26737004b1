#!/bin/sh
# replay.sh FUZZER CORPUS: runs every input of the corpus once through the
# fuzz target (sanitizers on); one check per input.
fuzzer=$1
corpus=$2
passed=0
failed=0
count=0
for input in "$corpus"/*; do
    [ -f "$input" ] && count=$((count + 1))
done
# All inputs in one process first: the engine targets start a whole engine
# per input, and a process per input would take minutes.  Only when that
# fails is each input run alone, to name the ones that fail.
if [ "$count" -gt 0 ] && "$fuzzer" -runs=0 "$corpus" > /dev/null 2>&1; then
    echo "RESULT $count 0"
    exit 0
fi
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
