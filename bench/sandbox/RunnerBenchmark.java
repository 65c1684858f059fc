package ai.prometheus.bench.sandbox;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.host.HostDetection;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.launch.SandboxLauncher;
import ai.prometheus.sandbox.launch.StartProfile;
import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Measures the sandbox runner against bare interpreter processes: a trivial program per language,
 * bare on the host, through a pre-started (warm) sandbox, and through a cold one, measured
 * alternately so that machine noise hits all three alike; then sustained runs per second with the
 * default pool. Uses the service's own SandboxRuntime and configuration, in process, through their
 * public API only; the chain alone is started through the public launcher on a host detected for it.
 */
public final class RunnerBenchmark {

    private static final Map<Language, String> TRIVIAL = Map.of(
            Language.PYTHON, "print(1)",
            Language.NODE, "console.log(1)",
            Language.BASH, "echo 1");

    /** The byte the sandbox bootstrap writes once the interpreter waits for its code. */
    private static final int READY = 0x06;

    /** The chain alone: a launcher on a host of its own (its own uid block), and one of its uids. */
    private record Chain(Host host, SandboxLauncher launcher, int uid) {
    }

    private static Chain chain;

    public static void main(String[] args) throws Exception {
        int iterations = Integer.parseInt(System.getProperty("iterations", "40"));
        int sustainedRuns = Integer.parseInt(System.getProperty("sustained", "400"));
        boolean latencies = !Boolean.getBoolean("sustainedOnly");
        SandboxConfig config = config();
        SandboxRuntime runtime = new SandboxRuntime(config);
        runtime.open();
        try {
            if (!runtime.status().ready()) {
                System.err.println("The sandbox is not ready: " + runtime.status().detail());
                System.exit(2);
            }
            System.out.printf("%nSandbox: %s%n", runtime.status().detail());
            String[] descriptors = new File("/proc/self/fd").list();
            System.out.printf("Cores: %d; %d alternating iterations per language; pool size %s; this JVM holds %d"
                    + " file descriptors (each process start copies them)%n%n",
                    Runtime.getRuntime().availableProcessors(), iterations, runtime.warmSandboxes(),
                    descriptors == null ? -1 : descriptors.length);
            if (latencies) {
                Host host = HostDetection.detect(config, HostDetection.interpreters(config));
                chain = new Chain(host, SandboxLauncher.forHost(host, config, host.kernelQuotaUnavailable().isEmpty()),
                        host.uids().take(1_000));
                latencies(runtime, iterations);
                System.out.println();
            }
            for (Language language : languages()) {
                if (runtime.supports(language) && sustainedRuns > 0) {
                    sustained(runtime, language, sustainedRuns);
                }
            }
        } finally {
            if (chain != null) {
                chain.host().release();
            }
            runtime.close();
        }
    }

    private static void latencies(SandboxRuntime runtime, int iterations) throws Exception {
        RunLimits defaults = runtime.defaults();
        // A workspace size nobody pre-starts sandboxes for: always the cold path.
        RunLimits coldLimits = new RunLimits(defaults.cpuMs(), defaults.wallMs(), defaults.memoryMb(),
                defaults.maxProcesses(), defaults.outputBytes(), defaults.diskMb() - 1);
        System.out.println("| language | bare p50 | bare p90 | warm p50 | warm p90 | cold p50 | cold p90 | warm/bare p50 | cold/bare p50 | chain p50 | chain/bare p50 |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Language language : languages()) {
            if (!runtime.supports(language)) {
                continue;
            }
            byte[] code = TRIVIAL.get(language).getBytes(StandardCharsets.UTF_8);
            Map<String, List<Double>> samples = new HashMap<>();
            for (String kind : List.of("bare", "warm", "cold", "chain")) {
                samples.put(kind, new ArrayList<>());
            }
            // Warm-up: first runs pay class loading and page-cache misses.
            for (int i = 0; i < 3; i++) {
                bare(language, TRIVIAL.get(language));
                runtime.run(language, code, new byte[0], coldLimits, null);
            }
            // Each measurement starts once the pool is full again, so none competes with a refill.
            for (int i = 0; i < iterations; i++) {
                awaitWarm(runtime, language);
                samples.get("bare").add(bare(language, TRIVIAL.get(language)));
                samples.get("warm").add(timed(runtime, language, code, defaults, true));
                awaitWarm(runtime, language);
                samples.get("cold").add(timed(runtime, language, code, coldLimits, false));
                samples.get("chain").add(chainOnly(runtime, language, code, coldLimits));
            }
            double bare = percentile(samples.get("bare"), 50);
            double warm = percentile(samples.get("warm"), 50);
            double cold = percentile(samples.get("cold"), 50);
            double chain = percentile(samples.get("chain"), 50);
            System.out.printf("| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f× | %.2f× | %.1f ms | %.2f× |%n",
                    language.apiName(), bare, percentile(samples.get("bare"), 90), warm, percentile(samples.get("warm"), 90),
                    cold, percentile(samples.get("cold"), 90), warm / bare, cold / bare, chain, chain / bare);
        }
    }

