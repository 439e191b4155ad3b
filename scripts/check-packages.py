#!/usr/bin/env python3
"""Fails when a script installs a Debian package that scripts/packages.txt does not give it.

scripts/packages.txt is the one list of what the scripts install on this machine. In every shell
script (.ci/run, and the *.sh files and `#!...sh` scripts under the folders in SCANNED), each
`apt-get install` (or `apt install`) must take its packages from scripts/packages.sh:
  - an argument is an option, or an expansion: $(...) only of scripts/packages.sh; a variable
    only if every assignment of it in that script is, or is built from other variables (a `for`
    loop over one, `missing+=("$p")`) that are, down to scripts/packages.sh. A package name
    written in the script, or a variable the script does not assign, fails;
  - a mention inside a quoted string (a message, or a command run inside an image) is one of
    QUOTED below, each with why;
  - every group a script names to scripts/packages.sh exists, and the list itself reads.
Dockerfiles and Containerfiles are not shell scripts and are not read: they install inside an
image, not on this machine.

    python3 scripts/check-packages.py      (CTest: apt_packages)
"""
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCANNED = ["scripts", "tests", "bench", "fuzz", "docker", "examples", "packaging"]

# (script, a snippet of the line): why a quoted `apt-get install` there is not an install on
# this machine from a list of its own.
QUOTED = {
    ("tests/container/systemd_live.sh", "RUN apt-get update -qq"):
        "the Containerfile of the systemd test image: systemd inside the image, not here",
    ("scripts/check-format.sh", "(apt-get install clang-format-14)"):
        "a message telling the user what to install",
    ("scripts/release.sh", 'say "apt-get install ${missing[*]'):
        "a message naming what the next lines install from the list",
    ("scripts/release.sh", "(apt-get install podman to make them)"):
        "a message telling the user what to install",
    ("tests/container/run.sh", 'install_failed="apt-get install ${missing[*]} failed"'):
        "a message naming what failed to install",
    ("tests/container/run.sh", '"apt-get install ${docker_missing[*]} failed"'):
        "a message naming what failed to install",
}

INSTALL = re.compile(r"\bapt(?:-get)?(?:\s+-\S+)*\s+install\b")
VAR = re.compile(r'^"?\$\{?[#!]?([A-Za-z_][A-Za-z0-9_]*)')


def scripts():
    yield ".ci/run"
    for top in SCANNED:
        for root, dirs, files in os.walk(os.path.join(REPO, top)):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
            for name in sorted(files):
                path = os.path.join(root, name)
                if name.endswith(".sh") or (
                        "." not in name and first_line(path).startswith("#!") and "sh" in first_line(path)):
                    yield os.path.relpath(path, REPO)


def first_line(path):
    try:
        with open(path, errors="replace") as f:
            return f.readline()
    except OSError:
        return ""


def logical_lines(text):
    """(line number, line) with backslash-newline continuations joined."""
    out, start, buf = [], None, ""
    for n, line in enumerate(text.split("\n"), 1):
        if start is None:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        out.append((start, buf + line))
        start, buf = None, ""
    return out


def quote_state(line, end):
    """Whether position `end` of the line is inside quotes; None if it is in a comment."""
    single = double = False
    i = 0
    while i < end:
        c = line[i]
        if single:
            single = c != "'"
        elif c == "\\":
            i += 1
        elif c == '"':
            double = not double
        elif c == "'" and not double:
            single = True
        elif c == "#" and not double and (i == 0 or line[i - 1] in " \t;"):
            return None
        i += 1
    return single or double


def read_word(line, i):
    """One shell word from i: (word, index after it); quotes, $(...) and ${...} kept whole."""
    start, depth, single, double = i, 0, False, False
    while i < len(line):
        c = line[i]
        if single:
            single = c != "'"
        elif c == "\\":
            i += 1
        elif c == "'" and not double:
            single = True
        elif c == '"':
            double = not double
        elif c == "$" and line[i + 1:i + 2] in ("(", "{"):
            depth += 1
            i += 1
        elif c in ")}" and depth:
            depth -= 1
        elif not double and not depth and (c in " \t;&|<>" or c in ")}"):
            break
        i += 1
    return line[start:i], i


def words(line, i, stop=""):
    """The words from i to the end of the command (or to `stop`), redirections left out."""
    out = []
    while True:
        while i < len(line) and line[i] in " \t":
            i += 1
        if i >= len(line) or line[i] in ";&|<>#)}" or (stop and line[i] == stop):
            return out
        word, i = read_word(line, i)
        if word.isdigit() and line[i:i + 1] in "<>":
            return out
        out.append(word)


