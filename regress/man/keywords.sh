#!/bin/sh
# Every keyword in parse.c's keyword tables (KW("word", ...), INT(...),
# STRING(...), ADDRS(...)) must be documented with .Ic in pppoxd.conf(5).
parse=$1 man=$2 missing=0
keywords() {
	sed -n -e 's/^[[:space:]]*[A-Z_]*("\([a-z0-9-]*\)",.*/\1/p' \
	    -e 's/.*\.name = "\([a-z0-9-]*\)".*/\1/p' "$parse" | sort -u
}
for kw in $(keywords); do
	if ! grep -Eq "(\.Ic|Ic) $kw( |$)" "$man"; then
		echo "pppoxd.conf.5 does not document keyword: $kw"
		missing=1
	fi
done
n=$(keywords | wc -l)
[ "$n" -gt 10 ] || { echo "found only $n keywords in $parse"; exit 1; }
exit $missing
