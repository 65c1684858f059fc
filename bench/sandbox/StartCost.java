package ai.prometheus.bench.sandbox;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.host.CgroupFiles;
import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.host.HostDetection;
import ai.prometheus.sandbox.host.HostProcesses;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.host.SandboxCgroup;
import ai.prometheus.sandbox.launch.SandboxLauncher;
import ai.prometheus.sandbox.launch.StartProfile;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the CPU of one sandbox start goes, piece by piece, for python, node and bash: bare
 * processes (the floor: {@code /bin/true}, the bare interpreter, the interpreter with the flags and
 * bootstrap the service gives it), the sandbox exactly as the service starts it (the command line
 * from the service's launcher, {@code SandboxLauncher.command}, plus the cgroup placement a pooled
 * sandbox gets: three v1 groups or one v2 group created while the interpreter starts, its limits
 * written, the interpreter moved in after the ready byte, the usage read, the groups removed), and
 * the isolation chain running {@code /bin/true} with one feature left out at a time.
 *
 * <p>Variants run in batches, interleaved round by round (each round in another order), so machine
 * noise hits every row alike. Per batch: the CPU of the finished child processes, user and system
 * apart (cutime/cstime of /proc/self/stat) and their page faults (cminflt); this thread's own CPU
 * (the spawn, the cgroup files); and, read after a settle pause, the CPU of every kernel thread
 * (kworkers, ksoftirqd, rcu: the namespaces' and cgroups' teardown runs there, charged to no
 * process) and the interrupt and softirq time of /proc/stat, both net of the rate measured over
 * idle batches in the same run. Rows that leave a part out are for the breakdown only: the
 * service always runs the full sandbox.
 */
public final class StartCost {

    private static final long CLOCK_TICKS = 100;
    private static final long PF_KTHREAD = 0x00200000L;

    private static final Map<Language, String> CODE = Map.of(
            Language.PYTHON, "print(1)",
            Language.NODE, "console.log(1)",
            Language.BASH, "echo 1");

    /**
     * One row: a command; the language whose bootstrap it runs (ready byte, then code on stdin), or
     * null for a plain process; whether it gets the pooled sandbox's cgroups (interpreter at
     * {@code depth} generations below the started process).
     */
    private record Variant(List<String> command, Language bootstrap, boolean cgroups, int depth) {
        static Variant plain(List<String> command) {
            return new Variant(command, null, false, 0);
        }
    }

