package ai.prometheus.sandbox.execution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sandboxes started for the pool wait in a cpu group of the lowest weight (cgroup v1 cpu.shares 2),
 * so a replacement's start yields to the request path; a run takes its sandbox out, with every one
 * of its processes, before the code runs; a sandbox started cold for a run never enters it. Looked
 * at from the host: each process's cpu group in /proc, and that group's weight.
 */
@QuarkusTest
@TestProfile(WarmPriorityTest.Low.class)
class WarmPriorityTest {

    public static class Low implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sandbox.pool.warm-priority", "low");
        }
    }

    private static final String LOW = "2";
    private static final String NORMAL = "1024";

    @Inject
    SandboxRuntime runtime;

    @BeforeEach
    void poolIsFull() {
        assumeTrue(cpuMount().isPresent(), "needs the cgroup v1 cpu controller");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) >= 1
                        && runtime.heldReplacements().getOrDefault("python", 0) == 0);
    }

    @Test
    void aPooledSandboxWaitsAtTheLowWeightAndRunsAtTheNormalOne() throws Exception {
        // A sandbox of an earlier test may still be torn down: only the pool's are left then.
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        pythons().stream().allMatch(pid -> chain(pid).stream().allMatch(p -> LOW.equals(weight(p)))));
        Set<Long> pooled = Set.copyOf(pythons());
        assertFalse(pooled.isEmpty());

        RunOutcome outcome = runHeld(runtime.defaults(), pid -> {
            assertTrue(pooled.contains(pid), "the run took a pooled sandbox");
            chain(pid).forEach(p -> assertEquals(NORMAL, weight(p), "process " + p + " of the running sandbox"));
        });

        assertTrue(outcome.warm());
        assertEquals("released\n", outcome.stdout());
    }

    @Test
    void aSandboxStartedColdForARunHasTheNormalWeightThroughout() throws Exception {
        RunLimits defaults = runtime.defaults();
        // Another workspace size: no pooled sandbox has this profile.
        RunLimits other = new RunLimits(
                defaults.cpuMs(),
                defaults.wallMs(),
                defaults.memoryMb(),
                defaults.maxProcesses(),
                defaults.outputBytes(),
                defaults.diskMb() + 1);

        RunOutcome outcome = runHeld(
                other,
                pid -> chain(pid)
                        .forEach(p -> assertEquals(NORMAL, weight(p), "process " + p + " of the cold sandbox")));

        assertFalse(outcome.warm());
        assertEquals("released\n", outcome.stdout());
    }

    /** What the test checks about the running interpreter's pid before it lets the run end. */
    private interface Check {
        void accept(long pid) throws Exception;
    }

    /**
     * Runs python code that marks its /tmp and waits there until a file appears; checks the
     * interpreter (found by the mark) while the code is running, then lets it end.
     */
    private RunOutcome runHeld(RunLimits limits, Check check) throws Exception {
        String mark = "mark-" + UUID.randomUUID();
        String code = """
                import os, time
                open('/tmp/%s', 'w').close()
                deadline = time.time() + 30
                while not os.path.exists('/tmp/go') and time.time() < deadline:
                    time.sleep(0.01)
                print('released' if os.path.exists('/tmp/go') else 'not released')
                """.formatted(mark);
        RunLimits slow = new RunLimits(
                limits.cpuMs(),
                60_000,
                limits.memoryMb(),
                limits.maxProcesses(),
                limits.outputBytes(),
                limits.diskMb());
        CompletableFuture<RunOutcome> run = CompletableFuture.supplyAsync(
                () -> runtime.run(Language.PYTHON, code.getBytes(StandardCharsets.UTF_8), new byte[0], slow, null));
        long[] found = {-1};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (long pid : pythons()) {
                if (Files.exists(Path.of("/proc", Long.toString(pid), "root", "tmp", mark))) {
                    found[0] = pid;
                    return true;
                }
            }
            return false;
        });
        try {
            check.accept(found[0]);
        } finally {
            Files.createFile(Path.of("/proc", Long.toString(found[0]), "root", "tmp", "go"));
        }
        return run.get();
    }

    /** Python interpreters this service started: its sandboxes' interpreters. */
    private static List<Long> pythons() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().orElse("").contains("python"))
                .map(ProcessHandle::pid)
                .collect(Collectors.toList());
    }

    /** The interpreter and its ancestors up to the service: the init, if any, and bubblewrap. */
    private static List<Long> chain(long interpreter) {
        List<Long> chain = new ArrayList<>();
        Optional<ProcessHandle> process = ProcessHandle.of(interpreter);
        while (process.isPresent()
                && process.get().pid() != ProcessHandle.current().pid()) {
            chain.add(process.get().pid());
            process = process.get().parent();
        }
        return chain;
    }

    /** The cpu.shares of the cpu group {@code pid} is in. */
    private static String weight(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                String[] fields = line.split(":", 3);
                if (fields.length == 3 && List.of(fields[1].split(",")).contains("cpu")) {
                    String relative = fields[2].startsWith("/") ? fields[2].substring(1) : fields[2];
                    Path group = relative.isEmpty()
                            ? cpuMount().orElseThrow()
                            : cpuMount().orElseThrow().resolve(relative);
                    return Files.readString(group.resolve("cpu.shares")).trim();
                }
            }
            return "none";
        } catch (IOException e) {
            return "gone";
        }
    }

    private static Optional<Path> cpuMount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length >= 4
                        && fields[2].equals("cgroup")
                        && List.of(fields[3].split(",")).contains("cpu")) {
                    return Optional.of(Path.of(fields[1]));
                }
            }
        } catch (IOException e) {
            // no mounts to read: no cgroups here
        }
        return Optional.empty();
    }
}
