#!/bin/sh
# Derive a bookworm-backports apt source from the machine's own Debian source
# entry (same mirror, same keyring). No host name is written down anywhere.
# Called by scripts/install-system-deps.sh. Run as root.
set -eu
deb822_src="${DEB822_SRC:-/etc/apt/sources.list.d/debian.sources}"
oneline_src="${ONELINE_SRC:-/etc/apt/sources.list}"
out="${BACKPORTS_OUT:-/etc/apt/sources.list.d/bookworm-backports.sources}"
entry=""
if [ -f "$deb822_src" ]; then
  entry=$(awk '
    function has(list, word,   n, i, a) { n = split(list, a, /[ \t]+/); for (i = 1; i <= n; i++) if (a[i] == word) return 1; return 0 }
    function reset() { t = ""; u = ""; s = ""; c = ""; sb = ""; en = "yes"; k = "" }
    function emit() {
      if (!done && en != "no" && has(t, "deb") && has(s, "bookworm") && has(c, "main") && u != "") {
        print "URIs: " u; if (sb != "") print "Signed-By: " sb; done = 1
      }
      reset()
    }
    BEGIN { reset() }
    /^[ \t]*$/ { emit(); next }
    /^#/ { next }
    /^[ \t]/ {
      if (k == "signed-by") sb = sb "\n" $0
      else { v = $0; sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
             if (k == "types") t = t " " v; else if (k == "uris") u = u " " v
             else if (k == "suites") s = s " " v; else if (k == "components") c = c " " v }
      next
    }
    {
      i = index($0, ":"); if (i == 0) next
      k = tolower(substr($0, 1, i - 1)); v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
      if (k == "types") t = v; else if (k == "uris") u = v; else if (k == "suites") s = v
      else if (k == "components") c = v; else if (k == "signed-by") sb = v; else if (k == "enabled") en = tolower(v)
    }
    END { emit() }' "$deb822_src")
fi
if [ -z "$entry" ] && [ -f "$oneline_src" ]; then
  entry=$(awk '
    $1 == "deb" && !done {
      i = 2; o = ""
      if ($2 ~ /^\[/) { while (i <= NF) { o = o " " $i; i++; if ($(i - 1) ~ /\]$/) break } }
      m = 0; for (j = i + 2; j <= NF; j++) if ($j == "main") m = 1
      if ($(i + 1) == "bookworm" && m) {
        print "URIs: " $i
        if (match(o, /signed-by=[^] ]+/)) print "Signed-By: " substr(o, RSTART + 10, RLENGTH - 10)
        done = 1
      }
    }' "$oneline_src")
fi
if [ -z "$entry" ]; then
  echo "no enabled Debian 'bookworm ... main' entry in $deb822_src or $oneline_src" >&2
  exit 1
fi
printf 'Types: deb\n%s\nSuites: bookworm-backports\nComponents: main\n' "$entry" > "$out"
cat "$out"
