package ai.prometheus.sandbox.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox-launch}, the first step of every sandbox, run directly: it sets exactly the limits
 * it is given, hands descriptor 3 on, drops to the uid for good, and refuses anything malformed
 * rather than starting a sandbox with a limit missing. Runs as root, like the service.
 */
class LaunchProgramTest {

    @TempDir
    static Path directory;

    static Path program;

    @BeforeAll
    static void install() throws IOException {
        assertNotNull(
                LaunchProgram.class.getClassLoader().getResource(LaunchProgram.resourceName()),
                "the build did not produce " + LaunchProgram.resourceName()
                        + ": it needs a C compiler (Debian: apt-get install gcc libc6-dev)");
        program = LaunchProgram.install(directory.resolve("sandbox-launch")).orElseThrow();
    }

    @Test
    void setsEachLimitItIsGivenAndNoCoreDumps() throws Exception {
        Result result = launch(
                "--rlimit=cpu:7:8",
                "--rlimit=fsize:1048576:2097152",
                "--rlimit=nofile:64:64",
                "--rlimit=nproc:40:40",
                "--rlimit=as:1073741824:1073741824",
                "--rlimit=core:0:0",
                "--",
                "/bin/cat",
                "/proc/self/limits");
        assertEquals(0, result.exit(), result.stderr());
        assertLimit(result.stdout(), "Max cpu time", "7", "8");
        assertLimit(result.stdout(), "Max file size", "1048576", "2097152");
        assertLimit(result.stdout(), "Max open files", "64", "64");
        assertLimit(result.stdout(), "Max processes", "40", "40");
        assertLimit(result.stdout(), "Max address space", "1073741824", "1073741824");
        assertLimit(result.stdout(), "Max core file size", "0", "0");
    }

    @Test
    void dropsToTheUidAndGidForGoodWithoutGroupsAndWithNoNewPrivileges() throws Exception {
        Result ids = launch("--uid=100042", "--gid=100043", "--", "/bin/sh", "-c", "id -u; id -g; id -G");
        assertEquals(0, ids.exit(), ids.stderr());
        assertEquals("100042\n100043\n100043\n", ids.stdout());

        Result status = launch(
                "--uid=100042", "--gid=100043", "--", "/bin/grep", "-E", "^(Uid|Gid|NoNewPrivs):", "/proc/self/status");
        assertEquals(0, status.exit(), status.stderr());
        assertTrue(
                status.stdout()
                        .matches("(?s)Uid:\\s+100042\\s+100042\\s+100042\\s+100042\\n"
                                + "Gid:\\s+100043\\s+100043\\s+100043\\s+100043\\n.*NoNewPrivs:\\s+1\\n"),
                status.stdout());
    }

    @Test
    void setsNoNewPrivilegesEvenWithoutAUid() throws Exception {
        Result status = launch("--", "/bin/grep", "^NoNewPrivs:", "/proc/self/status");
        assertEquals(0, status.exit(), status.stderr());
        assertTrue(status.stdout().matches("NoNewPrivs:\\s+1\\n"), status.stdout());
    }

    @Test
    void opensTheFileAsDescriptor3BeforeDroppingPrivileges() throws Exception {
        Path secret = Files.writeString(directory.resolve("filter"), "only root reads this");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Result result = launch("--fd3=" + secret, "--uid=100042", "--gid=100042", "--", "/bin/sh", "-c", "cat <&3");
        assertEquals(0, result.exit(), result.stderr());
        assertEquals("only root reads this", result.stdout());
    }

    @Test
    void givesItsStandardPipesToTheUidSoTheProgramCanReopenThem() throws Exception {
        Result result = launch(
                "--uid=100042",
                "--gid=100043",
                "--",
                "/bin/sh",
                "-c",
                "stat -L -c %u:%g /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2; echo again > /dev/stderr");
        assertEquals(0, result.exit(), result.stderr());
        assertEquals("100042:100043\n100042:100043\n100042:100043\n", result.stdout());
        assertEquals("again\n", result.stderr());
    }

