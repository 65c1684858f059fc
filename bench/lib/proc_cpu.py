"""CPU time of a process read from /proc, shared by the CPU benchmarks (bench/sandbox/cpu.sh,
bench/invocation/cpu.sh)."""
import os

TICKS = os.sysconf("SC_CLK_TCK")


def _times(stat):
    """The fields after the command name of a /proc stat line (the name may hold spaces)."""
    return stat[stat.rindex(")") + 2:].split()


def cpu(pid):
    """(own, children) CPU of a process in ms: utime + stime, and cutime + cstime of the child
    processes it waited for."""
    with open("/proc/%d/stat" % pid) as f:
        fields = _times(f.read())
    return ((int(fields[11]) + int(fields[12])) * 1000.0 / TICKS,
            (int(fields[13]) + int(fields[14])) * 1000.0 / TICKS)


def threads(pid):
    """CPU in ms per thread name (numbers stripped, so a pool's threads add up)."""
    by_name = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                stat = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")].rstrip("0123456789-#").strip() or "?"
        fields = _times(stat)
        by_name[name] = by_name.get(name, 0) + (int(fields[11]) + int(fields[12])) * 1000.0 / TICKS
    return by_name
