package ai.prometheus.deploy.compose;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Docker Compose command line, which validates and resolves a compose file without a Docker
 * engine: {@code docker-compose} (Compose v1, Debian's docker-compose package) or the
 * {@code docker compose} plugin (Compose v2).
 */
public final class ComposeCli {

    /** The variables our compose file reads; cleared so that a developer's shell cannot change what is checked. */
    private static final List<String> INTERPOLATED = List.of(
            "JWT_ISSUER",
            "POSTGRES_PASSWORD",
            "TOOL_REGISTRY_DB_PASSWORD",
            "SANDBOX_DB_PASSWORD",
            "MEMORY_GUILD_DB_PASSWORD",
            "GUARDIAN_DB_PASSWORD",
            "PROMETHEUS_KEYS_DIR",
            "PROMETHEUS_IMAGE_PREFIX",
            "PROMETHEUS_IMAGE_TAG",
            "COMPOSE_FILE",
            "COMPOSE_PROJECT_NAME",
            "COMPOSE_PROFILES");

    private final List<String> command;

    private ComposeCli(List<String> command) {
        this.command = command;
    }

    /** The compose CLI on this machine, if any. */
    public static Optional<ComposeCli> find() {
        Optional<Path> v1 = onPath("docker-compose");
        if (v1.isPresent()) {
            return Optional.of(new ComposeCli(List.of(v1.get().toString())));
        }
        Optional<Path> docker = onPath("docker");
        if (docker.isPresent()) {
            ComposeCli plugin = new ComposeCli(List.of(docker.get().toString(), "compose"));
            Result version = plugin.run(List.of("version"), Path.of("."));
            if (version.exitCode() == 0) {
                return Optional.of(plugin);
            }
        }
        return Optional.empty();
    }

    public String describe() {
        return String.join(" ", command);
    }

    /** {@code config}: validates the file and prints it resolved (anchors, merges and variables applied). */
    public Result config(Path composeFile, Path projectDirectory) {
        return run(
                List.of("-f", composeFile.toString(), "--project-directory", projectDirectory.toString(), "config"),
                projectDirectory);
    }

    private Result run(List<String> arguments, Path directory) {
        List<String> full = new ArrayList<>(command);
        full.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(full).directory(directory.toFile());
        INTERPOLATED.forEach(builder.environment()::remove);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "", describe() + " did not finish within 120 s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            return new Result(-1, "", "could not run " + describe() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        }
    }

    private static String read(java.io.InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** What the CLI said. */
    public record Result(int exitCode, String stdout, String stderr) {}
}
