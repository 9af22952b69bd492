#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# avp-hostd option parsing: every bad option makes it exit non-zero with a
# message that names the option and what is allowed; --help exits 0.
#
#   test_hostd_options.sh AVP_HOSTD

hostd=${1:?usage: $0 AVP_HOSTD}
dir=$(mktemp -d /tmp/avp-hostd-opts.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
pass=0
fail=0
bound=
if command -v timeout >/dev/null 2>&1; then
	bound="timeout -k 2 10"
fi

# expect_error DESCRIPTION EXPECTED-STDERR-TEXT ARGS...
expect_error() {
	desc=$1
	want=$2
	shift 2
	# Bounded: a daemon that wrongly accepts the options would serve
	# forever (it is killed after 10 s and the case fails).
	$bound "$hostd" --no-stdin "$@" </dev/null >"$dir/out" 2>"$dir/err"
	rc=$?
	if [ "$rc" -ne 0 ] && grep -qF -- "$want" "$dir/err"; then
		echo "ok: $desc (exit $rc: $(head -n1 "$dir/err"))"
		pass=$((pass + 1))
	else
		echo "FAIL: $desc: exit $rc, expected non-zero and '$want' on stderr; got:"
		sed 's/^/    /' "$dir/err"
		fail=$((fail + 1))
	fi
	if grep -q 'ready' "$dir/out"; then
		echo "FAIL: $desc: printed a ready line"
		fail=$((fail + 1))
	fi
}

s=$dir/p.sock
expect_error "no port" "give at least one --port" --mode loopback
expect_error "no socket" "socket=PATH is required" --port p0
expect_error "name missing" "the first field must be the port name" \
	--port "socket=$s"
expect_error "reserved port name" "'all' is a command word and cannot name a port" \
	--port "all,socket=$s"
expect_error "unknown key" "unknown key 'colour'; allowed: socket" \
	--port "p0,socket=$s,colour=blue"
expect_error "not key=value" "'fast' is not KEY=VALUE" \
	--port "p0,socket=$s,fast"
expect_error "rxq out of range" "rxq=9: must be a number in 1..8" \
	--port "p0,socket=$s,rxq=9"
expect_error "queues not a number" "queues=two: must be a number in 1..8" \
	--port "p0,socket=$s,queues=two"
expect_error "rxq_min above rxq" "rxq_min=4 must not exceed the rx queue maximum 2" \
	--port "p0,socket=$s,rxq=2,rxq_min=4"
expect_error "ring not a power of 2" "ring=1000: must be a power of 2" \
	--port "p0,socket=$s,ring=1000"
expect_error "bad mac" "mac=01:02:03: must be six hex bytes" \
	--port "p0,socket=$s,mac=01:02:03"
expect_error "multicast mac" "must be a unicast address" \
	--port "p0,socket=$s,mac=01:00:5e:00:00:01"
expect_error "buf_size too big" "buf_size=9000: must be a number in 64..4096" \
	--port "p0,socket=$s,buf_size=9000"
expect_error "max_frame above 5 buffers" "max_frame=9238 is more than 5 segments of buf_size=1024" \
	--port "p0,socket=$s,buf_size=1024"
expect_error "vlan not 0|1" "vlan=2: must be a number in 0..1" \
	--port "p0,socket=$s,vlan=2"
expect_error "rx_segs out of range" "rx_segs=6: must be a number in 1..5" \
	--port "p0,socket=$s,rx_segs=6"
expect_error "rx_split unknown" "rx_split=sometimes: must be random, random:SEED" \
	--port "p0,socket=$s,rx_split=sometimes"
expect_error "rx_split seed not a number" "rx_split=random:x: must be random" \
	--port "p0,socket=$s,rx_split=random:x"
expect_error "unknown port mode" "mode=mirror: unknown mode; allowed: loopback, xconnect, gen, sink, tap, capture" \
	--port "p0,socket=$s,mode=mirror"
expect_error "unknown --mode" "--mode mirror: unknown mode; allowed: loopback" \
	--mode mirror --port "p0,socket=$s"
expect_error "xconnect alone" "mode=xconnect needs a peer port" \
	--mode xconnect --port "p0,socket=$s"
expect_error "peer unknown" "peer=p9: no such port" \
	--port "p0,socket=$s,mode=xconnect,peer=p9" \
	--port "p1,socket=$dir/q.sock,mode=xconnect"
expect_error "peer on loopback port" "peer= is only for mode=xconnect" \
	--port "p0,socket=$s,peer=p1" --port "p1,socket=$dir/q.sock"
expect_error "tap key on loopback" "tap= is only for mode=tap" \
	--port "p0,socket=$s,tap=tap0"
expect_error "size on loopback" "size= and count= are only for mode=gen" \
	--port "p0,socket=$s,size=64"
expect_error "bad size list" "size=: '70000' must be a frame size in 60..65535" \
	--port "p0,socket=$s,mode=gen,size=64/70000"
expect_error "size above max_frame" "size=2000 is larger than max_frame=1522" \
	--port "p0,socket=$s,mode=gen,max_frame=1522,size=64/2000"
expect_error "duplicate name" "the port name is used twice" \
	--port "p0,socket=$s" --port "p0,socket=$dir/q.sock"
expect_error "duplicate socket" "is already used by port p0" \
	--port "p0,socket=$s" --port "p1,socket=$s"
expect_error "unknown option" "unknown option '--frobnicate'" \
	--frobnicate --port "p0,socket=$s"
expect_error "missing argument" "option --port needs an argument" --port
expect_error "stray argument" "unexpected argument 'extra'" \
	--port "p0,socket=$s" extra
expect_error "bad ack timeout" "--ack-timeout 0: must be 1..600000 ms" \
	--ack-timeout 0 --port "p0,socket=$s"
expect_error "socket mode not octal" "--socket-mode 0680: must be octal permission bits" \
	--socket-mode 0680 --port "p0,socket=$s"
expect_error "socket mode too wide" "--socket-mode 4755: must be octal permission bits" \
	--socket-mode 4755 --port "p0,socket=$s"
expect_error "socket owner unknown" "--socket-owner avp-no-such-user: no such user" \
	--socket-owner avp-no-such-user --port "p0,socket=$s"
expect_error "socket group unknown" "no such group 'avp-no-such-group'" \
	--socket-owner :avp-no-such-group --port "p0,socket=$s"
expect_error "socket owner empty" "--socket-owner :: give USER, USER:GROUP or :GROUP" \
	--socket-owner : --port "p0,socket=$s"
expect_error "allowed user unknown" "--allow-user avp-no-such-user: no such user" \
	--allow-user avp-no-such-user --port "p0,socket=$s"
expect_error "allowed group unknown" "--allow-group avp-no-such-group: no such group" \
	--allow-group avp-no-such-group --port "p0,socket=$s"
touch "$dir/file"
expect_error "socket path is a file" "the path exists and is not a socket" \
	--port "p0,socket=$dir/file"
expect_error "socket dir missing" "cannot listen on $dir/nodir/p.sock" \
	--port "p0,socket=$dir/nodir/p.sock"

# expect_modes DESCRIPTION UMASK MODE GROUP ARGS...: run under UMASK,
# the port and control sockets have permission bits MODE and group GROUP.
expect_modes() {
	desc=$1
	um=$2
	want=$3
	wgrp=$4
	shift 4
	(umask "$um"; exec $bound "$hostd" --no-stdin \
		--control "$dir/c.sock" "$@" --port "p0,socket=$s" \
		</dev/null >"$dir/out" 2>"$dir/err") &
	pid=$!
	i=0
	while ! grep -q 'ready' "$dir/out" && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	got="$(stat -c '%a %G' "$s" 2>&1) / $(stat -c '%a %G' "$dir/c.sock" 2>&1)"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	if [ "$got" = "$want $wgrp / $want $wgrp" ]; then
		echo "ok: $desc ($got)"
		pass=$((pass + 1))
	else
		echo "FAIL: $desc: sockets are '$got', expected $want $wgrp"
		sed 's/^/    /' "$dir/err"
		fail=$((fail + 1))
	fi
}
grp=$(id -gn)
expect_modes "sockets 0600 by default" 000 600 "$grp"
expect_modes "--socket-mode 0660 despite umask 077" 077 660 "$grp" \
	--socket-mode 0660 --socket-owner ":$grp"

if "$hostd" --help >"$dir/out" 2>&1 && grep -q '^Usage: avp-hostd' "$dir/out" &&
		grep -q 'migrate-every PORT MS' "$dir/out"; then
	echo "ok: --help prints the usage and exits 0"
	pass=$((pass + 1))
else
	echo "FAIL: --help"
	fail=$((fail + 1))
fi
for f in "$dir"/*.sock; do
	[ -e "$f" ] || continue
	echo "FAIL: socket file $f left behind"
	fail=$((fail + 1))
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
