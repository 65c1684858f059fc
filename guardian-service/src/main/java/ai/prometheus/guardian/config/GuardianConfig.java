package ai.prometheus.guardian.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything an operator can tune in the guardian, under {@code guardian.*}. */
@ConfigMapping(prefix = "guardian")
public interface GuardianConfig {

    Grouping grouping();

    Intake intake();

    Remediation remediation();

    interface Grouping {
        /**
         * The grouping algorithm new errors are fingerprinted with; groups keep the version that made
         * them. 2 (the default) also keys on the failing tool; 1 groups one message across tools.
         */
        @WithDefault("2")
        int version();
    }

    interface Intake {
        @WithDefault("10000")
        int maxMessageChars();

        @WithDefault("64000")
        int maxStackTraceChars();

        @WithDefault("50")
        int maxAttributes();

        @WithDefault("64")
        int maxAttributeKeyChars();

        @WithDefault("2048")
        int maxAttributeValueChars();

        /** Errors one caller may report per second over HTTP, on average (per replica). */
        @WithDefault("50")
        double perCallerRate();

        /** How many errors one caller may report at once before the average applies. */
        @WithDefault("200")
        int perCallerBurst();

        /** HTTP reports being stored at the same moment on this replica; beyond it callers are asked to retry. */
        @WithDefault("64")
        int maxInFlight();
    }

    interface Remediation {
        /** How often webhooks are sent, verifications settled and unanswered actions expired. */
        @WithDefault("5s")
        Duration checkInterval();

        /** How long an action may wait for the acting service's answer before it counts as failed. */
        @WithDefault("5m")
        Duration resultTimeout();

        /** Time limit of one webhook call. */
        @WithDefault("10s")
        Duration webhookTimeout();

        /**
         * Webhook hosts allowed although they are loopback, link-local or private (or resolve to
         * such an address): host names, IP addresses or CIDR ranges. Empty: only public addresses.
         */
        Optional<List<String>> webhookAllowedHosts();

        /**
         * The topic tool commands are sent on, for the registry. The suite's own, except in the
         * guardian's tests, which send them on a topic of their test database so that a registry
         * of another checkout's test run never answers them (no such tool) first.
         */
        @WithDefault("${prometheus.topic.guardian-commands}")
        String commandsTopic();
    }
}
