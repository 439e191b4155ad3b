#!/usr/bin/env python3
"""Fails when cmake/hot-text.ld has gone stale for a build: fewer than --min (95 %) of its
patterns name an input section that the link map of that build lists.

    python3 scripts/hot-text/check.py BUILD_DIR/clawinit.map [cmake/hot-text.ld] [--min 0.95]

ld ignores a pattern that matches nothing, by design (a renamed function only costs RSS), so
nothing else would notice: this is the CTest test hot_text_patterns (static builds, committed
list, 95 %). scripts/release.sh runs it twice: on the committed list with --min 0 (how far it has
drifted, printed) and at --min 1.0 on the list it regenerated for the release build, which the
shipped binary is linked with. When the committed list is low, regenerate it
(scripts/hot-text/generate.py, root, ~7 min per build directory) and commit it.
"""
import argparse, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import input_sections  # noqa: E402  (the same map reader the generator uses)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATTERN = re.compile(r"^\s*\*(\S*?)\((\S+)\)\s*$")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("map")
    p.add_argument("ld", nargs="?", default=os.path.join(ROOT, "cmake", "hot-text.ld"))
    p.add_argument("--min", type=float, default=0.95)
    a = p.parse_args()
    names, members = set(), set()
    for _, _, section, file in input_sections(a.map):
        names.add(section)
        m = re.match(r"(.*)\((.*)\)$", file)  # archive(member) -> "archive:member"
        members.add((f"{os.path.basename(m[1])}:{m[2]}" if m else os.path.basename(file), section))
    patterns, missed = 0, []
    for line in open(a.ld):
        m = PATTERN.match(line)
        if not m:
            continue
        patterns += 1
        file, section = m[1], m[2]
        if not (section in names if file == "" else (file, section) in members):
            missed.append(line.strip())
    if patterns == 0:
        sys.exit(f"check.py: no patterns in {a.ld}")
    matched = (patterns - len(missed)) / patterns
    for line in missed[:20]:
        # Not an error by itself: a renamed function costs idle RSS, never correctness.
        print(f"check.py: note: pattern matches no section (stale, harmless): {line}")
    print(f"check.py: {patterns - len(missed)} of {patterns} patterns ({matched:.1%}) match sections of {a.map}")
    if matched < a.min:
        sys.exit(f"check.py: below {a.min:.0%}: {os.path.relpath(a.ld, ROOT)} is stale for this build; "
                 "regenerate it with scripts/hot-text/generate.py")


if __name__ == "__main__":
    main()
