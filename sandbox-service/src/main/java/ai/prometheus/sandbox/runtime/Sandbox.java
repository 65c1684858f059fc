package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.egress.RunEgress;
import ai.prometheus.sandbox.host.CgroupFiles;
import ai.prometheus.sandbox.host.HostProcesses;
import ai.prometheus.sandbox.host.SandboxCgroup;
import ai.prometheus.sandbox.launch.StartProfile;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One started sandbox: an isolated interpreter waiting for its code. It runs exactly one program
 * and is then destroyed, so nothing a run leaves behind (files, processes, memory) can reach the
 * next one.
 *
 * <p>Longer than most classes here, on purpose: it is the whole life of one process tree (start
 * handshake, joining the cgroups, feeding the code, the wall and output limits, the verdict's
 * evidence, the kill and the teardown), and these steps share one set of states whose order is
 * the safety argument (used once, the tree killed before its group is removed and its uid given
 * back); the usage sampling lives in {@link RunMonitor}, the limits' arithmetic in {@link Verdict}.
 */
final class Sandbox {

    /** The byte the bootstrap writes first, proving the interpreter started inside the sandbox. */
    static final int READY = 0x06;

    private static final long DRAIN_GRACE_MS = 2_000;
    /** How long bubblewrap gets to reap its child and exit once its child was killed; it takes about a millisecond. */
    private static final long BUBBLEWRAP_EXIT_MS = 500;
    /** What an empty pipe takes without blocking the writer, however small the kernel made it (one page). */
    private static final int PIPE_MINIMUM_CAPACITY = 4096;

    private final StartProfile profile;
    private final int uid;
    private volatile boolean startCutShort;
    private final SandboxCgroup cgroup;
    private final Process process;
    private final boolean isolated;
    private final int interpreterDepth;
    private final Runnable release;
    private final RunLimits groupLimits;
    private final RunEgress egress;
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private volatile boolean ready;
    private volatile long interpreterPid = -1;
    /** The started process and its first descendants down to the interpreter, once ready. */
    private volatile List<Long> chain = List.of();

    /**
     * {@code interpreterDepth}: how far below the started process the interpreter is (see
     * {@code SandboxLauncher#interpreterDepth}); {@code groupLimits}: the memory and process limits
     * {@code cgroup} was created with.
     */
    Sandbox(
            StartProfile profile,
            int uid,
            SandboxCgroup cgroup,
            Process process,
            boolean isolated,
            int interpreterDepth,
            RunLimits groupLimits,
            Runnable release) {
        this(profile, uid, cgroup, process, isolated, interpreterDepth, groupLimits, release, null);
    }

    /** {@code egress}: the run's way out through the egress proxy, or null for a run without network. */
    Sandbox(
            StartProfile profile,
            int uid,
            SandboxCgroup cgroup,
            Process process,
            boolean isolated,
            int interpreterDepth,
            RunLimits groupLimits,
            Runnable release,
            RunEgress egress) {
        this.egress = egress;
        this.interpreterDepth = interpreterDepth;
        this.profile = profile;
        this.groupLimits = groupLimits;
        this.uid = uid;
        this.cgroup = cgroup;
        this.process = process;
        this.isolated = isolated;
        this.release = release;
    }

    StartProfile profile() {
        return profile;
    }

    int uid() {
        return uid;
    }

    SandboxCgroup cgroup() {
        return cgroup;
    }

    boolean usable() {
        return ready && !used.get() && process.isAlive();
    }

    /**
     * Waits for the bootstrap's ready byte (the interpreter is up, isolated, waiting for code), then
     * moves the sandbox into its cgroups. Interpreters start outside them on purpose: the memory
     * limit and the usage then cover what the code does, not the interpreter's own start-up (tens of
     * megabytes for node), the same for warm and cold runs; nothing but the trusted bootstrap has run
     * yet. From here on, everything the sandbox does is limited and measured there.
     */
    boolean awaitReady(Duration timeout, ScheduledExecutorService timers) {
        ScheduledFuture<?> guard = timers.schedule(this::killStart, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ready = process.getInputStream().read() == READY && findInterpreter() && joinCgroups();
        } catch (IOException e) {
            ready = false;
        } finally {
            guard.cancel(false);
        }
        // The guard may have fired between the ready byte and its cancellation: what it killed is not ready.
        if (startCutShort) {
            ready = false;
        }
        if (!ready) {
            killTree();
        }
        return ready;
    }

