#!/usr/bin/env bash
# Prints the Debian packages of the groups named, one a line, each once, in the order of
# scripts/packages.txt (which says what a group and its marks are):
#
#   bash scripts/packages.sh build test                 what scripts/setup.sh installs
#   bash scripts/packages.sh all                        every group not marked not-in-all
#   bash scripts/packages.sh --recommends GROUP...      only what .ci/run installs with recommends
#   bash scripts/packages.sh --no-recommends GROUP...   only what it installs without them
#
# A group that does not exist, a malformed list, or no group at all: a message, nothing on
# stdout and exit 2, so that a script reading it stops rather than installs a short list.
set -euo pipefail
list=$(dirname "$0")/packages.txt
which=any
case ${1:-} in
  --recommends) which=with; shift ;;
  --no-recommends) which=without; shift ;;
esac
[ $# -gt 0 ] || { echo "usage: scripts/packages.sh [--recommends|--no-recommends] GROUP...|all" >&2; exit 2; }
awk -v want="$*" -v which="$which" -v list="$list" '
  function bad(why) { printf "scripts/packages.sh: %s:%d: %s\n", list, NR, why > "/dev/stderr"; failed = 1; exit 2 }
  BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) named[w[i]] = 1 }
  /^[ \t]*(#|$)/ { next }
  /^\[/ {
    if ($1 !~ /^\[[a-z0-9-]+\]$/) bad("a group starts with [name]: " $0)
    group = substr($1, 2, length($1) - 2)
    if (group == "all" || group in seen) bad("group " group " again (or named all)")
    seen[group] = 1
    norec = 0; inall = 1
    for (i = 2; i <= NF; i++) {
      if ($i == "no-recommends") norec = 1
      else if ($i == "not-in-all") inall = 0
      else bad("unknown mark " $i)
    }
    take = (group in named) || (("all" in named) && inall)
    next
  }
  {
    if (group == "") bad("a package before the first group")
    if (!take) next
    for (i = 1; i <= NF; i++) {
      if ($i !~ /^[a-z0-9][a-z0-9.+-]+$/) bad("not a package name: " $i)
      if (!($i in at)) { at[$i] = ++count; order[count] = $i }
      if (norec) without[$i] = 1
    }
  }
  END {
    if (failed) exit 2
    for (g in named)
      if (g != "all" && !(g in seen)) {
        printf "scripts/packages.sh: no group %s in %s\n", g, list > "/dev/stderr"
        exit 2
      }
    for (i = 1; i <= count; i++) {
      p = order[i]
      if (which == "with" && (p in without)) continue
      if (which == "without" && !(p in without)) continue
      print p
    }
  }
' "$list"
