package ai.prometheus.shared.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Another service of the suite, started for real from its built {@code quarkus-run.jar} for a
 * test that crosses a service boundary (the registry calling the sandbox, say). It talks to the
 * same test PostgreSQL and Kafka and trusts the same test key. The module under test must come
 * after the started service in the reactor, so the jar is built; the parent pom orders them.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code service} (e.g. {@code sandbox-service}) with extra environment, and waits until it is ready. */
    public static ServiceProcess start(String service, Map<String, String> extraEnv) {
        return start(service, extraEnv, List.of());
    }

    /**
     * As {@link #start(String, Map)}, with system properties ({@code -Dkey=value}) for settings whose
     * names do not survive the environment-variable mapping, such as channel names with dashes.
     */
    public static ServiceProcess start(String service, Map<String, String> extraEnv, List<String> jvmArgs) {
        Path jar = Path.of(System.getProperty("user.dir"))
                .resolve("../" + service + "/target/quarkus-app/quarkus-run.jar")
                .normalize();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build " + service + " first (./mvnw package -pl "
                    + service + " -am -DskipTests), or run the whole build");
        }
        try {
            int port = freePort();
            Path log = Files.createTempFile(service + "-", ".log");
            Map<String, String> env = new HashMap<>();
            env.put("PORT", Integer.toString(port));
            env.put("DB_HOST", Engines.dbHost());
            env.put("DB_PORT", Integer.toString(Engines.dbPort()));
            env.put("DB_NAME", Engines.TEST_DATABASE);
            env.put("DB_USER", Engines.env("DB_USER", "prometheus"));
            env.put("DB_PASSWORD", Engines.env("DB_PASSWORD", "prometheus"));
            env.put("KAFKA_BOOTSTRAP_SERVERS", Engines.bootstrapServers());
            env.put("JWT_PUBLIC_KEY_LOCATION", extract("test-keys/public.pem").toString());
            env.put("JWT_ISSUER", TestTokens.ISSUER);
            env.put("SERVICE_KEY_LOCATION", extract("test-keys/private.pem").toString());
            env.putAll(extraEnv);
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx384m", "-XX:+UseSerialGC"));
            command.addAll(jvmArgs);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(jar.getParent().getParent().getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            ServiceProcess started = new ServiceProcess(service, builder.start(), port, log);
            started.awaitReady(Duration.ofSeconds(90));
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + service, e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log: " + tail());
            }
            try {
                HttpURLConnection connection = (HttpURLConnection)
                        URI.create(url() + "/q/health/ready").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(300);
        }
        close();
        throw new IllegalStateException(name + " was not ready within " + timeout + "; log: " + tail());
    }

    /** The last lines of the service's log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path extract(String resource) throws IOException {
        Path target = Files.createTempFile("prometheus-test-", "-" + new File(resource).getName());
        try (InputStream in = ServiceProcess.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        return target;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
