#!/bin/sh
# A scripted editor for the edit tests: shows the file it was given on stderr (what a user would
# see), then applies the sed script of this invocation: $EDIT_1 the first time, $EDIT_2 the
# second, ... (counted in $EDIT_COUNT, a file); "fail" exits 1, "empty" empties the file.
n=$(( $(cat "$EDIT_COUNT" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$EDIT_COUNT"
echo "--- editor opened $(basename "$1" | sed -E 's/-edit-[0-9]+\./-edit-<n>./; s/^kubectl-/kjob-/')" >&2
cat "$1" >&2
eval "script=\${EDIT_$n:-}"
case "$script" in
  fail) exit 1 ;;
  empty) : > "$1" ;;
  '') ;;
  *) sed -i -e "$script" "$1" ;;
esac
