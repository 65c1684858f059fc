package ai.prometheus.sandbox.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an operator can tune about the sandbox. Every key can be set by environment variable
 * the usual way ({@code sandbox.pool.size} is {@code SANDBOX_POOL_SIZE}).
 */
@ConfigMapping(prefix = "sandbox")
public interface SandboxConfig {

    Isolation isolation();

    Limits limits();

    Admission admission();

    Pool pool();

    Request request();

    Storage storage();

    Recovery recovery();

    Invocation invocation();

    Workspaces workspaces();

    /** Per-language overrides, keyed by language name ({@code python}, {@code node}, {@code bash}). */
    Map<String, LanguageSettings> languages();

    Python python();

    /** Runs at the same time: {@code sandbox.admission.concurrency}, else the number of cores. */
    default int runSlots() {
        return Math.max(1, admission().concurrency().orElse(Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Warm sandboxes per language: {@code sandbox.pool.size}, else as many as there are run slots,
     * so that as many runs as may run at once all find one ready instead of the second starting cold.
     */
    default int poolSize() {
        return Math.max(0, pool().size().orElse(runSlots()));
    }

    /** Where the sandbox keeps its own files: uid block locks, the seccomp filter, session workspaces. */
    @WithDefault("${java.io.tmpdir}/prometheus-sandbox")
    String stateDir();

    interface Isolation {

        /**
         * Development only: run code without bubblewrap (rlimits only). Never in production; the
         * service logs a warning at start and on every run while it is on.
         */
        @WithDefault("false")
        boolean insecureDisable();

        @WithDefault("/usr/bin/bwrap")
        String bwrap();

        /**
         * How a sandbox's first step (rlimits, the seccomp descriptor, the uid) is taken: {@code native}
         * runs the service's own {@code sandbox-launch} program, built with the service when a C compiler
         * is present (a build without it is not ready, and says so); {@code shell} is a development mode
         * for builds without a C compiler: a POSIX shell script, {@code chown} and {@code setpriv} (three
         * execs, about 2 ms more per cold start, no init in the sandbox, no egress), logged at start.
         */
        @WithDefault("native")
        LauncherKind launcher();

        /** Used by the {@code shell} launcher. */
        @WithDefault("/usr/bin/setpriv")
        String setpriv();

        /**
         * The POSIX shell of the {@code shell} launcher's script, which sets the rlimits with its {@code ulimit} builtin
         * (dash or busybox ash: {@code -p} is the process limit) and opens the seccomp filter.
         */
        @WithDefault("/bin/sh")
        String shell();

        /** Load the seccomp filter (denies ptrace, mount, namespaces, non-Unix sockets, ...). */
        @WithDefault("true")
        boolean seccomp();

        /** {@code auto} uses cgroups (v1 or v2, detected) when the host lets the service create them; {@code off} never. */
        @WithDefault("auto")
        String cgroups();

        /** Host paths mounted read-only into every sandbox: what the interpreters need, nothing else. */
        @WithDefault("/usr,/etc/ld.so.cache,/etc/alternatives")
        List<String> readOnlyPaths();

        /** First host uid of the range sandboxes run as; the service claims a block of it per replica. */
        @WithDefault("100000")
        int uidBase();

        /** Uids per block: every live sandbox (running or warm) holds one. */
        @WithDefault("64")
        int uidBlockSize();

        /** How many blocks the range holds; replicas on one host claim different blocks. */
        @WithDefault("256")
        int uidBlocks();

        /**
         * Where instances on one host claim their uid blocks (a lock file per block, released by the
         * kernel when an instance dies). Host-wide, so instances with different state directories
         * never run as the same uids or purge each other's cgroups; where it cannot be written (a
         * read-only root file system) the state directory's {@code locks/} is used instead.
         */
        @WithDefault("/run/prometheus-sandbox")
        String uidLockDir();

        /** The uid and gid the code sees inside the sandbox. */
        @WithDefault("1000")
        int innerUid();

        @WithDefault("256")
        int maxOpenFiles();

        /** How often isolation is probed again while it is unavailable. */
        @WithDefault("30s")
        Duration reprobeInterval();
    }

    interface Limits {
        LimitValues defaults();

        LimitValues max();

        /** Below this a language runtime cannot even start. */
        @WithDefault("16")
        int minMemoryMb();
    }

    interface LimitValues {
        long cpuMs();

        long wallMs();

        int memoryMb();

        int maxProcesses();

        long outputBytes();

        int diskMb();

        /** Bytes through the egress proxy, both ways together (runs with a network policy only). */
        long egressBytes();

        /** Connections through the egress proxy, refused ones included (runs with a network policy only). */
        int egressConnections();
    }

    interface Admission {
        /** Runs at the same time; defaults to the number of cores. */
        Optional<Integer> concurrency();

        /** Runs waiting for a free slot; beyond it the answer is 429 with Retry-After. */
        @WithDefault("16")
        int queue();
    }

    interface Pool {
        /**
         * Pre-started sandboxes kept waiting per language (0 disables the warm pool); by default one
         * per run slot (see {@link SandboxConfig#poolSize()}).
         */
        Optional<Integer> size();

        /** How long to wait for a new sandbox to announce it is ready. */
        @WithDefault("10s")
        Duration startTimeout();

        /**
         * A run that finds no warm sandbox but one of its profile already starting waits for that one
         * (at most until it is ready or fails) instead of starting a second sandbox beside it: on a
         * small machine two interpreter starts at once each take about twice as long, and the waiting
         * run is served sooner than a cold start would be. {@code false}: start cold at once.
         */
        @WithDefault("true")
        boolean awaitStarting();

        /**
         * How long after a run whose caller writes no answer after it (a tool invocation over
         * Kafka, a session's run) its replacement starts while another sandbox of the language is
         * still waiting: on a small machine the replacement's interpreter start would otherwise
         * compete with the run's answer (the row's write, the response). With the pool empty the
         * replacement starts at once. {@code 0}: always at once.
         */
        @WithDefault("50ms")
        Duration refillDelay();

        /**
         * For a run whose caller writes an answer after it (a REST execution: the row, the
         * response): while another sandbox of the language is still waiting, the used sandbox's
         * teardown and its replacement's start wait until the answer has been written, at most
         * this long; a run that needs the replacement sooner starts it at once. On a small machine
         * they cost the answer several milliseconds otherwise.
         */
        @WithDefault("1s")
        Duration answerWait();

        /**
         * The CPU priority of sandboxes started for the pool while they start and wait: {@code low}
         * (a cpu cgroup of the lowest weight beside the service's own threads; cgroup v1 with the cpu
         * controller) lets a replacement's interpreter start yield to the request path; a run takes
         * its sandbox out before its code is sent, and a run waiting for a start lifts the group to the
         * normal weight meanwhile. Where the cpu controller is unavailable it is logged once and
         * sandboxes start at the normal priority. {@code normal} (the default): as every other process of
         * the service. Not the default: on a loaded two-core host the low weight starved the refill
         * and sequential calls waited for it (README, "Pooled starts at a low CPU priority").
         */
        @WithDefault("normal")
        WarmPriority warmPriority();
    }

    interface Request {
        @WithDefault("262144")
        int maxCodeBytes();

        @WithDefault("1048576")
        int maxStdinBytes();
    }

    interface Storage {
        /** Stdout and stderr are stored up to this many bytes each; the response carries everything captured. */
        @WithDefault("65536")
        int maxStoredOutputBytes();

        @WithDefault("262144")
        int maxStoredCodeBytes();

        /**
         * Whether the rows of REST executions (an Idempotency-Key's claim, the run's record, with
         * its report to the guardian when it has one) wait for PostgreSQL to flush its log before
         * the answer. Off by default: the caller holds the answer, and a flush (2 to 3 ms on the
         * development machine's disk, more under load) was the largest part of the REST path's
         * own cost. A crash of PostgreSQL or of its host (not a clean restart) may then lose the
         * last fraction of a second of such rows, each whole: a lost record is an execution no
         * longer listed, a lost claim lets a retry with the same key run the code again. The outbox
         * relay flushes the log before it publishes a report, so no report outlives its row. The
         * claim of a run that can change something outside its sandbox (a network policy, a
         * session's workspace) always waits, and so do the Kafka path's writes (its request is
         * acknowledged to Kafka once they commit; a lost result would never be sent).
         */
        @WithDefault("false")
        boolean synchronousCommit();
    }

    interface Recovery {
        /** How often runs left RUNNING by a stopped replica are looked for. */
        @WithDefault("30s")
        Duration interval();

        /**
         * How long past its wall limit a RUNNING row must be before it counts as interrupted;
         * generous, because a tool invocation may wait for a free slot before it runs.
         */
        @WithDefault("5m")
        Duration grace();
    }

    interface Invocation {
        /**
         * Stdout above this size travels by reference: the result event carries its start and the
         * registry fetches the whole of it (GET /api/v1/executions/invocations/{id}/result).
         */
        @WithDefault("262144")
        int maxResultBytes();

        /**
         * How long a cancellation request is kept ({@code run_cancellations}); long after the run
         * it stopped ended, since a run lasts at most the maximum wall time.
         */
        @WithDefault("24h")
        Duration cancellationRetention();

        /**
         * How often a replica also looks for requests about the runs it holds, for a notification
         * it missed while its listening connection was down.
         */
        @WithDefault("5s")
        Duration cancellationPollInterval();

        /** How often cancellation requests older than the retention are deleted. */
        @WithDefault("1h")
        Duration cancellationCleanupInterval();
    }

    interface Workspaces {
        /**
         * {@code auto}: the kernel holds every workspace to its byte and inode quota: a session's is
         * a tmpfs the service mounts, a fresh run's a tmpfs {@code sandbox-launch} mounts in the
         * sandbox's own mount namespace (for /workspace, /tmp and /dev/shm together), where the
         * service runs as root and may mount; elsewhere it falls back to a periodic scan of session
         * workspaces (bytes only), with a warning at start and in the readiness check.
         * {@code off}: always the scan. A tmpfs lives in memory: see {@code sandbox.sessions.total-quota-mb}.
         */
        @WithDefault("auto")
        String kernelQuota();

        /** Files and directories a fresh run may create in /workspace, /tmp and /dev/shm together. */
        @WithDefault("4096")
        int runInodes();
    }

    interface Python {
        /**
         * Modules a python sandbox may import before it announces readiness ({@code none}: none),
         * so that in a warm sandbox their import is done before the code arrives. The default,
         * json, is what a tool needs to read its arguments (about 8 ms of a trivial tool's run).
         * A module that fails to import is skipped.
         */
        @WithDefault("json")
        List<String> preload();

        /**
         * {@code used}: a sandbox imports those of {@link #preload()} that at least half of the
         * recent python runs' code named, so code that does not use them does not pay their CPU at
         * every start; {@code always}: all of them.
         */
        @WithDefault("used")
        PreloadMode preloadMode();

        /** {@link #preload()} with {@code none} read as no module. */
        default List<String> preloadModules() {
            return preload().equals(List.of("none")) ? List.of() : preload();
        }
    }

    interface LanguageSettings {
        /** The interpreter binary on the host. */
        Optional<String> executable();

        /** Overrides {@code sandbox.pool.size} for this language. */
        Optional<Integer> poolSize();
    }

    /** See {@link Python#preloadMode()}. */
    enum PreloadMode {
        USED,
        ALWAYS
    }

    /** See {@link Pool#warmPriority()}. */
    enum WarmPriority {
        LOW,
        NORMAL
    }

    /** See {@link Isolation#launcher()}. */
    enum LauncherKind {
        NATIVE,
        SHELL
    }
}
