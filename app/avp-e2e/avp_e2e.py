# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""End-to-end test helpers: real programs over AVP ports.

Python 3 standard library only. The pieces:

  Results   counts checks, prints one line per check and the closing
            "N passed, M failed" line; maps the outcome to an exit code
            (0, 1, or 77 when the whole script is skipped).
  Cleanup   a stack of undo actions run on every exit path (normal end,
            exception, SIGINT/SIGTERM); processes, namespaces, files.
  Hostd     avp-hostd as a child: waits for its ready line, runs line
            commands and parses their "<cmd> <port>: key=value ..." replies.
  Testpmd   dpdk-testpmd -i driven through a pseudo-terminal: a command is
            sent, its output is everything up to the next "testpmd> "
            prompt; parsers for the usual reports.

Every wait has a deadline and fails with a message that says what was
awaited and what was seen instead; nothing sleeps to synchronise.
"""

import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77


class Failure(Exception):
    """A check that cannot go on (setup broke, a wait timed out)."""


class Skipped(Exception):
    """The machine lacks something the test needs; the reason says what."""


def log(msg):
    print(msg, flush=True)


def wait_for(pred, timeout, what, interval=0.05):
    """Polls pred() until it returns a true value or the deadline passes.
    Returns that value; raises Failure naming what was awaited.
    """
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise Failure('timed out after %.1f s waiting for %s' %
                          (timeout, what))
        time.sleep(interval)


class Results:
    """Check bookkeeping and the closing summary line."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.skipped = []

    def check(self, what, ok, detail=''):
        if ok:
            self.passed += 1
            log('  ok    %s' % what)
        else:
            self.failed += 1
            log('  FAIL  %s%s' % (what, (': ' + detail) if detail else ''))
        return bool(ok)

    def equal(self, what, got, want):
        return self.check('%s (%r)' % (what, want) if got == want else what,
                          got == want, 'got %r, want %r' % (got, want))

    def fail(self, what, detail):
        return self.check(what, False, detail)

    def skip(self, what, reason):
        self.skipped.append(what)
        log('  SKIP  %s: %s' % (what, reason))

    def summary(self):
        line = '%s: %d passed, %d failed' % (self.name, self.passed,
                                              self.failed)
        if self.skipped:
            line += ', %d skipped' % len(self.skipped)
        log(line)
        if self.failed:
            return 1
        if self.passed == 0:
            return SKIP
        return 0


def check_violations(res, hostd, port, what):
    """avp-hostd's strict checker on one port: no ABI rule broken."""
    full = hostd.stats_full(port)
    v = {k: n for k, n in full.items() if k.startswith('violation_')}
    return res.equal(what, v, {})


class Cleanup:
    """Undo actions, run last-in first-out exactly once."""

    def __init__(self):
        self.actions = []
        self.done = False

    def push(self, what, fn, *args):
        self.actions.append((what, fn, args))

    def run(self):
        if self.done:
            return
        self.done = True
        while self.actions:
            what, fn, args = self.actions.pop()
            try:
                fn(*args)
            except Exception as e:  # keep undoing the rest
                log('  cleanup: %s: %s' % (what, e))


def _on_signal(signum, _frame):
    raise KeyboardInterrupt('signal %d' % signum)


def run_main(name, body):
    """Runs body(results, cleanup, workdir) and exits with the right code.
    SIGTERM (meson test's timeout) becomes an exception, so the cleanup
    still runs.
    """
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    res = Results(name)
    cln = Cleanup()
    workdir = tempfile.mkdtemp(prefix='avp-e2e-%s.' % name)
    cln.push('remove ' + workdir, shutil.rmtree, workdir, True)
    code = None
    try:
        body(res, cln, workdir)
    except Skipped as e:
        log('%s: SKIP: %s' % (name, e))
        code = SKIP if res.passed == 0 and res.failed == 0 else None
        if code is None:
            res.skip('rest of %s' % name, str(e))
    except Failure as e:
        res.fail('%s' % name, str(e))
    except KeyboardInterrupt as e:
        res.fail('%s' % name, 'interrupted (%s)' % e)
    except Exception as e:  # a bug in the test itself must not pass
        import traceback
        traceback.print_exc()
        res.fail('%s' % name, 'unexpected %s: %s' % (type(e).__name__, e))
    finally:
        cln.run()
    if code == SKIP:
        log('%s: 0 passed, 0 failed, skipped' % name)
        sys.exit(SKIP)
    sys.exit(res.summary())


