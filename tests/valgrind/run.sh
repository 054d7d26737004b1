#!/bin/bash
# make valgrind: the engine's tests with every engine they start, and every
# unit test, under valgrind's memcheck: no invalid access, no uninitialised
# value used, no leak (definite or indirect) at exit.
#
# usage: tests/valgrind/run.sh BUILD OUTDIR
# Each suite prints its own RESULT line (under valgrind's slowdown some of
# their timing checks fail: those are not what this run is for); then one
# check per process that valgrind saw exit: an error or a definite or
# indirect leak fails it, and its log is printed.  A process killed before
# it exited (a test's deliberate kill) has no summary and is only counted.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
OUT=$2
rm -rf "$OUT"
mkdir -p "$OUT/logs"
# test_basic runs its engine as another local user: that valgrind writes here too
chmod 1777 "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
VG="valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --num-callers=30 --log-file=$OUT/logs/vg.%p.log"

# the tests start the engine by path: a wrapper that is the engine under valgrind
cat > "$OUT/httpsys-engine" <<WRAP
#!/bin/sh
exec $(echo $VG) "$BUILD/httpsys-engine" "\$@"
WRAP
chmod +x "$OUT/httpsys-engine"

for t in "$BUILD"/unit/test_*; do
    echo "== $(basename "$t")"
    $VG "$t" | grep -a '^RESULT\|^FAIL'
done
suites=${VALGRIND_SUITES:-engine tls load isolation basic}
for s in $suites; do
    echo "== test_$s.py"
    LOAD_CONNS=${LOAD_CONNS:-2000} LOAD_SLOW=${LOAD_SLOW:-200} \
        python3 "$ROOT/tests/engine/test_$s.py" "$OUT/httpsys-engine" "$OUT/work-$s" 2>&1 | grep -a -v '^skip'
done

pass=0 fail=0 killed=0 reachable=0
for log in "$OUT"/logs/vg.*.log; do
    if ! grep -q 'ERROR SUMMARY:' "$log"; then
        killed=$((killed + 1))
    elif grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: valgrind reported in $log:"
        grep -v '^==[0-9]*== *$' "$log" | head -60
    fi
    r=$(sed -n 's/.*still reachable: \([0-9,]*\) bytes.*/\1/p' "$log" | tr -d ,)
    reachable=$((reachable + ${r:-0}))
done
echo "valgrind: $((pass + fail + killed)) processes; $pass exited clean, $fail with errors or leaks," \
     "$killed killed before exit (not checked); still reachable at exit: $reachable bytes in all"
echo "RESULT $pass $fail"
