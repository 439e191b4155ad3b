"""Runs one Python test module for CTest, and makes its skips visible.

`python3 -m unittest` reports a module whose tests all skipped as passed, and CTest shows
"Passed": a suite could stop running without anyone seeing it. Here every skipped test is
printed as `SKIP: unittest/<test id>: <reason>`, appended to $CLAWINIT_SKIP_LOG (the run's
skip summary, docs/testing.md "Skips"), and fails the module unless $CLAWINIT_ALLOW_SKIP
names `unittest`, `all`, or the test id (or a prefix of it: a module, a class).

    python3 run_unittest.py MODULE      (from the module's directory, as CTest does)

$CLAWINIT_TEST_ONLY (blank separated substrings of test ids) runs only the matching tests:
scripts/mutate.sh uses it to run the one or two tests that back a promise.
"""
import os
import sys
import unittest


def allowed(test_id):
    names = os.environ.get("CLAWINIT_ALLOW_SKIP", "").replace(",", " ").split()
    return any(n in ("all", "unittest") or test_id == n or test_id.startswith(n + ".")
               for n in names)


def main():
    module = sys.argv[1]
    sys.path.insert(0, os.getcwd())
    only = os.environ.get("CLAWINIT_TEST_ONLY", "").split()
    loader = unittest.TestLoader()
    if only:
        loader.testNamePatterns = [f"*{pattern}*" for pattern in only]
    suite = loader.loadTestsFromName(module)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    refused = []
    for test, reason in result.skipped:
        line = f"SKIP: unittest/{test.id()}: {reason}"
        print(line, file=sys.stderr)
        log = os.environ.get("CLAWINIT_SKIP_LOG")
        if log:
            with open(log, "a") as f:
                f.write(line + "\n")
        if not allowed(test.id()):
            refused.append(test.id())
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"{module}: {passed} passed, {failed} failed, {len(result.skipped)} skipped",
          file=sys.stderr)
    if refused:
        print(f"{module}: skips not allowed (CLAWINIT_ALLOW_SKIP names none of them): "
              f"{', '.join(refused)}", file=sys.stderr)
    if result.testsRun == 0:
        print(f"{module}: no test ran", file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() and not refused and result.testsRun else 1)


if __name__ == "__main__":
    main()