def parse_kv(text):
    """'a=1 b=x c=3' -> {'a': 1, 'b': 'x', 'c': 3} (ints where they are)."""
    out = {}
    for m in re.finditer(r'(\w+)=(\S+)', text):
        v = m.group(2)
        try:
            out[m.group(1)] = int(v, 0)
        except ValueError:
            out[m.group(1)] = v
    return out


def stop_process(proc, what, timeout=10):
    """SIGTERM, then SIGKILL after timeout; returns the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log('  %s did not stop within %d s of SIGTERM: SIGKILL' %
                (what, timeout))
            proc.kill()
            proc.wait(5)
    return proc.returncode


class _LineReader(threading.Thread):
    """Collects a stream's lines into a list, under a condition."""

    def __init__(self, stream, tee=None):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = []
        self.cond = threading.Condition()
        self.eof = False
        self.tee = tee

    def run(self):
        for raw in iter(self.stream.readline, ''):
            line = raw.rstrip('\n')
            if self.tee:
                self.tee.write(raw)
                self.tee.flush()
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def wait(self, pred, timeout, what):
        """pred(lines) -> value; waits until true or EOF/timeout."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                v = pred(self.lines)
                if v:
                    return v
                left = deadline - time.monotonic()
                if self.eof:
                    raise Failure('%s: the process ended first; its last '
                                  'output:\n%s' % (what, '\n'.join(
                                      self.lines[-15:])))
                if left <= 0:
                    raise Failure('timed out after %.0f s waiting for %s; '
                                  'last output:\n%s' % (timeout, what,
                                                        '\n'.join(
                                                            self.lines[-15:])))
                self.cond.wait(min(left, 0.5))


class Hostd:
    """avp-hostd as a child process with commands on its stdin."""

    def __init__(self, exe, ports, cleanup, mode=None, args=(), netns=None,
                 cpu=None, logfile=None):
        self.exe = exe
        self.ports = list(ports)
        self.names = [p.split(',')[0] for p in self.ports]
        cmd = [exe]
        if mode:
            cmd += ['--mode', mode]
        for p in self.ports:
            cmd += ['--port', p]
        cmd += list(args)
        if cpu is not None and shutil.which('taskset'):
            cmd = ['taskset', '-c', str(cpu)] + cmd
        if netns:
            cmd = ['ip', 'netns', 'exec', netns] + cmd
        self.cmdline = cmd
        self.log = open(logfile, 'a') if logfile else None
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     bufsize=1)
        cleanup.push('stop avp-hostd', self.stop)
        self.out = _LineReader(self.proc.stdout, self.log)
        self.out.start()
        self.out.wait(lambda ls: any(' ready: ' in l for l in ls), 20,
                      'avp-hostd ready line (%s)' % ' '.join(cmd))
        self.lock = threading.Lock()

    def command(self, line, nreplies=None, timeout=30):
        """Sends one command; returns its result lines. A command prints
        one "<cmd> <port>: ..." line per port it acts on, or "error: ...".
        """
        word = line.split()[0]
        want = nreplies if nreplies is not None else 1
        with self.lock:
            with self.out.cond:
                start = len(self.out.lines)
            self.proc.stdin.write(line + '\n')
            self.proc.stdin.flush()

            def got(lines):
                r = [l for l in lines[start:]
                     if l.startswith(word + ' ') or l.startswith('error:')]
                if any(l.startswith('error:') for l in r):
                    return r
                return r if len(r) >= want else None
            r = self.out.wait(got, timeout, 'avp-hostd reply to %r' % line)
        errs = [l for l in r if l.startswith('error:')]
        if errs:
            raise Failure('avp-hostd %r: %s' % (line, errs[0]))
        return r

    def stats(self, port):
        """The counters of one port as a dict."""
        line = self.command('stats ' + port)[0]
        return parse_kv(line.split(':', 1)[1])

    def stats_full(self, port):
        """Every non-zero counter of one port (the 'full' dump)."""
        word = 'stats'
        with self.lock:
            with self.out.cond:
                start = len(self.out.lines)
            self.proc.stdin.write('stats %s full\n' % port)
            self.proc.stdin.flush()
            self.out.wait(lambda ls: any(l.startswith(word + ' ' + port + ':')
                                         for l in ls[start:]), 30,
                          'avp-hostd stats full reply')
            with self.out.cond:
                lines = self.out.lines[start:]
        out = {}
        for l in lines:
            m = re.match(r'\s+(\S+)\s+(\d+)$', l)
            if m:
                out[m.group(1)] = int(m.group(2))
        return out

    def state(self, port):
        line = self.command('state ' + port)[0]
        return parse_kv(line.split(':', 1)[1])

    def output(self):
        with self.out.cond:
            return list(self.out.lines)

    def quit(self, timeout=15):
        """'quit' and wait; returns (exit code, output)."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write('quit\n')
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                stop_process(self.proc, 'avp-hostd')
                raise Failure('avp-hostd did not exit within %d s of quit'
                              % timeout)
        self.out.join(5)
        return self.proc.returncode, self.output()

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.quit(10)
            except Failure:
                pass
        stop_process(self.proc, 'avp-hostd')
        for p in self.ports:
            m = re.search(r'socket=([^,]+)', p)
            if m and os.path.exists(m.group(1)):
                log('  cleanup: avp-hostd left its socket %s behind' %
                    m.group(1))
                os.unlink(m.group(1))
        if self.log:
            self.log.close()
            self.log = None


