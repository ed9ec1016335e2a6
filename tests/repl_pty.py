#!/usr/bin/env python3
"""Drives the Outlay REPL through a pseudo-terminal, as a person would: line editing,
completion, multi-line input, errors that keep the session, commands and history."""
import os, pty, select, sys, tempfile, time, subprocess

OUTLAY = os.path.abspath(os.environ.get("OUTLAY", "src/outlay"))
passed = failed = 0

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"PASS: {name}")
    else:
        failed += 1
        print(f"FAIL: {name} {detail}")

class Repl:
    def __init__(self, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(OUTLAY, [OUTLAY], env)
        self.buf = b""

    def read_until(self, token, timeout=10):
        end = time.time() + timeout
        while token.encode() not in self.buf and time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                self.buf += data
        i = self.buf.find(token.encode())
        if i < 0:
            out, self.buf = self.buf, b""
            return out.decode(errors="replace"), False
        out, self.buf = self.buf[:i + len(token)], self.buf[i + len(token):]
        return out.decode(errors="replace"), True

    def send(self, text):
        os.write(self.fd, text.encode())

    def line(self, text, prompt="outlay> "):
        self.send(text + "\r")
        out, ok = self.read_until(prompt)
        return out

def main():
    state = tempfile.mkdtemp()
    loadme = os.path.join(state, "more.outlay")
    with open(loadme, "w") as f:
        f.write("loaded_rate = 3 USD/(gpu*hour)\n")
    deal = os.path.join(state, "deal.outlay")
    with open(deal, "w") as f:
        # by hand: 2 x 10 x 730 = 14,600 USD; under cheap 1 x 10 x 730 = 7,300; the sweep row (1 gpu) 1,460 / 730
        f.write("gpu_rate = 2 USD/(gpu*hour)\ngpus = 10 gpu\n"
                "scenario cheap { gpu_rate = 1 USD/(gpu*hour) }\n"
                "cost = gpu_rate * gpus * 730 hour\nshow cost\nsweep gpus over [1 gpu] { cost }\n")
    env = dict(os.environ, TERM="dumb", XDG_STATE_HOME=state, HOME=state)
    r = Repl(env)
    out, ok = r.read_until("outlay> ")
    check("banner and prompt", ok and "Outlay" in out, repr(out))
    check("definition persists", "10 USD" in (r.line("x = 5 USD") + r.line("x * 2")))
    check("_ is the last result", "11 USD" in r.line("_ + 1 USD"))
    out = r.line("1 USD + 1 hour")
    check("error is reported", "cannot add USD and time" in out and "^" in out, repr(out))
    check("error keeps the session and definitions", "5 USD" in r.line("x"))
    out = r.line("y = (1 +", prompt="...> ")
    check("open bracket continues on the next line", "...> " in out, repr(out))
    r.line("2)")
    check("multi-line definition", "3" in r.line("y"))
    out = r.line(":type 5 USD/hour")
    check(":type shows dimension and unit", "USD/time" in out and "USD/hour" in out, repr(out))
    out = r.line(":units accelerator")
    check(":units lists a dimension's units", "gpu" in out and "chip" in out, repr(out))
    out = r.line(":units time")
    # month is 730 hours = 2,628,000 s; a prefixed form (ks) is not listed as a unit of its own
    check(":units gives each unit in base units", "= 2,628,000 s" in out and "base unit" in out and "\nks " not in out, repr(out))
    out = r.line(":help units")
    check(":help units explains units", "730 hours" in out and ":units" in out, repr(out))
    check(":help", ":load" in r.line(":help"))
    out = r.line(":help contracts")
    # the clauses of billing cycles, true-ups, hourly reservations, plans, prepayment and the month
    for clause in ("billing = weekly|monthly|quarterly|yearly", "trued up yearly", "per hour|minute|second",
                   "plan NAME = AMOUNT per hour", "upfront = AMOUNT", "month = calendar | N hours", "read_usage(",
                   "% of reserved SKU", "escalating", "fx EUR in USD"):
        check(":help contracts shows " + clause, clause in out, repr(out))
    out = r.line(":help functions")
    check(":help functions lists the usage functions",
          all(f in out for f in ("read_usage(", "reconcile(", "postgres(", "convert(")), repr(out))
    r.line(":load " + loadme)
    check(":load keeps the file's definitions", "3 USD/(gpu*hour)" in r.line("loaded_rate"))
    r.line("w = 2 USD")
    r.line("w2 = w * 2")
    out = r.line("w = 5 USD")
    check("a name can be defined again", "error" not in out and "5 USD" in r.line("w"), repr(out))
    # by hand: w2 = w * 2 = 5 x 2 = 10 USD once w is 5 USD
    check("values computed from a redefined name follow it", "10 USD" in r.line("w2"))
    r.line("g_rate = 2 USD/(gpu*hour)")
    r.line("monthly = g_rate * 10 gpu * 730 hour")
    r.line("twice = monthly * 2")
    r.line("g_rate = 3 USD/(gpu*hour)")
    # by hand: 3 x 10 x 730 = 21,900 USD (it was 2 x 10 x 730 = 14,600), twice 43,800 USD
    check("a redefinition recomputes its dependents", "21,900 USD" in r.line("monthly") and "43,800 USD" in r.line("twice"))
    out = r.line(":explain monthly")
    check(":explain shows the new input beside the new total",
          "21,900 USD" in out and "3 USD/(gpu*hour)" in out and "14,600" not in out, repr(out))
    out = r.line(":load " + deal)
    check(":load labels the file's results", "cost = 14,600 USD" in out and "sweep gpus:" in out, repr(out))
    out = r.line(":load " + deal)
    check("an edited file can be loaded again", "error" not in out and "14,600 USD" in out, repr(out))
    badlib = os.path.join(state, "badlib.outlay")
    with open(badlib, "w") as f:
        f.write("partial = 1 USD\nbroken = partial + 1 hour\nnever = 3\n")
    r.line("k = 2")
    r.line("kcost = 10 USD / k")
    out = r.line(":load " + badlib)
    check("a file that fails part way reports the error", "cannot add USD and time" in out, repr(out))
    out = r.line("sweep k over [1, 2] { kcost }")
    # by hand: 10/1 = 10 USD, 10/2 = 5 USD; the definitions before the failure are replayed
    check("a sweep after a partly failed :load still runs", "10 USD" in out and "5 USD" in out and "error" not in out, repr(out))
    r.line("k = 1/0")
    check("a failed redefinition keeps the old value", "2" in r.line("k") and "unknown" not in r.line("k"))
    edited = os.path.join(state, "edited.outlay")
    with open(edited, "w") as f:
        f.write("edited_x = 1\n")
    r.line(":load " + edited)
    with open(edited, "w") as f:   # the same size: only the contents and the time change
        f.write("edited_x = 7\n")
    os.utime(edited, ns=(os.stat(edited).st_atime_ns, os.stat(edited).st_mtime_ns + 1000000))
    r.line(":load " + edited)
    check(":load of an edited file reads it again", "7" in r.line("edited_x"))
    broken = os.path.join(state, "broken.outlay")
    with open(broken, "w") as f:
        f.write("fixed_y = (\n")
    out = r.line('import "%s"' % broken)
    with open(broken, "w") as f:
        f.write("fixed_y = 9\n")
    r.line('import "%s"' % broken)
    check("an import that failed to parse can be made again once fixed", "9" in r.line("fixed_y"))
    out = r.line(":scenario chaep")
    check("an unknown scenario is refused", "unknown scenario" in out and "cheap" in out, repr(out))
    out = r.line(":load " + deal)
    check("a refused scenario does not apply", "14,600 USD" in out and "1,460 USD" in out, repr(out))
    r.line(":scenario cheap")
    out = r.line(":load " + deal)
    check(":scenario applies to what is loaded next, sweeps included", "7,300 USD" in out and "730 USD" in out, repr(out))
    r.line("total_budget = 7 USD")
    r.send("total_bu\t")
    time.sleep(0.3)
    out = r.line("")
    check("tab completes a defined name", "7 USD" in out, repr(out))
    r.send("1 +")
    time.sleep(0.2)
    r.send("\x03")
    r.read_until("outlay> ")
    out = r.line("40 + 2")
    check("Ctrl-C drops the partial line", "42" in out and "43" not in out, repr(out))
    r.line("z = (1 +", prompt="...> ")
    r.send("2")
    time.sleep(0.2)
    r.send("\x03")
    out, ok = r.read_until("outlay> ")
    check("Ctrl-C in multi-line input drops it and gives the first prompt back", ok, repr(out))
    out = r.line("z")
    check("the dropped multi-line input defined nothing", "unknown name" in out, repr(out))
    out = r.line(":names total_")
    check(":names lists the names defined, with values", "total_budget = 7 USD" in out and "gpu_rate" not in out, repr(out))
    r.line('spec = { memory = 80 GB, vendor = "NVIDIA" }')
    r.send("spec.mem\t")
    time.sleep(0.3)
    out = r.line("")
    check("tab completes a record field after the dot", "80 GB" in out, repr(out))
    reload_me = os.path.join(state, "reload.outlay")
    with open(reload_me, "w") as f:
        f.write("reload_v = 1\nshow reload_v\n")
    r.line(":load " + reload_me)
    with open(reload_me, "w") as f:
        f.write("reload_v = 2\nshow reload_v\n")
    os.utime(reload_me, ns=(os.stat(reload_me).st_atime_ns, os.stat(reload_me).st_mtime_ns + 1000000))
    out = r.line(":reload")
    check(":reload loads the edited files again", "reload_v = 2" in out and "reload_v = 1" not in out, repr(out))
    # the static pricing check of `outlay check`, on what a line defines: a usage its rate cannot price
    r.line("contract chk {", prompt="...> ")
    r.line("start = 2027-01-01", prompt="...> ")
    r.line("term = 1 month", prompt="...> ")
    r.line("rate gpu_hour = 2 USD/(gpu*hour)", prompt="...> ")
    out = r.line("}")
    check("a contract alone is not checked against nothing", "error" not in out, repr(out))
    out = r.line("workload bad { use gpu_hour = 8 GB }")
    check("a workload its contract cannot price is reported where it is defined",
          "usage of gpu_hour is in GB" in out and "8 GB" in out and "^" in out, repr(out))
    out = r.line("workload good { use gpu_hour = 8 gpu }")
    check("a workload that prices is quiet, and the earlier mismatch is not reported again", "error" not in out, repr(out))
    # by hand: 8 gpu x 744 hours (January 2027) x 2 USD/(gpu*hour) = 11,904 USD
    check("a checked workload prices", "11,904 USD" in r.line("price(good, chk).total"))
    out = r.line("contract chk2 { start = 2027-01-01; term = 1 month; rate gpu_hour = 3 USD/(gpu*hour) }")
    check("a contract is checked against the workloads defined before it", "usage of gpu_hour is in GB" in out, repr(out))
    r.line("(1 +", prompt="...> ")
    check("a multi-line entry runs", "21" in r.line("2) * 7"))
    r.send("\x10\r")   # Ctrl-P: the previous history entry, then Enter
    out, ok = r.read_until("outlay> ")
    # by hand: (1 + 2) * 7 = 21; recalled whole, it runs again without a continuation prompt
    check("a multi-line entry is recalled as one history entry", ok and "21" in out and "...> " not in out, repr(out))
    r.send("\x04")
    time.sleep(0.5)
    _, status = os.waitpid(r.pid, 0)
    check("Ctrl-D exits cleanly", os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, str(status))
    hist = os.path.join(state, "outlay", "history")
    check("history file in the XDG state directory", os.path.exists(hist) and "total_budget" in open(hist).read())
    entries = [e for e in open(hist).read().split("\n#") if e]
    check("the history file keeps a multi-line entry whole", any(e.endswith("\n(1 +\n2) * 7\n") for e in entries),
          repr(open(hist).read()[-200:]))
    p = subprocess.run([OUTLAY], input="a = 2 USD\nshow a * 3\n", capture_output=True, text=True)
    check("a program on stdin when it is not a terminal", p.returncode == 0 and p.stdout == "a * 3 = 6 USD\n", repr(p.stdout))
    print(f"repl: {passed} passed, {failed} failed")
    return 1 if failed else 0

sys.exit(main())