class Script:
    def __init__(self, path, text=None):
        self.path = path
        if text is None:
            with open(os.path.join(REPO, path), errors="replace") as f:
                text = f.read()
        self.lines = logical_lines(text)
        self.errors = []

    def error(self, n, why):
        self.errors.append(f"{self.path}:{n}: {why}")

    def sources(self, name, used_at):
        """(line number, words) of each assignment of `name` in the script, and of the last
        `for name in` loop before line `used_at` (a loop variable is often reused)."""
        assign = re.compile(r"(?:^|[\s;&|({])" + re.escape(name) + r"\+?=")
        loop = re.compile(r"\bfor\s+" + re.escape(name) + r"\s+in\b")
        last_loop = None
        for n, line in self.lines:
            for m in assign.finditer(line):
                if quote_state(line, m.start()) is not False:
                    continue
                i = m.end()
                if line[i:i + 1] == "(":
                    yield n, words(line, i + 1, stop=")")
                else:
                    yield n, [read_word(line, i)[0]] if i < len(line) and line[i] not in " \t;" else []
            for m in loop.finditer(line):
                if quote_state(line, m.start()) is False and n <= used_at:
                    last_loop = n, words(line, m.end())
        if last_loop:
            yield last_loop

    def check_words(self, n, ws, what, seen):
        """Every word an option or an expansion leading to scripts/packages.sh."""
        for w in ws:
            bare = w.strip('"')
            if w.startswith("-"):
                continue
            if bare.startswith("$("):
                if "packages.sh" not in bare:
                    self.error(n, f"{what}: {w} is not scripts/packages.sh")
                continue
            m = VAR.match(w)
            if not m:
                self.error(n, f"{what}: {w} is written in the script; put it in scripts/packages.txt "
                              "and take it from scripts/packages.sh")
                continue
            name = m.group(1)
            if (name, n) in seen:
                continue
            seen.add((name, n))
            found = False
            for m_n, m_ws in self.sources(name, n):
                found = True
                self.check_words(m_n, m_ws, f"{what} <- {name}", seen)
            if not found:
                self.error(n, f"{what}: ${name} is not assigned in this script")

    def check(self, groups, used_quoted):
        for n, line in self.lines:
            for m in INSTALL.finditer(line):
                state = quote_state(line, m.start())
                if state is None:
                    continue
                if state:
                    key = next((k for k in QUOTED if k[0] == self.path and k[1] in line), None)
                    if key:
                        used_quoted.add(key)
                    else:
                        self.error(n, "`apt-get install` in a quoted string: a command for somewhere "
                                      "else or a message? add it to QUOTED in scripts/check-packages.py "
                                      "with why, or install from scripts/packages.sh")
                    continue
                self.check_words(n, words(line, m.end()), "apt-get install", set())
            for m in re.finditer(r"\bbash\s+", line):
                if quote_state(line, m.start()) is not False:
                    continue
                script, i = read_word(line, m.end())
                if not script.strip('"').endswith("packages.sh"):
                    continue
                for g in words(line, i):
                    if g not in groups and g not in ("all", "--recommends", "--no-recommends"):
                        self.error(n, f"scripts/packages.sh {g}: no such group in scripts/packages.txt")


# Scripts the check must find fault with (the text each failure must contain), and one it must
# pass: run first, so that a check gone blind fails instead of passing everything.
CANARIES = [
    ("apt-get install -y --no-install-recommends htop >/dev/null", "htop is written"),
    ('packages=(htop)\nfor p in "${packages[@]}"; do\n  missing+=("$p")\ndone\n'
     'sudo env X=1 apt-get -qq install \\\n  "${missing[@]}"', "htop is written"),
    ("apt install -y $EXTRA", "$EXTRA is not assigned"),
    ("x=$(cat list)\napt-get install $x", "is not scripts/packages.sh"),
    ('echo "then: apt-get install htop"', "in a quoted string"),
    ("x=$(bash scripts/packages.sh build nosuch)", "nosuch: no such group"),
    ('p=($(bash "$(dirname "$0")/packages.sh" --recommends build test))  # apt-get install htop\n'
     'for q in "${p[@]}"; do m+=("$q"); done\n'
     '[ ${#m[@]} -eq 0 ] || apt-get install -y "${m[@]}" 2>/dev/null; echo "#"', None),
]


def canaries(groups):
    errors = []
    for text, expect in CANARIES:
        s = Script("canary", text)
        s.check(groups, set())
        if (expect is None) != (not s.errors) or (expect and not any(expect in e for e in s.errors)):
            errors.append(f"the check itself: wanted {expect or 'no failure'} for {text!r}, "
                          f"got {s.errors or 'none'}")
    return errors


def main():
    listing = os.path.join(REPO, "scripts", "packages.txt")
    with open(listing) as f:
        groups = re.findall(r"^\[([a-z0-9-]+)\]", f.read(), re.M)
    errors = canaries(set(groups))
    for g in groups + ["all"]:
        r = subprocess.run(["bash", os.path.join(REPO, "scripts", "packages.sh"), g],
                           capture_output=True, text=True)
        if r.returncode != 0 or not r.stdout.split():
            errors.append(f"scripts/packages.sh {g}: exit {r.returncode}, no packages: {r.stderr.strip()}")
    used_quoted = set()
    count = installs = 0
    for path in scripts():
        s = Script(path)
        s.check(set(groups), used_quoted)
        errors += s.errors
        count += 1
        installs += sum(1 for _, line in s.lines for m in INSTALL.finditer(line)
                        if quote_state(line, m.start()) is False)
    for key in sorted(set(QUOTED) - used_quoted):
        errors.append(f"{key[0]}: QUOTED names a line that is not there any more: {key[1]}")
    for e in errors:
        print("FAIL  " + e)
    print(f"check-packages: {count} scripts, {installs} apt-get installs, {len(groups)} groups, "
          f"{len(used_quoted)} quoted mentions allowed; {len(errors)} failures")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