    /** Sums over the batches of one row. */
    private static final class Totals {
        long starts;
        long meterNanos;
        long sandboxGroupNanos;
        long meterUserTicks;
        long meterSystemTicks;
        long userTicks;
        long systemTicks;
        long faults;
        long threadNanos;
        long threadUserNanos;
        long kernelThreadTicks;
        long interruptTicks;
        long machineBusyTicks;
        double elapsedSeconds;
        final List<Double> walls = new ArrayList<>();
        /** Each batch's processes CPU per start (ms), for the spread between batches. */
        final List<Double> batches = new ArrayList<>();
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * A cgroup v1 cpuacct group holding only the measuring thread: every process it starts, and
     * theirs, is born in it, so the group counts their CPU whether or not anything reaps them (a
     * namespace's pid 1 is not always waited for, and then its rusage reaches nobody).
     */
    private record Meter(Path group, Path parent) {

        static Meter open() throws Exception {
            String mountPoint = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 3 && f[2].equals("cgroup") && List.of(f[3].split(",")).contains("cpuacct")) {
                    mountPoint = f[1];
                }
            }
            String own = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && List.of(f[1].split(",")).contains("cpuacct")) {
                    own = f[2];
                }
            }
            if (mountPoint == null || own == null) {
                throw new IllegalStateException("no cgroup v1 cpuacct hierarchy: the meter needs one");
            }
            Path parent = Path.of(mountPoint, own.substring(1));
            Path group = Files.createDirectories(parent.resolve("start-cost-" + ProcessHandle.current().pid()));
            Files.writeString(group.resolve("tasks"), threadId());
            return new Meter(group, parent);
        }

        private static String threadId() throws Exception {
            return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        }

        /** CPU nanoseconds, then user and system ticks, of everything in the group so far. */
        long[] read() throws Exception {
            long nanos = Long.parseLong(Files.readString(group.resolve("cpuacct.usage")).trim());
            long user = 0;
            long system = 0;
            for (String line : Files.readAllLines(group.resolve("cpuacct.stat"))) {
                String[] f = line.split(" ");
                if (f[0].equals("user")) {
                    user = Long.parseLong(f[1]);
                } else if (f[0].equals("system")) {
                    system = Long.parseLong(f[1]);
                }
            }
            return new long[] {nanos, user, system};
        }

        /** Moves every thread of the group back (the JDK's process reapers were born in it too) and removes it. */
        void close() throws Exception {
            for (String task : Files.readAllLines(group.resolve("tasks"))) {
                try {
                    Files.writeString(parent.resolve("tasks"), task.trim());
                } catch (java.io.IOException e) {
                    // ended meanwhile
                }
            }
            for (int attempt = 0; attempt < 250 && Files.exists(group); attempt++) {
                try {
                    Files.delete(group);
                } catch (java.io.IOException e) {
                    Thread.sleep(20);
                }
            }
        }
    }

    private static Meter meter;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 5);
        int batch = Integer.getInteger("batch", 20);
        long settleMs = Long.getLong("settleMs", 300);
        List<Language> languages = languages();
        System.setProperty("jdk.lang.Process.launchMechanism", "VFORK"); // as the service starts its sandboxes
        SandboxConfig config = RunnerBenchmark.config();
        Host host = HostDetection.detect(config, HostDetection.interpreters(config));
        try {
            boolean runTmpfs = host.kernelQuotaUnavailable().isEmpty();
            SandboxLauncher launcher = SandboxLauncher.forHost(host, config, runTmpfs);
            SandboxLauncher bwrapTmpfs = SandboxLauncher.forHost(host, config, false);
            int uid = host.uids().take(1_000);
            Map<String, Variant> variants = variants(config, host, launcher, bwrapTmpfs, uid, languages);
            // ROWS: only the rows whose name matches, for a focused comparison with more rounds.
            java.util.regex.Pattern rows = java.util.regex.Pattern.compile(System.getenv().getOrDefault("ROWS", ""));
            variants.keySet().removeIf(name -> !rows.matcher(name).find());
            meter = Meter.open();
            try {
                measure(config, host, variants, rounds, batch, settleMs);
            } finally {
                meter.close();
            }
        } finally {
            host.release();
        }
    }

    private static List<Language> languages() {
        List<Language> languages = new ArrayList<>();
        for (String name : System.getProperty("languages", "python,node,bash").split(",")) {
            Language.byName(name).ifPresent(languages::add);
        }
        return languages;
    }

    private static StartProfile poolProfile(SandboxConfig config, Host host, SandboxLauncher launcher, Language language) {
        // The pool's profile on a host with cgroups: the rlimits are backstops at the maxima.
        SandboxConfig.LimitValues max = config.limits().max();
        long disk = config.limits().defaults().diskMb() * 1024L * 1024L;
        int processes = host.root() ? max.maxProcesses() + 1 + launcher.helperProcesses() : 0;
        return new StartProfile(language, Math.max(1, (max.cpuMs() + 999) / 1000) + 1, disk, processes, 0, disk, null);
    }

    private static Map<String, Variant> variants(
            SandboxConfig config,
            Host host,
            SandboxLauncher launcher,
            SandboxLauncher bwrapTmpfs,
            int uid,
            List<Language> languages) {
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("bare: /bin/true (a process start)", Variant.plain(List.of("/bin/true")));
        boolean cgroups = host.cgroups().isPresent();
        int depth = launcher.interpreterDepth();
        for (Language language : languages) {
            List<String> interpreter = launcher.interpreterCommand(language);
            if (interpreter == null) {
                continue;
            }
            String executable = interpreter.get(0);
            String name = language.apiName();
            variants.put("bare " + name + ": " + trivialLabel(language), Variant.plain(trivial(language, executable)));
            variants.put(
                    "bare " + name + ": the service's flags and bootstrap",
                    new Variant(interpreter, language, false, 0));
            List<String> sandbox = launcher.command(poolProfile(config, host, launcher, language), uid, null);
            variants.put("sandbox " + name + ": as the service starts it", new Variant(sandbox, language, cgroups, depth));
            if (cgroups) {
                variants.put("sandbox " + name + ":   … without cgroup placement", new Variant(sandbox, language, false, depth));
            }
        }
        Language first = languages.get(0);
        List<String> sandbox = launcher.command(poolProfile(config, host, launcher, first), uid, null);
        List<String> interpreter = launcher.interpreterCommand(first);
        List<String> chain = sandbox.subList(0, sandbox.size() - interpreter.size());
        List<String> launch = new ArrayList<>(sandbox.subList(0, sandbox.indexOf("--") + 1));
        List<String> otherTmpfs = launcher.command(poolProfile(config, host, bwrapTmpfs, first), uid, null);
        otherTmpfs = otherTmpfs.subList(0, otherTmpfs.size() - interpreter.size());
        variants.put("sandbox-launch alone → /bin/true (the first step)", Variant.plain(with(launch, "/bin/true")));
        variants.put("chain → /bin/true (sandbox-launch, bwrap, init)", Variant.plain(with(chain, "/bin/true")));
        variants.put(
                "  … without the network namespace",
                Variant.plain(with(replace(chain, "--unshare-all", "--unshare-ipc", "--unshare-pid", "--unshare-uts",
                        "--unshare-cgroup-try"), "/bin/true")));
        variants.put(
                "  … without the init (the program is pid 1)", Variant.plain(with(withoutInit(chain), "/bin/true")));
        variants.put(
                "  … without the pid namespace and the init",
                Variant.plain(with(withoutInit(replace(chain, "--unshare-all", "--unshare-ipc", "--unshare-net",
                        "--unshare-uts", "--unshare-cgroup-try")), "/bin/true")));
        variants.put("  … without the seccomp filter", Variant.plain(with(withoutSeccomp(chain), "/bin/true")));
        variants.put("  … without --disable-userns", Variant.plain(with(replace(chain, "--disable-userns"), "/bin/true")));
        if (launcher.freshRunTmpfs()) {
            variants.put("  … bwrap's tmpfs mounts instead of the run's own tmpfs", Variant.plain(with(otherTmpfs, "/bin/true")));
        }
        variants.put("  … without /proc", Variant.plain(with(withoutOption(chain, "--proc", 1), "/bin/true")));
        variants.put("  … without the /dev view", Variant.plain(with(withoutDev(chain), "/bin/true")));
        variants.put("  … without the /etc binds (identity, ld.so.cache, alternatives)",
                Variant.plain(with(withoutEtc(chain), "/bin/true")));
        return variants;
    }

    private static String trivialLabel(Language language) {
        return switch (language) {
            case PYTHON -> "python3 -c 'print(1)'";
            case NODE -> "node -e 'console.log(1)'";
            case BASH -> "bash -c 'echo 1'";
        };
    }

    /** The bare interpreter running the same trivial program as the sandboxes, with no flags. */
    private static List<String> trivial(Language language, String executable) {
        return switch (language) {
            case PYTHON -> List.of(executable, "-c", CODE.get(language));
            case NODE -> List.of(executable, "-e", CODE.get(language));
            case BASH -> List.of(executable, "-c", CODE.get(language));
        };
    }

    private static void measure(
            SandboxConfig config, Host host, Map<String, Variant> variants, int rounds, int batch, long settleMs)
            throws Exception {
        Map<String, Totals> totals = new LinkedHashMap<>();
        for (Map.Entry<String, Variant> variant : variants.entrySet()) {
            run(config, host, variant.getValue(), new Totals()); // warm-up: page cache, the JIT of this loop
            totals.put(variant.getKey(), new Totals());
        }
        Totals idle = new Totals();
        String loadBefore = load();
        List<String> names = new ArrayList<>(variants.keySet());
        for (int round = 0; round < rounds; round++) {
            idleBatch(idle, settleMs + 700);
            List<String> order = new ArrayList<>(names);
            Collections.rotate(order, round * Math.max(1, names.size() / rounds));
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (String name : order) {
                batch(config, host, variants.get(name), totals.get(name), batch, settleMs);
            }
        }
        idleBatch(idle, settleMs + 700);
        report(totals, idle, rounds, batch, loadBefore);
    }

    private static void idleBatch(Totals idle, long millis) throws Exception {
        long[] before = machine();
        long kernelBefore = kernelThreadTicks();
        long start = System.nanoTime();
        Thread.sleep(millis);
        idle.elapsedSeconds += (System.nanoTime() - start) / 1e9;
        long[] after = machine();
        idle.kernelThreadTicks += kernelThreadTicks() - kernelBefore;
        idle.interruptTicks += after[1] - before[1];
        idle.machineBusyTicks += after[0] - before[0];
    }

    private static void batch(SandboxConfig config, Host host, Variant variant, Totals totals, int count, long settleMs)
            throws Exception {
        long[] machineBefore = machine();
        long kernelBefore = kernelThreadTicks();
        long[] childBefore = childTimes();
        long[] meterBefore = meter.read();
        long groupBefore = totals.sandboxGroupNanos;
        long threadBefore = THREADS.getCurrentThreadCpuTime();
        long threadUserBefore = THREADS.getCurrentThreadUserTime();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            totals.walls.add(run(config, host, variant, totals));
        }
        long[] meterAfter = meter.read();
        long groupAfter = totals.sandboxGroupNanos;
        totals.batches.add((meterAfter[0] - meterBefore[0] + groupAfter - groupBefore) / 1e6 / count
                - (THREADS.getCurrentThreadCpuTime() - threadBefore) / 1e6 / count);
        long[] childAfter = childTimes();
        totals.threadNanos += THREADS.getCurrentThreadCpuTime() - threadBefore;
        totals.threadUserNanos += THREADS.getCurrentThreadUserTime() - threadUserBefore;
        totals.meterNanos += meterAfter[0] - meterBefore[0];
        totals.meterUserTicks += meterAfter[1] - meterBefore[1];
        totals.meterSystemTicks += meterAfter[2] - meterBefore[2];
        Thread.sleep(settleMs); // the namespaces' and cgroups' teardown in the kernel's workers
        totals.elapsedSeconds += (System.nanoTime() - start) / 1e9;
        long[] machineAfter = machine();
        totals.kernelThreadTicks += kernelThreadTicks() - kernelBefore;
        totals.interruptTicks += machineAfter[1] - machineBefore[1];
        totals.machineBusyTicks += machineAfter[0] - machineBefore[0];
        totals.userTicks += childAfter[0] - childBefore[0];
        totals.systemTicks += childAfter[1] - childBefore[1];
        totals.faults += childAfter[2] - childBefore[2];
        totals.starts += count;
    }

    /** One start and run; its wall time in ms. */
    private static double run(SandboxConfig config, Host host, Variant variant, Totals totals) throws Exception {
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(variant.command()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process process = builder.start();
        SandboxCgroup group = SandboxCgroup.NONE;
        if (variant.cgroups()) {
            // As SandboxStarter: created and limited while the interpreter starts, with the pool's defaults.
            group = host.cgroups().orElseThrow().create("start-cost-" + process.pid());
            group.limitMemory(config.limits().defaults().memoryMb() * 1024L * 1024L);
            group.limitProcesses(config.limits().defaults().maxProcesses());
        }
        try {
            InputStream out = process.getInputStream();
            Language language = variant.bootstrap();
            if (language != null && out.read() != 0x06) {
                throw new IllegalStateException("no ready byte from " + variant.command().get(0) + ": "
                        + new String(out.readAllBytes(), StandardCharsets.UTF_8));
            }
            if (group != SandboxCgroup.NONE) {
                long pid = process.pid();
                for (int level = 0; level < variant.depth(); level++) {
                    pid = HostProcesses.firstChild(pid);
                }
                for (Path procs : group.procsFiles()) {
                    CgroupFiles.write(procs, Long.toString(pid));
                }
            }
            try (OutputStream in = process.getOutputStream()) {
                if (language != null) {
                    byte[] code = CODE.get(language).getBytes(StandardCharsets.UTF_8);
                    in.write((code.length + " 0\n").getBytes(StandardCharsets.US_ASCII));
                    in.write(code);
                }
            }
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0 || (language != null && !output.equals("1\n"))) {
                throw new IllegalStateException(variant.command() + " failed: " + output);
            }
            if (group != SandboxCgroup.NONE) {
                totals.sandboxGroupNanos += group.cpuNanos(); // what ran after the move, outside the meter
                group.peakMemoryBytes();
                group.oomKills();
                group.processLimitHits();
            }
        } finally {
            if (!group.remove()) {
                throw new IllegalStateException("cgroup " + group.name() + " not removed");
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static void report(Map<String, Totals> totals, Totals idle, int rounds, int batch, String loadBefore)
            throws Exception {
        double kernelRate = idle.kernelThreadTicks / idle.elapsedSeconds; // ticks per second
        double interruptRate = idle.interruptTicks / idle.elapsedSeconds;
        double busyRate = idle.machineBusyTicks / idle.elapsedSeconds;
        String[] descriptors = new File("/proc/self/fd").list();
        System.out.printf(
                "%nCPU per sandbox start, trivial program (print(1), console.log(1), echo 1) where a bootstrap runs;"
                        + " %d rounds × %d starts per row, interleaved; cores: %d; this JVM holds %d descriptors;"
                        + " load average %s at the start, %s at the end%n",
                rounds, batch, Runtime.getRuntime().availableProcessors(),
                descriptors == null ? -1 : descriptors.length, loadBefore, load());
        System.out.printf(
                "Idle baseline over %.1f s: kernel threads %.1f ms/s, irq+softirq %.1f ms/s; the whole machine was busy"
                        + " %.0f ms/s then (other work)%n%n",
                idle.elapsedSeconds, ticksToMs(kernelRate), ticksToMs(interruptRate), ticksToMs(busyRate));
        System.out.println("| what runs | processes ms (user / sys) | this thread | kernel threads | irq+softirq |"
                + " **total ms/start** | processes, batches p25–p75 | faults/start | wall p50 ms | reaped children's rusage (user / sys) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, Totals> row : totals.entrySet()) {
            Totals t = row.getValue();
            double n = t.starts;
            double thread = t.threadNanos / 1e6 / n;
            double threadUser = t.threadUserNanos / 1e6 / n;
            double processes = (t.meterNanos + t.sandboxGroupNanos) / 1e6 / n - thread;
            double user = ticksToMs(t.meterUserTicks) / n - threadUser;
            double system = ticksToMs(t.meterSystemTicks) / n - (thread - threadUser);
            double kernel = ticksToMs(t.kernelThreadTicks - kernelRate * t.elapsedSeconds) / n;
            double interrupts = ticksToMs(t.interruptTicks - interruptRate * t.elapsedSeconds) / n;
            double total = processes + thread + kernel + interrupts;
            System.out.printf("| %s | %.2f (%.1f / %.1f) | %.2f | %.2f | %.2f | **%.2f** | %.1f–%.1f | %.0f | %.2f | %.1f / %.1f |%n",
                    row.getKey(), processes, user, system, thread, kernel, interrupts, total,
                    quantile(t.batches, 0.25), quantile(t.batches, 0.75), t.faults / n,
                    p50(t.walls), ticksToMs(t.userTicks) / n, ticksToMs(t.systemTicks) / n);
        }
        System.out.println();
        System.out.println("processes: everything the measuring thread started, from a cpuacct group that holds only that"
                + " thread (ns; user / sys from its 10 ms ticks), plus, for rows with cgroup placement, what ran in the"
                + " sandbox's own group after the move; this thread: the JVM thread that spawns, writes the cgroup"
                + " files and reads the output; kernel threads: every kthread's CPU over each batch and a "
                + Long.getLong("settleMs", 300) + " ms settle after it, net of the idle rate, as is irq+softirq"
                + " (/proc/stat); faults: minor page faults of the reaped children (cminflt); the last column is the"
                + " reaped children's rusage, which misses a namespace's pid 1 that nobody waits for.");
    }

    private static double ticksToMs(double ticks) {
        return ticks * 1000.0 / CLOCK_TICKS;
    }

    /** cutime, cstime (ticks) and cminflt of this JVM: what its finished children used. */
    private static long[] childTimes() throws Exception {
        String[] fields = statFields(Files.readString(Path.of("/proc/self/stat")));
        return new long[] {Long.parseLong(fields[13]), Long.parseLong(fields[14]), Long.parseLong(fields[8])};
    }

    /** The fields after the command name: index 0 is the state (field 3 of proc(5)). */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** utime + stime of every kernel thread, in ticks. */
    private static long kernelThreadTicks() {
        long sum = 0;
        File[] entries = new File("/proc").listFiles();
        if (entries == null) {
            return 0;
        }
        for (File entry : entries) {
            String name = entry.getName();
            if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                continue;
            }
            try {
                String[] fields = statFields(Files.readString(Path.of("/proc", name, "stat")));
                if ((Long.parseLong(fields[6]) & PF_KTHREAD) != 0) {
                    sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            } catch (Exception e) {
                // ended meanwhile
            }
        }
        return sum;
    }

    /** Busy ticks of all CPUs (everything but idle and iowait) and their irq + softirq ticks, from /proc/stat. */
    private static long[] machine() throws Exception {
        String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = line.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return new long[] {busy, Long.parseLong(f[6]) + Long.parseLong(f[7])};
    }

    private static double p50(List<Double> walls) {
        return quantile(walls, 0.5);
    }

    private static double quantile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    private static String load() throws Exception {
        return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    }

    private static List<String> with(List<String> prefix, String program) {
        List<String> command = new ArrayList<>(prefix);
        command.add(program);
        return command;
    }

    /** {@code command} with {@code argument} replaced by {@code replacements} (or removed). */
    private static List<String> replace(List<String> command, String argument, String... replacements) {
        List<String> result = new ArrayList<>();
        for (String part : command) {
            if (part.equals(argument)) {
                result.addAll(List.of(replacements));
            } else {
                result.add(part);
            }
        }
        return result;
    }

    /** Without every occurrence of {@code option} and its {@code values} arguments. */
    private static List<String> withoutOption(List<String> command, String option, int values) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).equals(option)) {
                i += values;
                continue;
            }
            result.add(command.get(i));
        }
        return result;
    }

    /** Without bubblewrap's --as-pid-1 and the init's own arguments: the program runs as bubblewrap's child. */
    private static List<String> withoutInit(List<String> command) {
        List<String> result = new ArrayList<>(replace(command, "--as-pid-1"));
        int init = result.indexOf("--init");
        if (init > 0) {
            result.subList(init - 1, init + 2).clear(); // INIT --init --
        }
        return result;
    }

    private static List<String> withoutSeccomp(List<String> command) {
        List<String> result = new ArrayList<>();
        for (String part : withoutOption(command, "--seccomp", 1)) {
            if (!part.startsWith("--fd3=")) {
                result.add(part);
            }
        }
        return result;
    }

    /** Without /dev (its tmpfs, device binds, links and read-only remount); /dev/shm stays, on a directory bubblewrap makes. */
    private static List<String> withoutDev(List<String> command) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String part = command.get(i);
            boolean devTarget = i + 1 < command.size() && command.get(i + 1).equals("/dev");
            if ((part.equals("--tmpfs") || part.equals("--remount-ro")) && devTarget) {
                i += 1;
                continue;
            }
            if (part.equals("--dev-bind-try") || (part.equals("--symlink") && command.get(i + 2).startsWith("/dev/"))) {
                i += 2;
                continue;
            }
            result.add(part);
        }
        return result;
    }

    /** Without the read-only binds onto /etc. */
    private static List<String> withoutEtc(List<String> command) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String part = command.get(i);
            if ((part.equals("--ro-bind") || part.equals("--ro-bind-try")) && command.get(i + 2).startsWith("/etc")) {
                i += 2;
                continue;
            }
            result.add(part);
        }
        return result;
    }
}
