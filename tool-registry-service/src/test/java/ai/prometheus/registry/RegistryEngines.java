package ai.prometheus.registry;

import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.ServiceProcess;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry's tests run against real PostgreSQL and Kafka and a real sandbox service, started
 * from its built jar once per test JVM (the build orders sandbox-service before the registry).
 */
public class RegistryEngines extends Engines {

    private static ServiceProcess sandbox;

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        if (sandbox == null) {
            // Its own consumer group, so a sandbox of a running dev suite does not take these requests.
            sandbox = ServiceProcess.start("sandbox-service", Map.of(), List.of(
                    "-Dmp.messaging.incoming.tool-invocation-requests.group.id=sandbox-service-registry-test"));
            Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        }
        config.put("quarkus.rest-client.sandbox.url", sandbox.url());
        return config;
    }

    public static String sandboxLog() {
        return sandbox == null ? "(sandbox not started)" : sandbox.tail();
    }
}
