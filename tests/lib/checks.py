"""One check per expectation; failures printed as they happen; the summary
line tests/run adds up."""

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, flush=True)
    return cond


def report():
    print("RESULT %d %d" % (passed, failed), flush=True)
    return 1 if failed else 0
