package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.host.StateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The service's own {@code sandbox-launch} program ({@code src/main/c}): built into the jar for the
 * build machine's architecture when a C compiler was present, copied out to the state directory at
 * start (a jar entry cannot be exec'd) and checked to run there (the directory may be mounted noexec).
 */
public final class LaunchProgram {

    static final String RESOURCE_PREFIX = "sandbox/sandbox-launch-";

    private LaunchProgram() {}

    /** The resource of this JVM's architecture, as the build names it ({@code os.arch}). */
    static String resourceName() {
        return RESOURCE_PREFIX + System.getProperty("os.arch");
    }

    /**
     * Copies the program to {@code target} and runs its {@code --version}. Empty when this build has
     * no program for this architecture; an exception saying why when it has one that does not run.
     */
    static Optional<Path> install(Path target) throws IOException {
        try (InputStream in = LaunchProgram.class.getClassLoader().getResourceAsStream(resourceName())) {
            if (in == null) {
                return Optional.empty();
            }
            // Executable by everyone: every sandbox mounts it as its init and runs it as the sandbox's uid.
            StateFiles.replace(target, in, "rwxr-xr-x");
        }
        verify(target);
        return Optional.of(target);
    }

    private static void verify(Path program) throws IOException {
        Process process = new ProcessBuilder(program.toString(), "--version")
                .redirectErrorStream(true)
                .start();
        try {
            // Its answer is a line: it fits the pipe, so waiting first cannot block the program.
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(program + " --version did not answer");
            }
            String output = new String(process.getInputStream().readNBytes(256), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0 || !output.startsWith("sandbox-launch ")) {
                throw new IOException(program + " --version failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while checking " + program, e);
        }
    }
}
