package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile code, run for real through the API with the safety screen only warning: every case
 * asserts that it was contained and how it was classified. After each case no process and no
 * cgroup of it is left; after the whole corpus the service is healthy and a normal run succeeds.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileCorpusTest {

    @Inject
    SandboxRuntime runtime;

    @AfterEach
    void nothingOutlivesTheRun() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            SandboxRuntime.Leftovers leftovers = runtime.leftovers();
            assertTrue(leftovers.none(), "left behind: " + leftovers);
        });
    }

    @Test
    void pythonForkBombIsHeldAtTheProcessLimit() {
        SandboxApi.run(
                        "python",
                        "import os\nwhile True:\n    os.fork()\n",
                        Map.of("maxProcesses", 16, "wallMs", 10_000))
                .body("status", equalTo("PROCESS_LIMIT"))
                .body("message", containsString("process limit of 16"))
                .body("screening.verdict", equalTo("WARN"))
                .body("screening.findings.rule", hasItem("process-bomb"))
                .body("screening.findings.find { it.rule == 'process-bomb' }.line", equalTo(2));
    }

    @Test
    void bashForkBombIsHeldAtTheProcessLimitThenKilled() {
        // The program outlives its bomb (a bare `wait` returns as soon as the first pipeline has
        // forked, and the namespace dies with it, sometimes before the bomb reached the limit).
        SandboxApi.run("bash", ":(){ :|:& };:\nsleep 10\n", Map.of("maxProcesses", 16, "wallMs", 3_000))
                .body("status", equalTo("PROCESS_LIMIT"));
    }

    @Test
    void aKilledRunWithChildrenLeavesNoZombie() throws Exception {
        SandboxApi.run("bash", """
                sleep 60 &
                ( sleep 60 & sleep 60 & wait ) &
                python3 -c 'import os, time; os.fork(); time.sleep(60)' &
                sleep 60
                """, Map.of("wallMs", 1_500)).body("status", equalTo("TIMEOUT_WALL"));
        // Neither as a child of the service nor reparented anywhere else on the host.
        long service = ProcessHandle.current().pid();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<String> zombies = zombies(service);
            assertTrue(zombies.isEmpty(), "zombies: " + zombies);
        });
    }

    /** Defunct processes that are the service's children or run as a sandbox uid: "pid ppid uid". */
    private List<String> zombies(long service) throws java.io.IOException {
        List<String> found = new java.util.ArrayList<>();
        try (java.util.stream.Stream<java.nio.file.Path> processes =
                java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path process : processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                String status;
                try {
                    status = java.nio.file.Files.readString(process.resolve("status"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                String state = field(status, "State:");
                long parent = Long.parseLong(field(status, "PPid:"));
                int uid = Integer.parseInt(field(status, "Uid:").split("\\s+")[0]);
                boolean sandboxUid = uid >= 100_000 && uid < 100_000 + 64 * 256;
                if (state.startsWith("Z") && (parent == service || sandboxUid)) {
                    found.add(process.getFileName() + " " + parent + " " + uid);
                }
            }
        }
        return found;
    }

    private static String field(String status, String name) {
        return status.lines()
                .filter(line -> line.startsWith(name))
                .findFirst()
                .orElse(name + " 0")
                .substring(name.length())
                .trim();
    }

    @Test
    void aForkBombWhoseForksAllFailFastIsStillReportedAtTheProcessLimit() {
        // It swallows every failure, says nothing on stderr and exits 0: only the kernel's counter tells.
        SandboxApi.run("python", """
                import os, sys, time
                failed = 0
                for _ in range(200):
                    try:
                        if os.fork() == 0:
                            time.sleep(1)
                            os._exit(0)
                    except OSError:
                        failed += 1
                print(failed > 0)
                sys.exit(0)
                """, Map.of("maxProcesses", 8, "wallMs", 10_000))
                .body("stdout", equalTo("True\n"))
                .body("stderr", equalTo(""))
                .body("status", equalTo("PROCESS_LIMIT"))
                .body("message", containsString("process limit of 8"));
    }

    @Test
    void memoryBombIsKilledAtTheMemoryLimit() {
        SandboxApi.run(
                        "python",
                        "chunks = []\nwhile True:\n    chunks.append(b'x' * 10_000_000)\n",
                        Map.of("memoryMb", 64))
                .body("status", equalTo("MEMORY_LIMIT"))
                .body("signal", equalTo(9))
                .body("usage.peakMemoryBytes", greaterThan(32 * 1024 * 1024))
                .body("usage.peakMemoryBytes", lessThanOrEqualTo(64 * 1024 * 1024));
    }

    @Test
    void oneHugeFileStopsAtTheFileLimit() {
        SandboxApi.run(
                        "python",
                        "with open('big', 'wb') as f:\n    while True:\n        f.write(b'x' * 1048576)\n",
                        Map.of("diskMb", 8))
                .body("status", equalTo("FILE_LIMIT"))
                .body("stderr", containsString("File too large"));
        SandboxApi.run("bash", "dd if=/dev/zero of=/tmp/fill bs=1M count=100", Map.of("diskMb", 8))
                .body("status", equalTo("FILE_LIMIT"));
    }

    @Test
    void manySmallFilesFillTheWorkspaceAndStop() {
        SandboxApi.run(
                        "python",
                        "i = 0\nwhile True:\n    open(f'f{i}', 'wb').write(b'x' * 65536)\n    i += 1\n",
                        Map.of("diskMb", 8))
                .body("status", equalTo("FILE_LIMIT"))
                .body("stderr", containsString("No space left on device"));
    }

    @Test
    void a100MegabyteOutputFloodIsCutAtTheOutputLimit() {
        SandboxApi.run(
                        "python",
                        "import sys\nchunk = 'x' * 1048576\nfor _ in range(100):\n    sys.stdout.write(chunk)\n",
                        Map.of("outputBytes", 1_048_576))
                .body("status", equalTo("OUTPUT_LIMIT"))
                .body("stdoutTruncated", equalTo(true))
                .body("stdout.length()", equalTo(1_048_576))
                .body("usage.outputBytes", greaterThan(1_048_576));
    }

    @Test
    void cpuSpinStopsAtTheCpuLimit() {
        SandboxApi.run("python", "while True:\n    pass\n", Map.of("cpuMs", 500, "wallMs", 20_000))
                .body("status", equalTo("TIMEOUT_CPU"))
                .body("usage.cpuMs", greaterThanOrEqualTo(500));
    }

    @Test
    void infiniteSleepIsKilledAtTheWallLimit() {
        SandboxApi.run("python", "import time\ntime.sleep(3600)\n", Map.of("wallMs", 700))
                .body("status", equalTo("TIMEOUT_WALL"))
                .body("signal", equalTo(9));
    }

    @Test
    void tcpToTheHostsPostgresFailsInsideWhileItAnswersOutside() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 2_000); // reachable from the host
        }
        SandboxApi.run("python", """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.connect(('127.0.0.1', 5432))
                print('connected')
                """)
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stdout", not(containsString("connected")))
                .body("stderr", containsString("Address family not supported"));
        SandboxApi.run("node", """
                require('net').connect(5432, '127.0.0.1')
                  .on('connect', () => console.log('connected'))
                  .on('error', e => { console.error(e.code); process.exit(2); });
                """)
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stdout", not(containsString("connected")));
        SandboxApi.run("bash", "exec 3<>/dev/tcp/127.0.0.1/5432 && echo connected")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stdout", not(containsString("connected")));
    }

    @Test
    void externalAddressesAndDnsAreUnreachable() {
        SandboxApi.run(
                        "python",
                        "import socket\nsocket.create_connection(('1.1.1.1', 443), timeout=3)\nprint('connected')\n")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stdout", not(containsString("connected")));
        SandboxApi.run("python", "import socket\nprint(socket.getaddrinfo('example.com', 443))\n")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stderr", containsString("gaierror"));
    }

    @Test
    void hostSecretsAndRootsHomeDoNotExistInside() {
        SandboxApi.run("python", "print(open('/etc/shadow').read())")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stderr", containsString("FileNotFoundError"));
        SandboxApi.run("bash", "ls -la /root; cat /root/.bash_history")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stderr", containsString("No such file or directory"));
        // The whole visible root: the interpreter's read-only system, the run's own mounts, and /run
        // holding nothing but the sandbox's init.
        SandboxApi.run("python", "import os\nprint(' '.join(sorted(os.listdir('/'))), os.listdir('/run'))")
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("bin dev etc lib lib64 proc run sbin tmp usr workspace ['sandbox-init']\n"));
        // Of the host's /etc only what the dynamic loader needs; the user database is the sandbox's own.
        SandboxApi.run(
                        "python",
                        "import os\nprint(sorted(os.listdir('/etc')), open('/etc/passwd').read().count(':x:0:'))")
                .body("stdout", equalTo("['alternatives', 'group', 'ld.so.cache', 'passwd'] 0\n"));
    }

    @Test
    void theServicesEnvironmentProcessesAndFilesAreInvisible() throws Exception {
        String json = SandboxApi.run("python", "import json, os\nprint(json.dumps(dict(os.environ)))")
                .body("status", equalTo("OK"))
                .extract()
                .path("stdout");
        JsonNode environment = new ObjectMapper().readTree(json);
        Iterator<String> names = environment.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            assertTrue(
                    List.of("PATH", "HOME", "TMPDIR", "LANG", "USER", "PWD").contains(name),
                    "unexpected variable " + name + " inside the sandbox");
        }
        assertFalse(json.contains("prometheus"), json);
        // Its own pid namespace: bubblewrap's init (1) and the program (2), nothing else.
        SandboxApi.run(
                        "python",
                        "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), os.getpid())")
                .body("stdout", equalTo("[1, 2] 2\n"));
        String serviceFile = Path.of(System.getProperty("user.dir"), "pom.xml")
                .toAbsolutePath()
                .toString();
        SandboxApi.run("python", "print(open('" + serviceFile + "').read())")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stderr", containsString("FileNotFoundError"));
        SandboxApi.run("bash", "id -u; cat /proc/self/status | grep CapEff")
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("1000\nCapEff:\t0000000000000000\n"));
    }

    @Test
    void aDaemonizedProcessDoesNotOutliveTheRun() {
        SandboxApi.run("python", """
                import os, time
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:
                        time.sleep(300)
                        os._exit(0)
                    os._exit(0)
                print('parent done')
                """).body("status", equalTo("OK")).body("stdout", equalTo("parent done\n"));
        // nothingOutlivesTheRun checks that the sleeper is gone.
    }

    @Test
    void killingTheParentOrEverythingReachesNothingOutside() {
        // The parent is the sandbox's init, which nothing inside can signal; -1 reaches every other
        // process the program may signal, all of them inside its own namespace.
        SandboxApi.run("python", """
                import os, signal
                sleeper = os.fork()
                if sleeper == 0:
                    os.execv('/bin/sleep', ['sleep', '30'])
                print(os.getppid())
                os.kill(os.getppid(), signal.SIGKILL)
                os.kill(1, signal.SIGKILL)
                os.kill(-1, signal.SIGKILL)
                print(os.waitpid(sleeper, 0)[1] & 0x7f)
                print('survived')
                """).body("status", equalTo("OK")).body("stdout", equalTo("1\n9\nsurvived\n"));
        SandboxApi.run("bash", "sleep 30 & kill -9 $PPID; kill -9 1; kill -9 -1; wait; echo survived")
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("survived\n"));
        // A child that kills the interpreter ends the run like any other killed program.
        SandboxApi.run("python", """
                import os, signal, time
                if os.fork() == 0:
                    os.kill(os.getppid(), signal.SIGKILL)
                    os._exit(0)
                time.sleep(30)
                """).body("status", equalTo("RUNTIME_ERROR")).body("signal", equalTo(9));
    }

    @Test
    void theSandboxesInitCannotBeTakenOver() {
        // Pid 1 runs as the same uid but outside the run's cgroups: its memory must stay out of reach.
        SandboxApi.run("python", """
                for path, mode in (('/proc/1/mem', 'r+b'), ('/proc/1/environ', 'rb')):
                    try:
                        open(path, mode)
                        print(path, 'opened')
                    except OSError as e:
                        print(path, type(e).__name__)
                """)
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("/proc/1/mem PermissionError\n/proc/1/environ PermissionError\n"));
    }

    @Test
    void symlinksCannotLeaveTheWorkspace() {
        SandboxApi.run("python", """
                import os
                os.symlink('/etc/passwd', 'passwd')
                os.symlink('/proc/1/root/etc/shadow', 'shadow')
                # Links resolve in the sandbox's own view: its own user database, no host secrets.
                print(open('passwd').read().splitlines()[0], 'root:' in open('passwd').read())
                try:
                    print(open('shadow').read())
                except OSError as e:
                    print('shadow', type(e).__name__)
                """)
                .body("status", equalTo("OK"))
                // /proc/1 is the init's, whose root the program may not even look through.
                .body(
                        "stdout",
                        equalTo("sandbox:x:1000:1000:sandbox:/workspace:/bin/sh False\nshadow PermissionError\n"));
    }

    @Test
    void everyRunStartsUnderItsRlimits() {
        SandboxApi.assertARunStartsUnderItsRlimits();
    }

    @Test
    void theSystemIsReadOnlyAndNamespacesPtraceAreRefused() {
        SandboxApi.run("python", "open('/usr/evil', 'w')")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stderr", containsString("Read-only file system"));
        SandboxApi.run("python", "open('/evil', 'w')")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stderr", containsString("Read-only file system"));
        SandboxApi.run("python", """
                import ctypes, os
                libc = ctypes.CDLL(None, use_errno=True)
                print(libc.unshare(0x10000000), os.strerror(ctypes.get_errno()))
                print(libc.ptrace(16, 1, 0, 0), os.strerror(ctypes.get_errno()))
                """)
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("-1 Operation not permitted\n-1 Operation not permitted\n"));
    }

    @Test
    void devHoldsTheDataDevicesAndNoTerminalAndIsReadOnly() {
        SandboxApi.run("bash", """
                ls /dev | tr '\\n' ' '; echo
                echo discarded > /dev/null && head -c 8 /dev/urandom | wc -c && head -c 3 /dev/zero | wc -c
                touch /dev/planted 2>/dev/null || echo read-only
                echo fine > /dev/shm/scratch && cat /dev/shm/scratch
                """)
                .body("status", equalTo("OK"))
                .body(
                        "stdout",
                        equalTo("fd full null random shm stderr stdin stdout urandom zero \n8\n3\nread-only\nfine\n"));
    }

    @Test
    void filesLeftInTmpShmOrWorkAreGoneForTheNextRun() {
        SandboxApi.run("bash", """
                echo secret > /tmp/marker
                echo secret > /dev/shm/marker
                echo secret > /workspace/marker
                mkdir -p /var/tmp 2>/dev/null && echo secret > /var/tmp/marker
                ls /tmp/marker /dev/shm/marker /workspace/marker
                """).body("stdout", equalTo("/dev/shm/marker\n/tmp/marker\n/workspace/marker\n"));
        for (int i = 0; i < 3; i++) {
            SandboxApi.run("bash", "ls -A /tmp /dev/shm /workspace; test -e /var/tmp/marker && echo LEAK; echo checked")
                    .body("status", equalTo("OK"))
                    .body("stdout", equalTo("/dev/shm:\n\n/tmp:\n\n/workspace:\nchecked\n"));
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void afterTheCorpusTheServiceIsHealthyAndANormalRunSucceeds() {
        assertTrue(runtime.leftovers().none(), runtime.leftovers().toString());
        // The whole corpus ran behind the service's own first step, not the shell fallback.
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'Sandbox isolation' }.data.detail",
                        containsString("started by sandbox-launch"));
        for (String language : List.of("python", "node", "bash")) {
            String code = switch (language) {
                case "python" -> "print(sum(range(10)))";
                case "node" -> "console.log([...Array(10).keys()].reduce((a, b) => a + b))";
                default -> "echo $((0+1+2+3+4+5+6+7+8+9))";
            };
            ValidatableResponse response = SandboxApi.run(language, code);
            response.body("status", equalTo("OK")).body("stdout", equalTo("45\n"));
        }
        assertEquals(List.of(), runtime.leftovers().processes());
    }
}
