#!/bin/sh
# golden.sh check|update CONFCHECK CASE.in ...
#
# A case X.in has X.ok (expected stdout: it must parse) or X.err (expected
# stderr: it must fail).  check runs every case, shows a diff per failure
# and names the failures at the end; update rewrites X.ok or X.err from
# what CONFCHECK now does.  The host name, the default of "name", is
# replaced by @HOSTNAME@ so that the files do not depend on the machine.
mode=$1 confcheck=$2
shift 2
host=$(uname -n)
tmp=$(mktemp -d /tmp/pppoxd-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed= n=0

for in in "$@"; do
	base=${in%.in}
	n=$((n + 1))
	"$confcheck" "$in" >"$tmp/raw" 2>"$tmp/err"
	rc=$?
	awk -v h="$host" '$0 == "name \"" h "\"" {
		print "name \"@HOSTNAME@\""; next } { print }' \
	    "$tmp/raw" >"$tmp/out"
	if [ "$mode" = update ]; then
		if [ $rc -eq 0 ]; then
			cp "$tmp/out" "$base.ok"
			[ -f "$base.err" ] && echo "$in: now parses" && rm "$base.err"
		else
			cp "$tmp/err" "$base.err"
			[ -f "$base.ok" ] && echo "$in: now fails" && rm "$base.ok"
		fi
		continue
	fi
	if [ -f "$base.ok" ]; then
		if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
			echo "$in: expected success, got exit $rc:"
			cat "$tmp/err"
			failed="$failed $in"
		elif ! diff -u "$base.ok" "$tmp/out"; then
			failed="$failed $in"
		fi
	elif [ -f "$base.err" ]; then
		if [ $rc -ne 1 ] || [ -s "$tmp/out" ]; then
			echo "$in: expected exit 1 and no output, got exit $rc"
			failed="$failed $in"
		elif ! diff -u "$base.err" "$tmp/err"; then
			failed="$failed $in"
		fi
	else
		echo "$in: neither $base.ok nor $base.err"
		failed="$failed $in"
	fi
done

[ "$mode" = update ] && exit 0
if [ -n "$failed" ]; then
	echo "failed:$failed"
	exit 1
fi
echo "$n cases passed"