_EVENT = re.compile(r'\nPort \d+: [a-zA-Z_ ]+ event\n')
_ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|\r')


class Testpmd:
    """dpdk-testpmd -i on a pseudo-terminal."""

    PROMPT = 'testpmd> '

    NO_HUGE = ('--no-huge', '-m', '1024', '--no-shconf')

    def __init__(self, exe, prefix, vdevs, cleanup, app_args=(),
                 eal_args=(), lcores='0,1', netns=None, logfile=None,
                 timeout=60, memory=NO_HUGE):
        self.prefix = prefix
        eal = ['-l', lcores] + list(memory) + \
            ['--no-pci', '--file-prefix=' + prefix,
             '--log-level=pmd.net.avp.*:info']
        for v in vdevs:
            eal += ['--vdev', v]
        eal += list(eal_args)
        cmd = [exe] + eal + ['--', '-i', '--total-num-mbufs=16384'] + \
            list(app_args)
        if netns:
            cmd = ['ip', 'netns', 'exec', netns] + cmd
        self.cmdline = cmd
        self.log = open(logfile, 'a') if logfile else None
        master, slave = pty.openpty()
        self.fd = master
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave,
                                     stderr=slave, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self.buf = ''
        self.transcript = []
        self.eof = False
        self.cond = threading.Condition()
        # A reader thread drains the pty all the time: testpmd must never
        # block on a full terminal (verbose mode prints per packet).
        self.reader = threading.Thread(target=self._reader, daemon=True)
        self.reader.start()
        cleanup.push('stop dpdk-testpmd', self.stop)
        self.startup = self.expect(self.PROMPT, timeout,
                                   'the first testpmd> prompt')

    def _reader(self):
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b''
            if not data:
                with self.cond:
                    self.eof = True
                    self.cond.notify_all()
                return
            text = data.decode('utf-8', 'replace')
            if self.log:
                self.log.write(text)
                self.log.flush()
            text = _ANSI.sub('', text)
            with self.cond:
                self.buf += text
                self.transcript.append(text)
                self.cond.notify_all()

    def expect(self, pattern, timeout, what=None):
        """Consumes output up to and including the first match of pattern
        (a regex); returns what came before it.
        """
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                # testpmd prints events ("\nPort 0: link state change
                # event\n") from another thread, even in the middle of a
                # prompt written byte by byte: take them out first (the
                # transcript keeps them).
                self.buf = _EVENT.sub('', self.buf)
                m = rx.search(self.buf)
                if m:
                    before = self.buf[:m.start()]
                    self.buf = self.buf[m.end():]
                    return before
                left = deadline - time.monotonic()
                if self.eof:
                    raise Failure('testpmd ended (exit %s) while waiting for '
                                  '%s; last output:\n%s' %
                                  (self.proc.poll(), what or pattern,
                                   self.buf[-1500:]))
                if left <= 0:
                    raise Failure('timed out after %.0f s waiting for %s; '
                                  'last output:\n%s' %
                                  (timeout, what or pattern,
                                   self.buf[-1500:]))
                self.cond.wait(min(left, 0.5))

    def cmd(self, line, timeout=30):
        """Runs one command; returns its output (without the echo)."""
        os.write(self.fd, (line + '\n').encode())
        out = self.expect(self.PROMPT, timeout, 'the prompt after %r' % line)
        # The pty echoes the line first.
        i = out.find(line)
        if i >= 0:
            out = out[i + len(line):]
        return out.lstrip('\n')

    def send(self, line):
        """Sends a command without waiting for its prompt (for commands
        whose prompt may be torn apart by per-packet output); call
        resync() once the output has calmed down.
        """
        os.write(self.fd, (line + '\n').encode())

    def resync(self, timeout=30):
        """Drops pending output up to a fresh, known prompt."""
        self.sync_n = getattr(self, 'sync_n', 0) + 1
        marker = 'e2e_sync_%d' % self.sync_n
        os.write(self.fd, (marker + '\n').encode())
        self.expect(re.escape(marker) + r'[\s\S]*?' + re.escape(self.PROMPT),
                    timeout, 'testpmd to answer the %s marker' % marker)

    def log_text(self):
        """Everything testpmd printed so far (escape sequences removed)."""
        with self.cond:
            return ''.join(self.transcript)

    def port_stats(self, port):
        """show port stats N -> {'RX-packets': .., 'TX-packets': .., ...}"""
        out = self.cmd('show port stats %d' % port)
        st = {}
        for m in re.finditer(r'([A-Za-z-]+):\s+(\d+)', out):
            st.setdefault(m.group(1), int(m.group(2)))
        if 'RX-packets' not in st:
            raise Failure('show port stats %d: no counters in:\n%s' %
                          (port, out))
        return st

    def xstats(self, port):
        out = self.cmd('show port xstats %d' % port)
        xs = {}
        for m in re.finditer(r'^\s*(\w+):\s+(\d+)\s*$', out, re.M):
            xs[m.group(1)] = int(m.group(2))
        return xs, out

    def port_info(self, port):
        return self.cmd('show port info %d' % port)

    def fwd_stats(self, out):
        """Parses 'stop' output: {port: {'RX-packets':..,'TX-dropped':..}}"""
        res = {}
        for m in re.finditer(r'Forward statistics for port (\d+)\s*-+\n(.*?)'
                             r'\n\s*-{20,}', out, re.S):
            d = {}
            for k in re.finditer(r'([A-Za-z-]+):\s+(\d+)', m.group(2)):
                d[k.group(1)] = int(k.group(2))
            res[int(m.group(1))] = d
        return res

    def quit(self, timeout=30):
        """'quit' and wait; returns the exit code."""
        if self.proc.poll() is None:
            try:
                os.write(self.fd, b'quit\n')
            except OSError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                stop_process(self.proc, 'testpmd')
                raise Failure('testpmd did not exit within %d s of quit' %
                              timeout)
        self.reader.join(5)
        return self.proc.returncode

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.quit(15)
            except Failure:
                pass
        stop_process(self.proc, 'testpmd')
        try:
            os.close(self.fd)
        except OSError:
            pass
        remove_runtime_dir(self.prefix)
        if self.log:
            self.log.close()
            self.log = None


def remove_runtime_dir(prefix):
    """EAL leaves /var/run/dpdk/<prefix> (telemetry socket) behind."""
    base = '/var/run' if os.getuid() == 0 else \
        os.environ.get('XDG_RUNTIME_DIR', '/tmp')
    d = os.path.join(base, 'dpdk', prefix)
    if prefix and os.path.isdir(d):
        shutil.rmtree(d, True)


def need_file(path, what):
    if not os.access(path, os.X_OK if not path.endswith('.py') else os.R_OK):
        raise Failure('%s not found at %s (build it first)' % (what, path))
