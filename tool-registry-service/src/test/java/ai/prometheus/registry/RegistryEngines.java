package ai.prometheus.registry;

import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry's tests run against real PostgreSQL and Kafka and a real sandbox service, started
 * from its built jar once per test JVM (the build orders sandbox-service before the registry).
 * The registry under test listens on a port chosen here, so the sandbox can call it back (it
 * fetches the secrets of asynchronous runs from the registry).
 */
public class RegistryEngines extends Engines {

    /**
     * This test JVM's run: its test database and its start time, the same in every class loader of
     * the JVM. Registries a test starts as processes consume in groups named after it, never in
     * production's groups (those of a running suite) nor in another checkout's.
     */
    public static final String RUN = Engines.TEST_DATABASE + "-"
            + Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime(), 36);

    private static ServiceProcess sandbox;
    private static int registryPort;

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        if (sandbox == null) {
            registryPort = freePort();
            // Its own consumer group, so a sandbox of a running dev suite does not take these requests.
            sandbox = ServiceProcess.start(
                    "sandbox-service",
                    Map.of("REGISTRY_URL", "http://127.0.0.1:" + registryPort),
                    List.of("-Dmp.messaging.incoming.tool-invocation-requests.group.id=sandbox-service-registry-test"));
            Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        }
        config.put("quarkus.rest-client.sandbox.url", sandbox.url());
        config.put("quarkus.http.test-port", Integer.toString(registryPort));
        return config;
    }

    /**
     * The {@code -D} options of a registry started as a process: each of its consumers in group
     * {@code group} of this run, starting at the end of its topic (what came before is another
     * run's; these tests start their registries before they send anything).
     */
    public static List<String> registryGroups(String group) {
        List<String> options = new ArrayList<>();
        for (String channel : List.of("invocation-results", "invocation-progress", "guardian-commands")) {
            options.add("-Dmp.messaging.incoming." + channel + ".group.id=" + group + "-" + RUN);
            options.add("-Dmp.messaging.incoming." + channel + ".auto.offset.reset=latest");
        }
        return options;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sandboxLog() {
        return sandbox == null ? "(sandbox not started)" : sandbox.tail();
    }
}
