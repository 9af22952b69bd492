#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Reads meson's testlog.json files. Prints "N passed, N failed, N skipped";
# with --failures, instead, for each test that failed, its name and the
# lines of its output that say what failed (meson's own error log shows
# only the last 100 lines, which are the emulator's and the driver's
# messages, not the test cases'). Exits 1 when no test ran.
import json
import re
import sys

FAILED = re.compile(r"Test assert|TestCase .* failed|Test Failed|"
                    r"\bFAIL\b|ERROR:|WARNING: ThreadSanitizer|"
                    r"Sanitizer|runtime error")
LIMIT = 40


def main(argv):
    failures = argv[:1] == ["--failures"]
    tests = [json.loads(line) for f in argv[failures:] for line in open(f)
             if line.strip()]
    if failures:
        for t in tests:
            if t["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
                continue
            print("avp-test: %s %s (exit %s):" % (t["name"], t["result"],
                                                 t.get("returncode")))
            out = (t.get("stdout") or "") + (t.get("stderr") or "")
            lines = [l for l in out.splitlines() if FAILED.search(l)]
            for line in lines[:LIMIT]:
                print("  " + line)
            if len(lines) > LIMIT:
                print("  ... %d more" % (len(lines) - LIMIT))
        return 0
    ok = sum(t["result"] in ("OK", "EXPECTEDFAIL") for t in tests)
    skip = sum(t["result"] == "SKIP" for t in tests)
    print("%d passed, %d failed, %d skipped"
          % (ok, len(tests) - ok - skip, skip))
    return 0 if tests else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