    /** The languages to measure: {@code -Dlanguages=python,bash}, all by default. */
    private static List<Language> languages() {
        String names = System.getProperty("languages", "python,node,bash");
        return java.util.Arrays.stream(names.split(",")).map(name -> Language.byName(name).orElseThrow(
                () -> new IllegalArgumentException("unknown language " + name))).toList();
    }

    private static double timed(SandboxRuntime runtime, Language language, byte[] code, RunLimits limits, boolean warm) {
        long start = System.nanoTime();
        RunOutcome outcome = runtime.run(language, code, new byte[0], limits, null);
        double millis = (System.nanoTime() - start) / 1e6;
        if (outcome.status() != ai.prometheus.shared.sandbox.ExecutionStatus.OK || outcome.warm() != warm) {
            throw new IllegalStateException(language + " run ended " + outcome.status() + " (warm " + outcome.warm()
                    + "): " + outcome.message() + " " + outcome.stderr());
        }
        return millis;
    }

    /**
     * The floor under every cold start: the same sandbox process chain (sandbox-launch, bubblewrap
     * with the service's namespaces, view and seccomp filter, the interpreter and its bootstrap),
     * started and fed as the runner does, but without cgroups, limits, monitoring or pool.
     */
    private static double chainOnly(SandboxRuntime runtime, Language language, byte[] code, RunLimits limits)
            throws Exception {
        long start = System.nanoTime();
        Process process = chain.launcher().start(chainProfile(language, limits), chain.uid(), null);
        InputStream out = process.getInputStream();
        if (out.read() != READY) {
            throw new IllegalStateException("the chain did not start: " + new String(process.getErrorStream().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        try (java.io.OutputStream in = process.getOutputStream()) {
            in.write((code.length + "\n").getBytes(StandardCharsets.US_ASCII));
            in.write(code);
        }
        out.readAllBytes();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the chain's " + language + " run failed");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** The rlimits the runtime gives a run with {@code limits} on a host with cgroups (the backstops at the limits). */
    private static StartProfile chainProfile(Language language, RunLimits limits) {
        long seconds = Math.max(1, (limits.cpuMs() + 999) / 1000) + 1;
        int processes = chain.host().root() ? limits.maxProcesses() + 1 + chain.launcher().helperProcesses() : 0;
        return new StartProfile(language, seconds, limits.diskBytes(), processes, 0, limits.diskBytes(), null);
    }

    /** The same program as a plain process with a clean environment, started and awaited the same way. */
    private static double bare(Language language, String code) throws Exception {
        List<String> command = switch (language) {
            case PYTHON -> List.of(language.defaultExecutable(), "-E", "-s", "-c", code);
            case NODE -> List.of(language.defaultExecutable(), "-e", code);
            case BASH -> List.of(language.defaultExecutable(), "-c", code);
        };
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("LANG", "C.UTF-8");
        Process process = builder.start();
        try (InputStream out = process.getInputStream()) {
            out.readAllBytes();
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("bare " + language + " failed");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static void sustained(SandboxRuntime runtime, Language language, int runs) throws Exception {
        int threads = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
        // -DsustainedCode / -DsustainedStdin: other code than the trivial program, e.g. the tool the
        // invocation benchmark runs, so the suite's rate is compared with the runner's for the same work.
        String source = System.getProperty("sustainedCode", "");
        byte[] code = (source.isEmpty() ? TRIVIAL.get(language) : source).getBytes(StandardCharsets.UTF_8);
        byte[] stdin = System.getProperty("sustainedStdin", "").getBytes(StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<Boolean, Integer> served = new HashMap<>(Map.of(true, 0, false, 0));
        // Warm-up (-Dwarmup, runs): class loading and the JIT's compilations, which a long-running
        // service has behind it, stay out of the figures.
        int warmup = Integer.getInteger("warmup", 0);
        List<Future<RunOutcome>> warming = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
            warming.add(pool.submit(() -> runtime.run(language, code, stdin, runtime.defaults(), null)));
        }
        for (Future<RunOutcome> future : warming) {
            future.get();
        }
        if (warmup > 0) {
            Thread.sleep(1_000); // the pool refilled, the warm-up's teardowns done
        }
        Map<String, long[]> threadsBefore = threadTicks();
        long start = System.nanoTime();
        long jvmCpuBefore = jvmCpuNanos();
        long childCpuBefore = childCpuTicks();
        List<Future<RunOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            futures.add(pool.submit(() -> runtime.run(language, code, stdin, runtime.defaults(), null)));
        }
        int failed = 0;
        for (Future<RunOutcome> future : futures) {
            RunOutcome outcome = future.get();
            if (outcome.status() != ai.prometheus.shared.sandbox.ExecutionStatus.OK && failed++ == 0) {
                System.out.printf("First failed %s run: %s %s %s%n", language.apiName(), outcome.status(),
                        outcome.message(), outcome.stderr().strip());
            }
            served.merge(outcome.warm(), 1, Integer::sum);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double jvmCpuPerRun = (jvmCpuNanos() - jvmCpuBefore) / 1e6 / runs;
        double childCpuPerRun = (childCpuTicks() - childCpuBefore) * 1000.0 / CLOCK_TICKS / runs;
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        if (!source.isEmpty()) {
            System.out.println("Sustained runs of the given code (-DsustainedCode), " + stdin.length + " bytes on stdin:");
        }
        System.out.printf("Sustained %s: %d runs on %d threads in %.2f s = %.0f runs/s (%d warm, %d cold, %d failed;"
                + " the service's JVM used %.1f ms of CPU per run, its finished child processes %.1f ms)%n",
                language.apiName(), runs, threads, seconds, runs / seconds, served.get(true), served.get(false), failed,
                jvmCpuPerRun, childCpuPerRun);
        System.out.println("  the JVM's CPU per run by thread, user / system ms: " + byThread(threadsBefore, threadTicks(), runs));
    }

    /** User and system clock ticks per thread name (pool numbers stripped, so a pool's threads add up), from /proc. */
    private static Map<String, long[]> threadTicks() {
        Map<String, long[]> ticks = new TreeMap<>();
        File[] tasks = new File("/proc/self/task").listFiles();
        for (File task : tasks == null ? new File[0] : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                        .replaceAll("[0-9#-]+$", "").strip();
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long[] sum = ticks.computeIfAbsent(name, n -> new long[2]);
                sum[0] += Long.parseLong(fields[11]);
                sum[1] += Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return ticks;
    }

    private static String byThread(Map<String, long[]> before, Map<String, long[]> after, int runs) {
        List<String> parts = new ArrayList<>();
        after.forEach((name, ticks) -> {
            long[] was = before.getOrDefault(name, new long[2]);
            double user = (ticks[0] - was[0]) * 1000.0 / CLOCK_TICKS / runs;
            double system = (ticks[1] - was[1]) * 1000.0 / CLOCK_TICKS / runs;
            if (user + system >= 0.05) {
                parts.add(String.format("%s %.2f / %.2f", name, user, system));
            }
        });
        return String.join(", ", parts);
    }

    /** USER_HZ: the unit of the CPU times in /proc; 100 on every Linux this runs on. */
    private static final long CLOCK_TICKS = 100;

    /**
     * CPU of the child processes this JVM has waited for, with theirs (cutime + cstime of
     * /proc/self/stat): the sandboxes' launchers, bubblewrap and the interpreters.
     */
    private static long childCpuTicks() {
        try {
            String stat = Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long jvmCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static void awaitWarm(SandboxRuntime runtime, Language language) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runtime.warmSandboxes().getOrDefault(language.apiName(), 0) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** The service's own configuration (application.properties defaults, overridable by -D and environment). */
    static SandboxConfig config() throws Exception {
        java.util.Properties properties = new java.util.Properties();
        try (InputStream in = RunnerBenchmark.class.getClassLoader().getResourceAsStream("application.properties")) {
            properties.load(in);
        }
        Map<String, String> values = new HashMap<>();
        properties.forEach((key, value) -> {
            if (!key.toString().startsWith("%")) {
                values.put(key.toString(), value.toString());
            }
        });
        values.putIfAbsent("sandbox.state-dir", System.getProperty("java.io.tmpdir") + "/prometheus-sandbox-bench");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addSystemSources()
                .withSources(new PropertiesConfigSource(values, "application.properties", 100))
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(SandboxConfig.class)
                .withValidateUnknown(false)
                .build();
        return config.getConfigMapping(SandboxConfig.class);
    }
}
