package ai.prometheus.registry;

import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
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
     * The topic the registry under test sends asynchronous invocations on, and its sandbox reads: one
     * per test database, so the sandbox of another checkout's test run (or of a running suite) never
     * runs these requests, fetches their secrets from its own registry or stores their runs.
     */
    public static final String REQUESTS = Topics.TOOL_INVOCATION_REQUESTS + ".registry-test-" + Engines.TEST_DATABASE;

    /**
     * The topic the registry under test takes remediation commands from, per test database as well:
     * a registry of another test run would answer these commands (no such tool) before this one.
     */
    public static final String COMMANDS = Topics.GUARDIAN_COMMANDS + ".registry-test-" + Engines.TEST_DATABASE;

    private static ServiceProcess sandbox;
    private static int registryPort;

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        if (sandbox == null) {
            KafkaProbe.ensureTopic(REQUESTS);
            KafkaProbe.ensureTopic(COMMANDS);
            registryPort = freePort();
            sandbox = ServiceProcess.start(
                    "sandbox-service",
                    Map.of("REGISTRY_URL", "http://127.0.0.1:" + registryPort),
                    sandboxRequests(REQUESTS, "sandbox-service-registry-test"));
            Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        }
        config.put("quarkus.rest-client.sandbox.url", sandbox.url());
        config.put("quarkus.http.test-port", Integer.toString(registryPort));
        config.put("registry.invocation.requests-topic", REQUESTS);
        config.put("mp.messaging.incoming.guardian-commands.topic", COMMANDS);
        config.put(
                "mp.messaging.incoming.guardian-commands.dead-letter-queue.topic",
                Topics.deadLetter(COMMANDS, "tool-registry-service"));
        return config;
    }

    /**
     * The {@code -D} options of a registry started as a process: each of its consumers in group
     * {@code group} of this run, and this run's topics for requests and commands.
     */
    public static List<String> registryGroups(String group) {
        List<String> options = new ArrayList<>();
        for (String channel : List.of("invocation-results", "invocation-progress", "guardian-commands")) {
            options.add("-Dmp.messaging.incoming." + channel + ".group.id=" + group + "-" + Engines.RUN);
        }
        // The suite's topics from their end; this run's command topic from its start (see sandboxRequests).
        options.add("-Dmp.messaging.incoming.invocation-results.auto.offset.reset=latest");
        options.add("-Dmp.messaging.incoming.invocation-progress.auto.offset.reset=latest");
        options.add("-Dregistry.invocation.requests-topic=" + REQUESTS);
        options.add("-Dmp.messaging.incoming.guardian-commands.topic=" + COMMANDS);
        options.add("-Dmp.messaging.incoming.guardian-commands.dead-letter-queue.topic="
                + Topics.deadLetter(COMMANDS, "tool-registry-service"));
        return options;
    }

    /**
     * The {@code -D} options of a sandbox started as a process: it reads {@code topic} in group
     * {@code group} of this run, from the topic's start (production's setting): the topic is of this
     * test database, so what an earlier run left there was processed already in this database and
     * is skipped as a repeat, and nothing sent before the group joined is lost.
     */
    public static List<String> sandboxRequests(String topic, String group) {
        String channel = "-Dmp.messaging.incoming.tool-invocation-requests.";
        return List.of(
                channel + "topic=" + topic,
                channel + "dead-letter-queue.topic=" + Topics.deadLetter(topic, "sandbox-service"),
                channel + "group.id=" + group + "-" + Engines.RUN);
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
