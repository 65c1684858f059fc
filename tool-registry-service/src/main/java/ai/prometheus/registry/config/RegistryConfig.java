package ai.prometheus.registry.config;

import ai.prometheus.shared.platform.mcp.McpTransportSettings;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "registry")
public interface RegistryConfig {

    Invocation invocation();

    /** The MCP transport's DNS-rebinding protection ({@code registry.mcp.allowed-origins}, {@code allowed-hosts}). */
    McpTransportSettings mcp();

    Discovery discovery();

    Tools tools();

    Bench bench();

    interface Bench {
        /** Serves GET /api/v1/bench/floor, the floor bench/registry/run.sh compares listings with. */
        @WithDefault("false")
        boolean floorEndpoint();
    }

    interface Discovery {
        /**
         * Listing pages each replica keeps (see {@code discovery.ListingCache}); 0 turns the cache
         * off. An entry is a page of summaries, a few kilobytes.
         */
        @WithDefault("2000")
        int cacheSize();
    }

    interface Tools {
        /**
         * Memory each replica gives to single-tool reads (see {@code tool.ToolReadCache}), counted as
         * the bytes of the answers kept (a tool's current code is up to 256 KiB); 0 turns the cache off.
         */
        @WithDefault("16M")
        MemorySize readCacheSize();
    }

    interface Invocation {
        /** The wall limit assumed for tools that set none; keep it equal to the sandbox's default. */
        @WithDefault("10s")
        Duration defaultWall();

        /** How much longer than the tool's wall limit a synchronous call waits for the sandbox. */
        @WithDefault("5s")
        Duration syncMargin();

        /** The longest any synchronous invocation waits, whatever the tool's limits. */
        @WithDefault("120s")
        Duration maxSyncWait();

        /**
         * Whether a synchronous run is followed live (the sandbox answers it as an event stream), so
         * MCP clients and REST followers get its progress and log lines while it runs; false: the
         * plain call, and the events only with the result.
         */
        @WithDefault("true")
        boolean liveEvents();

        /** Characters of the arguments kept in events for episodic memory and audit. */
        @WithDefault("500")
        int summaryChars();

        /**
         * Whether the record of a finished synchronous invocation (its row, its events in the outbox
         * and the charge of its run, one statement) waits for PostgreSQL to flush its log before the
         * caller is answered. Off by default: the outbox relay makes the log durable past a row
         * before it publishes the row's event (shared {@code OutboxRelay}), so no event ever
         * describes a record a crash took back; a crash of PostgreSQL or its host (not a clean
         * restart) may lose the last fraction of a second of records, audit entries and charges
         * whose events were not yet published, and a caller may then have been answered for an
         * invocation that is no longer stored (repeating it with the same Idempotency-Key runs it
         * again). The wait was about 3 ms of each synchronous call on an idle disk of the
         * development machine, several times that under load.
         */
        @WithDefault("false")
        boolean recordSynchronousCommit();

        /**
         * The topic asynchronous invocations are sent on, for the sandbox. The suite's own, except in
         * the registry's tests, whose sandbox listens on a topic of its checkout's test database, so
         * test runs of two checkouts on one broker never run each other's requests.
         */
        @WithDefault("${prometheus.topic.tool-invocation-requests}")
        String requestsTopic();

        Admission admission();
    }

    /** Bounds on synchronous invocations held open at once by one replica; beyond them, 429. */
    interface Admission {
        /**
         * Synchronous invocations one replica runs at once. Keep it, summed over the registry's
         * replicas, within what the sandbox admits (its concurrency plus queue).
         */
        @WithDefault("16")
        int maxInFlight();

        /** Of those, how many one caller (token subject) may hold, so no caller takes every place. */
        @WithDefault("4")
        int maxInFlightPerCaller();

        /**
         * Whether the audit entry that admission writes in its one statement, before the run, waits
         * for PostgreSQL to flush its log. Off by default: the log is flushed past the entry before
         * the invocation's event is published (by the record's own commit if
         * {@code record-synchronous-commit} is set, else by the outbox relay), so only a crash of
         * PostgreSQL or its host before then could lose the entry (a clean restart cannot). The wait
         * was 3 to 5 ms of each synchronous call at load 14 to 19 on the development machine.
         */
        @WithDefault("false")
        boolean synchronousCommit();
    }
}
