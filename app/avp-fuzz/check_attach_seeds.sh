#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# The attach seeds say what the driver must answer: ok-* is accepted with
# no log line, bad-* refused with exactly one (avp_attach_msg_check).
#
#   check_attach_seeds.sh REPLAY_BINARY SEED_DIR

replay=${1:?usage: $0 REPLAY_BINARY SEED_DIR}
dir=${2:?usage: $0 REPLAY_BINARY SEED_DIR}
err=$(mktemp /tmp/avp-attach-seeds.XXXXXX) || exit 1
trap 'rm -f "$err"' EXIT INT TERM
pass=0
fail=0

for f in "$dir"/ok-* "$dir"/bad-*; do
	[ -f "$f" ] || continue
	case ${f##*/} in
	ok-*) want=accept; lines=0 ;;
	*) want=reject; lines=1 ;;
	esac
	AVP_FUZZ_LOG=1 AVP_FUZZ_ATTACH_EXPECT=$want "$replay" "$f" \
		>/dev/null 2>"$err"
	rc=$?
	n=$(grep -c 'avp_attach' "$err")
	if [ $rc -eq 0 ] && [ "$n" -eq $lines ]; then
		echo "ok: ${f##*/}: $want, $n log line(s)"
		pass=$((pass + 1))
	else
		echo "FAIL: ${f##*/}: expected $want with $lines log line(s), exit $rc with $n:"
		sed 's/^/    /' "$err"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
