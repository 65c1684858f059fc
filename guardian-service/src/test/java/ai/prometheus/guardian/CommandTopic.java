package ai.prometheus.guardian;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The topic the guardian under test sends tool commands on: one of its test database
 * ({@code %test.guardian.remediation.commands-topic}), so a registry of another checkout's test run
 * never answers them, and the registry a test starts reads it.
 */
public final class CommandTopic {

    private CommandTopic() {}

    public static String name() {
        return ConfigProvider.getConfig().getValue("guardian.remediation.commands-topic", String.class);
    }
}
