package ai.prometheus.memory.config;

import ai.prometheus.shared.platform.mcp.McpTransportSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Everything an operator can tune in the Memory Guild, under {@code memory.*}. */
@ConfigMapping(prefix = "memory")
public interface MemoryConfig {

    Contexts contexts();

    Memories memories();

    Embedding embedding();

    Index index();

    Search search();

    Backup backup();

    /** The MCP transport's DNS-rebinding protection ({@code memory.mcp.allowed-origins}, {@code allowed-hosts}). */
    McpTransportSettings mcp();

    interface Contexts {
        /** How deep a context tree may grow (a root is at depth 0). */
        @WithDefault("100")
        int maxDepth();
    }

    interface Memories {
        @WithDefault("32000")
        int maxContentChars();

        @WithDefault("16384")
        int maxMetadataBytes();
    }

    interface Embedding {
        /**
         * The embedding model: {@code e5-small-v2} (the best recall on bench/memory-quality),
         * {@code bge-small-en-v1.5} or {@code minilm} (the fastest). Changing it re-embeds every
         * memory in the background; search keeps answering meanwhile.
         */
        @WithDefault("e5-small-v2")
        String model();

        /**
         * Where the embedding runtime may unpack its native libraries (tokenizer, JNA). Relative
         * paths resolve against the working directory; never the user's home, which is often
         * read-only in containers.
         */
        @WithDefault("data/native")
        String nativeDirectory();

        /**
         * Threads that embed the texts of a batch in parallel, one text each; 0 means one per core.
         * A single text (a search's query) is embedded on the caller's thread.
         */
        @WithDefault("0")
        int threads();

        /**
         * Threads one inference is spread over. One, without spin-waiting, leaves the other cores
         * to Postgres while a search embeds its query; batches are parallel through {@link #threads()}.
         */
        @WithDefault("1")
        int intraOpThreads();

        /**
         * Contextual embedding: each memory is embedded together with the memory written just
         * before it in the same context (in a conversation, the turn before), so a reply such as
         * "Ruth, a retired chemist" is found by a question about the class it answers. Only the
         * vector changes; content, words and results stay the memory's own. Off by default: on
         * bench/memory-quality it found more answers given in a reply but fewer of the rest (the
         * turn before is often unrelated small talk there), the same recall@10 and a lower nDCG.
         * A vector is not remade when the memory before it changes later. The service-wide
         * default: a context chooses for itself with {@code contextualEmbedding} (true or false;
         * null follows this setting), e.g. a conversation on, a notebook of facts off.
         */
        @WithDefault("false")
        boolean contextual();

        /** Memories embedded per batch by the background worker. */
        @WithDefault("32")
        int batchSize();

        /** How often the worker looks for memories written elsewhere (other replicas, restores, events). */
        @WithDefault("2s")
        Duration pollInterval();

        /** A claimed memory whose embedding never arrived (a replica died) is claimed again after this. */
        @WithDefault("1m")
        Duration claimTimeout();

        /** Turns the background worker off (a replica that only serves reads, or a benchmark). */
        @WithDefault("true")
        boolean workerEnabled();
    }

    interface Index {
        /** Upper bound of vectors kept in the in-service index; least recently searched contexts go first. */
        @WithDefault("400000")
        int maxCachedVectors();

        /**
         * Load contexts into the index before their first search and follow their changes in the
         * background (within {@code max-cached-vectors}); off, a context loads on its first search.
         */
        @WithDefault("true")
        boolean warm();

        /** How often the warmer looks for contexts to load or bring up to date. */
        @WithDefault("1s")
        Duration warmInterval();
    }

    interface Search {
        @WithDefault("10")
        int defaultK();

        @WithDefault("100")
        int maxK();

        /**
         * Weight of the standardised semantic score in hybrid ranking. With the lexical weight,
         * tuned on bench/memory-quality (README): semantic 1 and lexical 0.08 ranked best (BM25's
         * standardised scores spread far wider than cosine similarities, so a small weight still counts).
         */
        @WithDefault("1.0")
        double semanticWeight();

        /** Weight of the standardised lexical (BM25) score in hybrid ranking. */
        @WithDefault("0.08")
        double lexicalWeight();

        /** Weight of recency (1 for a memory of now, halving every half-life) in hybrid ranking, in standard deviations. */
        @WithDefault("0.1")
        double recencyWeight();

        /** Age at which the recency part has halved. */
        @WithDefault("30d")
        Duration recencyHalfLife();

        /** How many candidates each list contributes to fusion, as a multiple of k (at least 50). */
        @WithDefault("5")
        int candidateFactor();
    }

    interface Backup {
        /** Where backup files are written; shared by every replica (a volume) in production. */
        @WithDefault("data/backups")
        String directory();

        /** Cron expression of scheduled backups of every context, or {@code off}. */
        @WithDefault("0 0 3 * * ?")
        String schedule();

        /** How many scheduled backups are kept; older ones are deleted with their files. */
        @WithDefault("7")
        int retention();
    }
}
