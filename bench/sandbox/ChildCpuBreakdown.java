package ai.prometheus.bench.sandbox;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.host.HostDetection;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.launch.SandboxLauncher;
import ai.prometheus.sandbox.launch.StartProfile;
import java.io.InputStream;
import java.io.OutputStream;
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
 * Where the child-process CPU of one sandbox goes: the sandbox's own command line (taken from the
 * service's launcher, so it is exactly what a pooled python sandbox runs), and the same with one
 * part left out or replaced, next to bare processes (the floor), all measured round-robin in one
 * run so that machine noise hits every row alike. Per row: the CPU of the finished child
 * processes (cutime + cstime of /proc/self/stat, with everything they waited for), their page
 * faults (cminflt), and the wall time from start to exit. Rows without isolation or with a part
 * left out are for the breakdown only: the service always runs the full sandbox.
 */
public final class ChildCpuBreakdown {

    private static final byte[] CODE = "print(1)".getBytes(StandardCharsets.US_ASCII);
    private static final long CLOCK_TICKS = 100;

    /** One row: a command, and whether it runs the bootstrap (ready byte, then the code on stdin). */
    private record Variant(List<String> command, boolean bootstrap) {}

    private record Sample(double wallMs, long ticks, long faults) {}

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("runs", 100);
        // As the service starts its sandboxes (SandboxRuntime sets it there).
        System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        SandboxConfig config = RunnerBenchmark.config();
        Host host = HostDetection.detect(config, HostDetection.interpreters(config));
        try {
            SandboxLauncher launcher =
                    SandboxLauncher.forHost(host, config, host.kernelQuotaUnavailable().isEmpty());
            int uid = host.uids().take(1_000);
            measure(config, host, launcher, uid, runs);
        } finally {
            host.release();
        }
    }

    private static void measure(SandboxConfig config, Host host, SandboxLauncher launcher, int uid, int runs)
            throws Exception {
        // The pool's profile on a host with cgroups: the rlimits are backstops at the maxima.
        SandboxConfig.LimitValues max = config.limits().max();
        long disk = config.limits().defaults().diskMb() * 1024L * 1024L;
        int processes = host.root() ? max.maxProcesses() + 1 + launcher.helperProcesses() : 0;
        StartProfile profile = new StartProfile(
                Language.PYTHON, Math.max(1, (max.cpuMs() + 999) / 1000) + 1, disk, processes, 0, disk, null);
        List<String> sandbox = launcher.command(profile, uid, null);
        List<String> interpreter = launcher.interpreterCommand(Language.PYTHON);
        List<String> chain = sandbox.subList(0, sandbox.size() - interpreter.size());
        String python = interpreter.get(0);
        List<String> before = Language.PYTHON.command(python, Optional.empty());
        List<String> launch = new ArrayList<>(sandbox.subList(0, sandbox.indexOf("--") + 1));

        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("bare: /bin/true (a process start)", new Variant(List.of("/bin/true"), false));
        variants.put("bare: python3 -c pass", new Variant(List.of(python, "-c", "pass"), false));
        variants.put("bare: python3 -E -s -c pass", new Variant(List.of(python, "-E", "-s", "-c", "pass"), false));
        variants.put(
                "bare: python3 -E -s -S -c pass", new Variant(List.of(python, "-E", "-s", "-S", "-c", "pass"), false));
        variants.put("bare: python3 -I -S -c pass", new Variant(List.of(python, "-I", "-S", "-c", "pass"), false));
        variants.put("bare: interpreter + bootstrap, site at start (before)", new Variant(before, true));
        variants.put("bare: interpreter + bootstrap, as the sandbox starts it", new Variant(interpreter, true));
        variants.put("sandbox-launch alone → /bin/true", new Variant(with(launch, "/bin/true"), false));
        variants.put("sandbox chain → /bin/true", new Variant(with(chain, "/bin/true"), false));
        variants.put(
                "  … without its network namespace",
                new Variant(with(replace(chain, "--unshare-all", "--unshare-ipc", "--unshare-pid", "--unshare-uts",
                        "--unshare-cgroup-try"), "/bin/true"), false));
        variants.put(
                "  … without pid namespace and init",
                new Variant(with(withoutInit(replace(chain, "--unshare-all", "--unshare-ipc", "--unshare-net",
                        "--unshare-uts", "--unshare-cgroup-try")), "/bin/true"), false));
        variants.put("  … without the seccomp filter", new Variant(with(withoutSeccomp(chain), "/bin/true"), false));
        variants.put("  … without --disable-userns", new Variant(with(replace(chain, "--disable-userns"), "/bin/true"),
                false));
        variants.put("full sandbox, python, site at start (before)", new Variant(concat(chain, before), true));
        variants.put("full sandbox, python, as the service starts it", new Variant(sandbox, true));

        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (Map.Entry<String, Variant> variant : variants.entrySet()) {
            run(variant.getValue()); // warm-up: page cache, the JIT of this loop
            samples.put(variant.getKey(), new ArrayList<>());
        }
        String loadBefore = load();
        for (int i = 0; i < runs; i++) {
            for (Map.Entry<String, Variant> variant : variants.entrySet()) {
                samples.get(variant.getKey()).add(run(variant.getValue()));
            }
        }
        System.out.printf(
                "%nChild-process CPU of one sandbox start and trivial python run (print(1)), %d round-robin runs per"
                        + " row; cores: %d; load average %s at the start, %s at the end%n%n",
                runs, Runtime.getRuntime().availableProcessors(), loadBefore, load());
        double full = cpuMs(samples.get("full sandbox, python, as the service starts it"));
        System.out.println("| what runs | child CPU ms/run | page faults/run | wall p50 ms | of the full sandbox |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Sample>> row : samples.entrySet()) {
            List<Sample> rows = row.getValue();
            double cpu = cpuMs(rows);
            System.out.printf("| %s | %.2f | %.0f | %.2f | %.0f%% |%n", row.getKey(), cpu,
                    rows.stream().mapToLong(Sample::faults).average().orElse(0), wallP50(rows), 100 * cpu / full);
        }
        double chainOnly = cpuMs(samples.get("sandbox chain → /bin/true")) - cpuMs(samples.get("bare: /bin/true (a process start)"));
        System.out.printf("%nThe isolation chain (sandbox-launch, bubblewrap, init; chain → true minus a bare true): %.2f ms;"
                        + " the interpreter with its bootstrap: %.2f ms before, %.2f ms now; the bare floor"
                        + " (python3 -c pass): %.2f ms%n",
                chainOnly,
                cpuMs(samples.get("bare: interpreter + bootstrap, site at start (before)")),
                cpuMs(samples.get("bare: interpreter + bootstrap, as the sandbox starts it")),
                cpuMs(samples.get("bare: python3 -c pass")));
    }

    private static Sample run(Variant variant) throws Exception {
        long[] before = childTimes();
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(variant.command()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        builder.environment().put("LANG", "C.UTF-8");
        Process process = builder.start();
        InputStream out = process.getInputStream();
        if (variant.bootstrap() && out.read() != 0x06) {
            throw new IllegalStateException("no ready byte from " + variant.command().get(0) + ": "
                    + new String(out.readAllBytes(), StandardCharsets.UTF_8));
        }
        try (OutputStream in = process.getOutputStream()) {
            if (variant.bootstrap()) {
                in.write((CODE.length + " 0\n").getBytes(StandardCharsets.US_ASCII));
                in.write(CODE);
            }
        }
        String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || (variant.bootstrap() && !output.equals("1\n"))) {
            throw new IllegalStateException(variant.command() + " failed: " + output);
        }
        double wall = (System.nanoTime() - start) / 1e6;
        long[] after = childTimes();
        return new Sample(wall, after[0] - before[0], after[1] - before[1]);
    }

    /** cutime + cstime (ticks) and cminflt of this JVM: what its finished children used. */
    private static long[] childTimes() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[13]) + Long.parseLong(fields[14]), Long.parseLong(fields[8])};
    }

    private static double cpuMs(List<Sample> samples) {
        return samples.stream().mapToLong(Sample::ticks).sum() * 1000.0 / CLOCK_TICKS / samples.size();
    }

    private static double wallP50(List<Sample> samples) {
        List<Double> walls = new ArrayList<>(samples.stream().map(Sample::wallMs).toList());
        Collections.sort(walls);
        return walls.get(walls.size() / 2);
    }

    private static String load() throws Exception {
        return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    }

    private static List<String> with(List<String> prefix, String program) {
        List<String> command = new ArrayList<>(prefix);
        command.add(program);
        return command;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> command = new ArrayList<>(first);
        command.addAll(second);
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
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).startsWith("--fd3=")) {
                continue;
            }
            if (command.get(i).equals("--seccomp")) {
                i++;
                continue;
            }
            result.add(command.get(i));
        }
        return result;
    }
}