    @Test
    void leavesAStandardStreamThatIsNotAPipeToItsOwner() throws Exception {
        Path input = Files.writeString(directory.resolve("input"), "root's file");
        Result result = launchReading(
                input,
                "--uid=100042",
                "--gid=100043",
                "--",
                "/bin/sh",
                "-c",
                "stat -L -c %u:%g /proc/self/fd/0 /proc/self/fd/1");
        assertEquals(0, result.exit(), result.stderr());
        assertEquals("0:0\n100042:100043\n", result.stdout());
        assertEquals("root", Files.getOwner(input).getName());
    }

    @Test
    void asInitItRunsTheProgramAsAChildAndExitsAsItDid() throws Exception {
        Result exited = launch("--init", "--", "/bin/sh", "-c", "echo \"$PPID\"; exit 3");
        assertEquals(3, exited.exit(), exited.stderr());
        // The program's parent is the init, not whoever started the init.
        assertTrue(
                Long.parseLong(exited.stdout().strip())
                        != ProcessHandle.current().pid(),
                exited.stdout());
        Result signalled = launch("--init", "--", "/bin/sh", "-c", "kill -SEGV $$");
        assertEquals(128 + 11, signalled.exit(), signalled.stderr());
        Result missing = launch("--init", "--", "/nonexistent/interpreter");
        assertEquals(127, missing.exit());
        assertTrue(missing.stderr().contains("/nonexistent/interpreter"), missing.stderr());
        assertRefused("usage", "--init", "/bin/true");
        assertRefused("usage", "--init", "--", "true");
    }

    @Test
    void refusesMalformedArgumentsWithoutRunningAnything() throws Exception {
        assertRefused("unknown limit", "--rlimit=stack:1:1", "--", "/bin/true");
        assertRefused("SOFT is above HARD", "--rlimit=cpu:9:8", "--", "/bin/true");
        assertRefused("expects decimal", "--rlimit=cpu:-1:8", "--", "/bin/true");
        assertRefused("expects NAME:SOFT:HARD", "--rlimit=cpu:5", "--", "/bin/true");
        assertRefused("both or neither", "--uid=100042", "--", "/bin/true");
        assertRefused("expects a decimal number", "--uid=root", "--gid=0", "--", "/bin/true");
        // Out of range must not read as "no uid given" and leave the program running as root.
        assertRefused("below 4294967295", "--uid=9223372036854775808", "--gid=9223372036854775808", "--", "/bin/true");
        assertRefused("below 4294967295", "--uid=4294967295", "--gid=1", "--", "/bin/true");
        assertRefused("unknown option", "--setuid=0", "--", "/bin/true");
        assertRefused("never runs as root", "--uid=0", "--gid=0", "--", "/bin/true");
        assertRefused("never runs as root", "--uid=100042", "--gid=0", "--", "/bin/true");
        assertRefused("usage", "--rlimit=cpu:1:1", "--", "true");
        assertRefused("usage", "--rlimit=cpu:1:1");
        assertRefused("No such file", "--fd3=/nonexistent/filter", "--", "/bin/true");
    }

    @Test
    void aProgramThatCannotBeRunExits127() throws Exception {
        Result result = launch("--", "/nonexistent/interpreter");
        assertEquals(127, result.exit());
        assertTrue(result.stderr().contains("/nonexistent/interpreter"), result.stderr());
    }

    private static void assertRefused(String reason, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(arguments));
        if (command.get(command.size() - 1).equals("/bin/true")) {
            // Would print if it ran: the refusal must come first.
            command.set(command.size() - 1, "/bin/echo");
            command.add("ran");
        }
        Result result = launch(command.toArray(String[]::new));
        assertEquals(125, result.exit(), "exit status for " + command);
        assertEquals("", result.stdout(), "nothing may run for " + command);
        assertTrue(result.stderr().contains(reason), result.stderr());
    }

    private static void assertLimit(String limits, String name, String soft, String hard) {
        assertTrue(
                limits.matches("(?s).*\\n" + name + "\\s+" + soft + "\\s+" + hard + "\\s.*"),
                name + " should be " + soft + "/" + hard + " in\n" + limits);
    }

    private record Result(int exit, String stdout, String stderr) {}

    private static Result launch(String... arguments) throws Exception {
        return launchReading(null, arguments);
    }

    /** With {@code input} (a file) as standard input instead of a pipe, when not null. */
    private static Result launchReading(Path input, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process process = builder.start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "sandbox-launch did not exit");
        return new Result(process.exitValue(), stdout, stderr);
    }
}