    /** Finds the interpreter's host pid: each process on the way down has one child so far. */
    private boolean findInterpreter() {
        List<Long> found = new ArrayList<>(List.of(process.pid()));
        long pid = process.pid();
        for (int level = 0; level < interpreterDepth && pid > 0; level++) {
            pid = HostProcesses.firstChild(pid);
            found.add(pid);
        }
        interpreterPid = pid;
        if (pid > 0) {
            chain = List.copyOf(found);
        }
        return pid > 0;
    }

    /** Every process of the sandbox while it waits: the started one, the init if any, the interpreter. */
    List<Long> processes() {
        return chain;
    }

    /**
     * Only the interpreter: it is what runs the code; the init only waits for it. An interpreter
     * that is already gone (the start guard killed it: the run's wall limit was shorter than the
     * start) cannot join ("No such process"): not ready, which is not a failure of the platform.
     */
    private boolean joinCgroups() {
        for (java.nio.file.Path procs : cgroup.procsFiles()) {
            try {
                CgroupFiles.write(procs, Long.toString(interpreterPid));
            } catch (IllegalStateException refused) {
                if (ProcessHandle.of(interpreterPid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw refused;
                }
                return false;
            }
        }
        return true;
    }

    /** What the sandbox wrote on stderr before it failed to start, for the error message. */
    String startFailure() {
        killTree();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            return new String(process.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * Runs {@code code} with {@code stdin} under {@code limits} and blocks until it ended. The
     * clock started at {@code startNanos}: for a cold sandbox, before the process was started.
     */
    RunOutcome run(
            byte[] code,
            byte[] stdin,
            Map<String, String> environment,
            RunLimits limits,
            Workspace workspace,
            boolean warm,
            Instant startedAt,
            long startNanos,
            ExecutorService io,
            RunWatch watch) {
        if (!ready || !used.compareAndSet(false, true)) {
            throw new IllegalStateException("a sandbox runs one program only, once it is ready");
        }
        AtomicReference<Verdict.Kill> kill = new AtomicReference<>();
        long cpuBase = 0;
        if (cgroup.enforced()) {
            if (!carriesGroupLimitsOf(limits)) {
                try {
                    cgroup.limitMemory(limits.memoryBytes());
                } catch (IllegalStateException belowUsage) {
                    // The kernel refuses a limit below what the waiting interpreter already uses.
                    killTree();
                    return finish(
                            limits,
                            warm,
                            startedAt,
                            startNanos,
                            new Verdict.Observation(null, 137, 1, 0, 0, false, "", limits),
                            "",
                            "",
                            false,
                            false,
                            0,
                            0,
                            cgroup.peakMemoryBytes());
                }
                cgroup.limitProcesses(limits.maxProcesses());
            }
            // The group is this sandbox's alone and only the waiting bootstrap has run in it: its
            // OOM and task-limit counters are still 0; the CPU the bootstrap used since it joined is not the run's.
            cpuBase = warm ? Math.max(0, cgroup.cpuNanos()) : 0;
        }
        if (egress != null) {
            egress.onLimit(() -> stop(kill, Verdict.Kill.EGRESS));
        }
        OutputCapture output = new OutputCapture(limits.outputBytes(), () -> stop(kill, Verdict.Kill.OUTPUT), watch);
        Future<?> stdoutPump = io.submit(() -> output.pump(process.getInputStream(), output.stdout));
        Future<?> stderrPump = io.submit(() -> output.pump(process.getErrorStream(), output.stderr));
        byte[] header = header(code, environment);
        if (header.length + code.length + stdin.length <= PIPE_MINIMUM_CAPACITY) {
            // Fits the empty pipe: written at once, without waiting for an I/O thread.
            feed(header, code, stdin);
        } else {
            io.submit(() -> feed(header, code, stdin));
        }

        watch.onCancel(() -> stop(kill, Verdict.Kill.CANCELLED));
        RunMonitor monitor = new RunMonitor(
                limits,
                cpuBase,
                workspace,
                cgroup,
                interpreterPid,
                isolated && profile.processes() > 0 ? uid : -1,
                reason -> stop(kill, reason));
        try {
            awaitExit(kill, monitor, limits, startNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree();
        } finally {
            watch.onCancel(null);
        }
        drain(stdoutPump, stderrPump);

        long cpuNanos = cgroup.enforced() ? Math.max(0, cgroup.cpuNanos() - cpuBase) : monitor.cpuNanos();
        long peak = cgroup.enforced() ? cgroup.peakMemoryBytes() : monitor.peakBytes();
        int exitValue = process.isAlive() ? 137 : process.exitValue();
        String stderr = output.stderr.text();
        boolean workspaceFull = workspace != null && workspace.full();
        // Without a pids cgroup the uid's RLIMIT_NPROC is the limit, and a peak of the uid's tasks at it the evidence.
        long processLimitHits = cgroup.enforced()
                ? cgroup.processLimitHits()
                : profile.processes() > 0 && monitor.peakTasks() >= profile.processes() ? 1 : 0;
        Verdict.Observation seen = new Verdict.Observation(
                kill.get(),
                exitValue,
                cgroup.oomKills(),
                processLimitHits,
                cpuNanos / 1_000_000,
                workspaceFull,
                stderr,
                limits);
        return finish(
                limits,
                warm,
                startedAt,
                startNanos,
                seen,
                output.stdout.text(),
                stderr,
                output.stdout.truncated(),
                output.stderr.truncated(),
                output.seenBytes(),
                cpuNanos,
                peak);
    }

    /**
     * Waits for the program's end on the run's own thread, which keeps the wall clock (counted from
     * {@code startNanos}) and samples the usage every period in between: a trivial run ends within
     * its first wait, without a timer task to schedule, cancel and wake a thread for.
     */
    private void awaitExit(AtomicReference<Verdict.Kill> kill, RunMonitor monitor, RunLimits limits, long startNanos)
            throws InterruptedException {
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(limits.wallMs());
        long period = TimeUnit.MILLISECONDS.toNanos(Math.max(5, Math.min(100, limits.cpuMs() / 10)));
        long nextTick = System.nanoTime() + period;
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                stop(kill, Verdict.Kill.WALL);
                process.waitFor(10, TimeUnit.SECONDS);
                return;
            }
            if (now - nextTick >= 0) {
                monitor.tick();
                nextTick = now + period;
                continue;
            }
            if (process.waitFor(Math.min(deadline, nextTick) - now, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    /** Whether the cgroup was created with exactly these limits (a cold start), so nothing is left to write. */
    private boolean carriesGroupLimitsOf(RunLimits limits) {
        return groupLimits.memoryBytes() == limits.memoryBytes() && groupLimits.maxProcesses() == limits.maxProcesses();
    }

    private RunOutcome finish(
            RunLimits limits,
            boolean warm,
            Instant startedAt,
            long startNanos,
            Verdict.Observation seen,
            String stdout,
            String stderr,
            boolean stdoutTruncated,
            boolean stderrTruncated,
            long outputBytes,
            long cpuNanos,
            long peak) {
        long wallNanos = System.nanoTime() - startNanos;
        long wallMs = wallNanos / 1_000_000;
        Verdict.Decision decision = Verdict.decide(seen);
        ExecutionUsage usage = new ExecutionUsage(wallMs, cpuNanos / 1_000_000, Math.max(0, peak), outputBytes);
        String message = decision.message();
        if (decision.status() == ExecutionStatus.EGRESS_LIMIT && egress != null) {
            message = egress.limitExceeded().orElse("egress limit exceeded")
                    + "; its connections were cut and every process of the run was killed";
        }
        return new RunOutcome(
                decision.status(),
                decision.exitCode(),
                decision.signal(),
                stdout,
                stderr,
                stdoutTruncated,
                stderrTruncated,
                usage,
                message,
                warm,
                startedAt,
                startedAt.plusMillis(wallMs),
                egress == null ? null : egressRecords(),
                wallNanos);
    }

    /**
     * The run's connections once they are over: the namespace is gone, so every tunnel is closing;
     * the proxy records each as it ends, which may take it a moment after the run.
     */
    private java.util.List<ai.prometheus.shared.sandbox.EgressConnection> egressRecords() {
        egress.close();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        int expected = egress.admittedConnections();
        while (egress.connections().size() < expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return egress.connections();
    }

    /**
     * "length variables\n" and the variables as NUL-terminated NAME=VALUE entries: the bootstrap
     * exports them before it reads the code. They travel on the pipe, never on a command line or in
     * bubblewrap's environment, so other processes on the host cannot read them.
     */
    static byte[] header(byte[] code, Map<String, String> environment) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes((code.length + " " + environment.size() + "\n").getBytes(StandardCharsets.US_ASCII));
        environment.forEach((name, value) -> {
            header.writeBytes((name + "=" + value).getBytes(StandardCharsets.UTF_8));
            header.write(0);
        });
        return header.toByteArray();
    }

    /** Sends the header, the code, then stdin, and closes stdin: the program sees end of input. */
    private void feed(byte[] header, byte[] code, byte[] stdin) {
        try (OutputStream out = process.getOutputStream()) {
            out.write(header);
            out.write(code);
            out.write(stdin);
        } catch (IOException e) {
            // the program exited without reading everything: not an error of the platform
        }
    }

    private void drain(Future<?> stdoutPump, Future<?> stderrPump) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_GRACE_MS);
        for (Future<?> pump : new Future<?>[] {stdoutPump, stderrPump}) {
            try {
                pump.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // Something outside the run still holds the pipe (only possible without isolation).
                killTree();
                closeQuietly();
            } catch (Exception e) {
                // the pump ended with the pipe
            }
        }
    }

    private void stop(AtomicReference<Verdict.Kill> kill, Verdict.Kill reason) {
        if (kill.compareAndSet(null, reason)) {
            killTree();
        }
    }

    /**
     * Kills every process of the sandbox: bubblewrap's descendants, the namespace's init first (the
     * kernel then kills everything else in the namespace), whatever is in its cgroup, then
     * bubblewrap itself.
     */
    /**
     * Ends a start that ran out of time. The tree may be mid-fork then (bubblewrap cloning its
     * namespace init), so a process can be missing from the snapshot of descendants and outlive
     * the kill, holding the ready pipe open: every process of the run's own uid is ended too.
     */
    private void killStart() {
        startCutShort = true;
        killTree();
        HostProcesses.killOwnedBy(owner -> owner == uid);
    }

    /** Whether the start ran out of its time budget (and was killed for it). */
    boolean startCutShort() {
        return startCutShort;
    }

    void killTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        cgroup.pids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        if (isolated) {
            // bubblewrap reaps the namespace's init and exits by itself. Killed together with it, it
            // would leave the init's exit to the host's pid 1: a <defunct> process forever where
            // that is a JVM or anything else that does not reap.
            try {
                process.waitFor(BUBBLEWRAP_EXIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroyForcibly();
    }

    /** Kills what is left, removes the cgroup, and hands the uid back. Idempotent. */
    void destroy() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (process.isAlive() || !cgroup.pids().isEmpty()) {
                killTree();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            if (!isolated) {
                // Without a pid namespace an orphan can outlive its parent: sweep the uid.
                HostProcesses.killOwnedBy(owner -> owner == uid);
            }
            closeQuietly();
            if (egress != null) {
                egress.close();
            }
            cgroup.remove();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release.run();
        }
    }

    private void closeQuietly() {
        for (AutoCloseable stream :
                new AutoCloseable[] {process.getInputStream(), process.getErrorStream(), process.getOutputStream()}) {
            try {
                stream.close();
            } catch (Exception e) {
                // already closed
            }
        }
    }
}
