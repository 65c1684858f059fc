package ai.prometheus.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Fault test: a steady invocation load through the registry while the Kafka broker restarts and
 * then PostgreSQL restarts. Afterwards every accepted invocation must have finished with exactly
 * one completed/failed event, usage must count every accepted call once, every outbox must be
 * drained and every service ready again, without restarting any service.
 *
 *   java -cp <engines classpath> bench/chaos/Chaos.java ROOT DURATION_SECONDS RATE_PER_SECOND
 */
public class Chaos {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    static final String REGISTRY = env("REGISTRY_URL", "http://127.0.0.1:8081");
    static final String[] SERVICES = {"http://127.0.0.1:8081", "http://127.0.0.1:8082", "http://127.0.0.1:8083",
        "http://127.0.0.1:8084"};
    static final String[] SCHEMAS = {"tool_registry", "sandbox", "memory_guild", "guardian"};

    public static void main(String[] args) throws Exception {
        String root = args[0];
        if (args[1].equals("--replicas")) {
            ReplicaChaos.run(root, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int duration = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        String admin = run(root, "bin/prometheus", "token", "--sub", "chaos-admin", "--groups", "admin").trim();
        String caller = run(root, "bin/prometheus", "token", "--sub", "chaos-agent", "--scope", "tools:read tools:invoke").trim();

        String tool = "chaos_echo_" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> registered = post(REGISTRY + "/api/v1/tools", admin, Map.of(
                "name", tool, "description", "echo for the fault test",
                "functionSignature", Map.of("type", "object", "properties", Map.of("n", Map.of("type", "integer"))),
                "implementation", Map.of("language", "python", "code",
                        "import json,sys; print(json.dumps(json.load(sys.stdin)))")));
        require(registered.statusCode() == 201, "could not register the tool: " + registered.body());

        largeResults(admin, caller);

        Map<String, String> accepted = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        // How each refusal was answered: status code, or "io" when no answer came at all.
        Map<String, AtomicInteger> refusals = new java.util.concurrent.ConcurrentSkipListMap<>();
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(8);
        long periodMicros = 1_000_000L / rate;
        load.scheduleAtFixedRate(() -> {
            int n = sent.incrementAndGet();
            String mode = n % 4 == 0 ? "sync" : "async";
            try {
                HttpResponse<String> response = post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", caller,
                        Map.of("arguments", Map.of("n", n), "mode", mode));
                if (response.statusCode() == 200 || response.statusCode() == 202) {
                    accepted.put(JSON.readTree(response.body()).get("id").asText(), mode);
                } else {
                    refused.incrementAndGet();
                    refusals.computeIfAbsent("HTTP " + response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                refused.incrementAndGet();
                refusals.computeIfAbsent("no answer", k -> new AtomicInteger()).incrementAndGet();
            }
        }, 0, periodMicros, TimeUnit.MICROSECONDS);

        Instant start = Instant.now();
        sleep(duration * 1000L / 4);
        log("restarting the Kafka broker");
        run(root, "bin/prometheus", "restart-engine", "kafka");
        sleep(duration * 1000L / 4);
        log("restarting PostgreSQL");
        run(root, "bin/prometheus", "restart-engine", "postgres");
        long remaining = duration * 1000L - Duration.between(start, Instant.now()).toMillis();
        sleep(Math.max(0, remaining));
        load.shutdown();
        load.awaitTermination(60, TimeUnit.SECONDS);
        log("load stopped: " + accepted.size() + " accepted, " + refused.get() + " refused of " + sent.get()
                + " (" + refusals + ")");

        // Everything accepted must finish; the system gets time to catch up.
        Instant deadline = Instant.now().plusSeconds(180);
        Map<String, String> statuses = new HashMap<>();
        while (true) {
            statuses.clear();
            int pending = 0;
            for (String id : accepted.keySet()) {
                HttpResponse<String> response = get(REGISTRY + "/api/v1/invocations/" + id, caller);
                String status = response.statusCode() == 200 ? JSON.readTree(response.body()).path("status").asText() : "MISSING";
                statuses.put(id, status);
                if (status.equals("PENDING")) {
                    pending++;
                }
            }
            if (pending == 0 || Instant.now().isAfter(deadline)) {
                break;
            }
            log(pending + " invocations still pending");
            sleep(3000);
        }

        Map<String, Set<String>> events = resultEvents(accepted.keySet(), Instant.now().plusSeconds(30));
        long lost = accepted.keySet().stream().filter(id -> events.getOrDefault(id, Set.of()).isEmpty()).count();
        long duplicated = accepted.keySet().stream().filter(id -> events.getOrDefault(id, Set.of()).size() > 1).count();
        long unfinished = statuses.values().stream().filter(s -> !s.equals("COMPLETED") && !s.equals("FAILED")).count();

        long usageCalls = 0;
        Instant usageDeadline = Instant.now().plusSeconds(60);
        do {
            HttpResponse<String> usage = get(REGISTRY + "/api/v1/tools/" + tool + "/usage?granularity=hour", admin);
            usageCalls = JSON.readTree(usage.body()).path("total").path("calls").asLong();
            if (usageCalls >= accepted.size()) {
                break;
            }
            sleep(2000);
        } while (Instant.now().isBefore(usageDeadline));

        Map<String, Long> unsent = unsentOutbox();
        List<String> notReady = new ArrayList<>();
        for (String service : SERVICES) {
            if (get(service + "/q/health/ready", null).statusCode() != 200) {
                notReady.add(service);
            }
        }

        System.out.println();
        System.out.println("| check                                        | count |");
        System.out.println("|----------------------------------------------|-------|");
        row("invocations sent", sent.get());
        row("accepted (200 sync / 202 async)", accepted.size());
        row("refused while an engine was down", refused.get());
        row("accepted but not finished", unfinished);
        row("accepted with no completed/failed event (lost)", lost);
        row("accepted with more than one event (duplicated)", duplicated);
        row("calls counted in usage", usageCalls);
        row("usage minus accepted", usageCalls - accepted.size());
        unsent.forEach((schema, count) -> row("unsent outbox rows in " + schema, count));
        row("services not ready", notReady.size());

        boolean ok = unfinished == 0 && lost == 0 && duplicated == 0 && usageCalls == accepted.size()
                && unsent.values().stream().allMatch(c -> c == 0) && notReady.isEmpty() && !accepted.isEmpty();
        System.out.println();
        System.out.println(ok ? "PASS: nothing lost, nothing counted twice" : "FAIL");
        System.exit(ok ? 0 : 1);
    }

    /**
     * Before the faults: a tool printing far more than the broker's 1 MB message limit, invoked
     * synchronously and asynchronously. Both must complete with their whole result, and the
     * outbox checks at the end show their events left (cut to the event budget) instead of
     * sticking.
     */
    static void largeResults(String admin, String caller) throws Exception {
        int chars = 5_000_000;
        String tool = "chaos_large_" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> registered = post(REGISTRY + "/api/v1/tools", admin, Map.of(
                "name", tool, "description", "prints far more than a Kafka message may hold",
                "functionSignature", Map.of("type", "object"),
                "implementation", Map.of("language", "python", "code", "import sys; sys.stdout.write('z' * " + chars + ")",
                        "limits", Map.of("outputBytes", 6_000_000, "wallMs", 30_000))));
        require(registered.statusCode() == 201, "could not register the large-result tool: " + registered.body());
        HttpResponse<String> sync = post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", caller,
                Map.of("arguments", Map.of(), "mode", "sync"));
        require(sync.statusCode() == 200 && JSON.readTree(sync.body()).path("result").asText().length() == chars,
                "the synchronous large result did not come back whole: HTTP " + sync.statusCode());
        HttpResponse<String> async = post(REGISTRY + "/api/v1/tools/" + tool + "/invocations", caller,
                Map.of("arguments", Map.of(), "mode", "async"));
        require(async.statusCode() == 202, "the asynchronous large result was refused: " + async.body());
        String id = JSON.readTree(async.body()).path("id").asText();
        Instant deadline = Instant.now().plusSeconds(120);
        JsonNode invocation;
        do {
            sleep(1000);
            invocation = JSON.readTree(get(REGISTRY + "/api/v1/invocations/" + id, caller).body());
        } while (invocation.path("status").asText().equals("PENDING") && Instant.now().isBefore(deadline));
        require(invocation.path("status").asText().equals("COMPLETED") && invocation.path("result").asText().length() == chars,
                "the asynchronous large result did not complete whole: " + invocation.path("status").asText()
                        + ", " + invocation.path("result").asText().length() + " characters");
        log("a " + chars + "-byte result completed whole, sync and async");
    }

    /** Distinct completed/failed event ids per invocation on the results topic, from the beginning. */
    static Map<String, Set<String>> resultEvents(Set<String> invocations, Instant until) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "chaos-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, Set<String>> events = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor("prometheus.tool-invocation.results").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (Instant.now().isBefore(until)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        JsonNode event = JSON.readTree(record.value());
                        String invocation = event.path("data").path("invocationId").asText();
                        if (invocations.contains(invocation)) {
                            events.computeIfAbsent(invocation, k -> new java.util.HashSet<>()).add(event.path("id").asText());
                        }
                    } catch (IOException e) {
                        // not an event of ours
                    }
                }
                boolean done = partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
                if (done) {
                    break;
                }
            }
        }
        return events;
    }

    static Map<String, Long> unsentOutbox() throws Exception {
        Map<String, Long> unsent = new java.util.LinkedHashMap<>();
        String url = "jdbc:postgresql://" + env("DB_HOST", "127.0.0.1") + ":" + env("DB_PORT", "5432") + "/"
                + env("DB_NAME", "prometheus");
        try (Connection db = DriverManager.getConnection(url, env("DB_USER", "prometheus"), env("DB_PASSWORD", "prometheus"));
                Statement statement = db.createStatement()) {
            for (String schema : SCHEMAS) {
                // A parked row (one Kafka can never take) is reported to the guardian, not unsent.
                try (ResultSet rs = statement.executeQuery("select count(*) from " + schema
                        + ".outbox where sent_at is null and parked_at is null")) {
                    rs.next();
                    unsent.put(schema, rs.getLong(1));
                }
            }
        }
        return unsent;
    }

    static HttpResponse<String> post(String url, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String run(String root, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(new java.io.File(root)).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes());
        String err = new String(process.getErrorStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + err);
        }
        return out;
    }

    static void row(String label, long count) {
        System.out.printf("| %-44s | %5d |%n", label, count);
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            System.err.println(message);
            System.exit(2);
        }
    }

    static void log(String message) {
        System.out.println(Instant.now() + " " + message);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

/**
 * Replica failure (bin/prometheus chaos --replicas, against {@code up --replicas 2}): a steady
 * sync + async invocation load spread over both registries while one replica of each service in
 * turn is killed with SIGKILL, left dead for a while and started again. The load behaves like a
 * load balancer in front of the registries: every request carries an Idempotency-Key, and one that
 * got no answer (refused connection, or reset by the kill) is repeated on the other registry with
 * the same key. Afterwards, from the registry's database and the results topic: every invocation of
 * the run's tool has exactly one completed/failed outcome and one result event, usage counts each
 * once, no outbox row is left unsent beyond a grace period, every run the kills interrupted is
 * reported as interrupted, and the surviving replicas answered throughout.
 */
class ReplicaChaos {

    static final String[] REGISTRIES = {"http://127.0.0.1:8081", "http://127.0.0.1:8091"};
    /** Killed in turn: the first or the second replica, so that both kinds are shown to recover. */
    static final String[] VICTIMS = {"tool-registry-service-2", "sandbox-service", "memory-guild-service-2",
        "guardian-service"};
    static final Map<String, Integer> PORTS = Map.of("tool-registry-service", 8081, "sandbox-service", 8082,
            "memory-guild-service", 8083, "guardian-service", 8084);
    static final String INTERRUPTED = "interrupted: the sandbox replica running it stopped before it finished";
    /** An outbox row younger than this may just not have been relayed yet. */
    static final Duration OUTBOX_GRACE = Duration.ofSeconds(30);

    final String root;
    final String state;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final Set<String> down = ConcurrentHashMap.newKeySet();
    /** Answers of the load by kind ("HTTP 503", "failed over: no answer", ...). */
    final Map<String, AtomicInteger> answers = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Readiness probes of the replicas that were not being killed, by instance and outcome. */
    final Map<String, AtomicInteger> probes = new java.util.concurrent.ConcurrentSkipListMap<>();
    final Map<String, String> accepted = new ConcurrentHashMap<>();
    /** Sync calls answered 409 in progress (their sandbox run was on a killed replica): repeated at the end. */
    final Map<String, Integer> inProgress = new ConcurrentHashMap<>();
    final AtomicInteger sent = new AtomicInteger();
    String caller;
    String tool;
    /** When the load started: parked outbox rows since then are this run's. */
    java.time.OffsetDateTime started;

    ReplicaChaos(String root) {
        this.root = root;
        String configured = System.getenv("PROMETHEUS_STATE");
        this.state = configured == null || configured.isBlank() ? root + "/.prometheus" : configured;
    }

    static void run(String root, int secondsPerKill, int rate) throws Exception {
        new ReplicaChaos(root).execute(secondsPerKill, rate);
    }

    void execute(int secondsPerKill, int rate) throws Exception {
        String admin = Chaos.run(root, "bin/prometheus", "token", "--sub", "chaos-admin", "--groups", "admin").trim();
        caller = Chaos.run(root, "bin/prometheus", "token", "--sub", "chaos-replicas-" + run, "--scope",
                "tools:read tools:invoke").trim();
        tool = "chaos_replicas_" + run;
        // Each run takes a moment, so that a killed sandbox replica has runs in flight.
        HttpResponse<String> registered = Chaos.post(REGISTRIES[0] + "/api/v1/tools", admin, Map.of(
                "name", tool, "description", "echo after a short sleep, for the replica fault test",
                "functionSignature", Map.of("type", "object", "properties", Map.of("n", Map.of("type", "integer"))),
                "implementation", Map.of("language", "python", "code",
                        "import json,sys,time; a=json.load(sys.stdin); time.sleep(0.2); print(json.dumps(a))")));
        Chaos.require(registered.statusCode() == 201, "could not register the tool: " + registered.body());
        started = java.time.OffsetDateTime.now();

        // The clock only hands calls to workers: a fixed-rate task never overlaps itself, so a call
        // made on it would hold the rate down to one per answer.
        java.util.concurrent.ExecutorService workers = Executors.newFixedThreadPool(32);
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(() -> {
            int n = sent.incrementAndGet();
            workers.execute(() -> invoke(n));
        }, 0, 1_000_000L / rate, TimeUnit.MICROSECONDS);
        ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
        prober.scheduleAtFixedRate(this::probe, 0, 500, TimeUnit.MILLISECONDS);

        Chaos.sleep(5000);
        for (String victim : VICTIMS) {
            kill(victim);
            Chaos.sleep(secondsPerKill * 1000L);
            restart(victim);
            Chaos.sleep(5000);
        }
        load.shutdown();
        load.awaitTermination(10, TimeUnit.SECONDS);
        workers.shutdown();
        workers.awaitTermination(180, TimeUnit.SECONDS);
        prober.shutdown();
        prober.awaitTermination(10, TimeUnit.SECONDS);
        Chaos.log("load stopped: " + sent.get() + " sent, " + accepted.size() + " accepted so far; answers " + answers);

        // Sync calls whose run was on the killed sandbox: the reaper ends that run as interrupted,
        // then the same key is answered with that outcome.
        int repeatedInProgress = inProgress.size();
        Instant deadline = Instant.now().plusSeconds(240);
        while (!inProgress.isEmpty() && Instant.now().isBefore(deadline)) {
            for (Map.Entry<String, Integer> call : List.copyOf(inProgress.entrySet())) {
                HttpResponse<String> response = send(call.getKey(), modeOf(call.getValue()), call.getValue());
                if (response != null && response.statusCode() != 409) {
                    inProgress.remove(call.getKey());
                    accept(response, modeOf(call.getValue()));
                }
            }
            if (!inProgress.isEmpty()) {
                Chaos.log(inProgress.size() + " sync invocations still in progress (interrupted runs wait for the reaper)");
                Chaos.sleep(5000);
            }
        }

        Map<String, Long> statuses = Map.of();
        deadline = Instant.now().plusSeconds(240);
        while (Instant.now().isBefore(deadline)) {
            statuses = query("select status::text, count(*) from tool_registry.invocations where tool_name = '" + tool
                    + "' group by 1");
            long pending = statuses.getOrDefault("PENDING", 0L);
            if (pending == 0) {
                break;
            }
            Chaos.log(pending + " invocations still pending");
            Chaos.sleep(5000);
        }
        long recorded = statuses.values().stream().mapToLong(Long::longValue).sum();
        Set<String> ids = new java.util.HashSet<>(queryColumn(
                "select id::text from tool_registry.invocations where tool_name = '" + tool + "'"));
        long acceptedMissing = accepted.keySet().stream().filter(id -> !ids.contains(id)).count();
        Map<String, Set<String>> events = Chaos.resultEvents(ids, Instant.now().plusSeconds(60));
        long lost = ids.stream().filter(id -> events.getOrDefault(id, Set.of()).isEmpty()).count();
        long duplicated = ids.stream().filter(id -> events.getOrDefault(id, Set.of()).size() > 1).count();
        long finished = statuses.getOrDefault("COMPLETED", 0L) + statuses.getOrDefault("FAILED", 0L);

        long usageCalls = 0;
        Instant usageDeadline = Instant.now().plusSeconds(60);
        do {
            HttpResponse<String> usage = Chaos.get(REGISTRIES[0] + "/api/v1/tools/" + tool + "/usage?granularity=hour", admin);
            usageCalls = Chaos.JSON.readTree(usage.body()).path("total").path("calls").asLong();
            if (usageCalls >= recorded) {
                break;
            }
            Chaos.sleep(2000);
        } while (Instant.now().isBefore(usageDeadline));

        // Asynchronous runs carry the tool's name; synchronous ones the invocation id as idempotency key.
        long interruptedRuns = queryLong("select count(*) from sandbox.executions where message = '" + INTERRUPTED
                + "' and (tool_name = '" + tool + "' or idempotency_key in (select id::text from"
                + " tool_registry.invocations where tool_name = '" + tool + "'))");
        long interruptedInvocations = queryLong("select count(*) from tool_registry.invocations where tool_name = '"
                + tool + "' and status::text = 'FAILED' and error_message like '%interrupted%'");
        long stillRunning = queryLong("select count(*) from sandbox.executions where status = 'RUNNING'"
                + " and (tool_name = '" + tool + "' or idempotency_key in (select id::text from"
                + " tool_registry.invocations where tool_name = '" + tool + "'))");
        long otherFailures = queryLong("select count(*) from tool_registry.invocations where tool_name = '"
                + tool + "' and status::text = 'FAILED' and coalesce(error_message, '') not like '%interrupted%'");
        Map<String, Long> stuck = new java.util.LinkedHashMap<>();
        Map<String, Long> parked = new java.util.LinkedHashMap<>();
        for (String schema : Chaos.SCHEMAS) {
            stuck.put(schema, queryLong("select count(*) from " + schema + ".outbox where sent_at is null and parked_at is null"
                    + " and created_at < now() - interval '" + OUTBOX_GRACE.toSeconds() + " seconds'"));
            parked.put(schema, queryLong("select count(*) from " + schema + ".outbox where parked_at is not null"
                    + " and created_at >= '" + started + "'"));
        }
        long probeFailures = probes.entrySet().stream().filter(e -> !e.getKey().endsWith(" ready"))
                .mapToLong(e -> e.getValue().get()).sum();
        long answered5xx = answers.entrySet().stream().filter(e -> e.getKey().startsWith("HTTP 5"))
                .mapToLong(e -> e.getValue().get()).sum();
        long unanswered = answers.entrySet().stream().filter(e -> e.getKey().startsWith("gave up"))
                .mapToLong(e -> e.getValue().get()).sum();

        System.out.println();
        System.out.println("| check                                                  | count |");
        System.out.println("|--------------------------------------------------------|-------|");
        row("invocations sent (sync 1 in 3)", sent.get());
        row("accepted (200 sync / 202 async, after fail-over)", accepted.size());
        answers.forEach((kind, count) -> row("  answer: " + kind, count.get()));
        row("sync calls answered 409 in progress, repeated later", repeatedInProgress);
        row("invocations recorded by the registry", recorded);
        statuses.forEach((status, count) -> row("  " + status, count));
        row("accepted but not recorded", acceptedMissing);
        row("recorded with no result event (lost)", lost);
        row("recorded with more than one result event (duplicated)", duplicated);
        row("calls counted in usage", usageCalls);
        row("usage minus recorded", usageCalls - recorded);
        row("sandbox runs interrupted by a kill (reaped)", interruptedRuns);
        row("invocations failed as interrupted", interruptedInvocations);
        row("invocations failed otherwise", otherFailures);
        row("sandbox runs still RUNNING", stillRunning);
        stuck.forEach((schema, count) -> row("outbox rows unsent > " + OUTBOX_GRACE.toSeconds() + " s in " + schema, count));
        parked.forEach((schema, count) -> row("outbox rows parked in " + schema, count));
        probes.forEach((kind, count) -> row("  probe: " + kind, count.get()));
        row("surviving replicas' failed readiness probes", probeFailures);

        boolean ok = !accepted.isEmpty() && inProgress.isEmpty() && statuses.getOrDefault("PENDING", 0L) == 0
                && finished == recorded && acceptedMissing == 0 && lost == 0 && duplicated == 0
                && usageCalls == recorded && interruptedRuns == interruptedInvocations && stillRunning == 0
                && stuck.values().stream().allMatch(c -> c == 0) && probeFailures == 0 && answered5xx == 0
                && unanswered == 0;
        System.out.println();
        System.out.println(ok ? "PASS: no invocation lost or doubled, usage exact, the survivors served throughout"
                : "FAIL");
        System.exit(ok ? 0 : 1);
    }

    /** One invocation through the registries, failing over to the other one when a registry gives no answer. */
    void invoke(int n) {
        String key = "chaos-" + run + "-" + n;
        HttpResponse<String> response = send(key, modeOf(n), n);
        if (response != null && response.statusCode() == 409 && response.body().contains("in-progress")) {
            inProgress.put(key, n);
        } else if (response != null) {
            accept(response, modeOf(n));
        }
    }

    static String modeOf(int n) {
        return n % 3 == 0 ? "sync" : "async";
    }

    void accept(HttpResponse<String> response, String mode) {
        int status = response.statusCode();
        if (status == 200 || status == 202) {
            try {
                accepted.put(Chaos.JSON.readTree(response.body()).get("id").asText(), mode);
            } catch (IOException e) {
                count(answers, "unreadable " + status);
            }
        }
    }

    /** Sends one request with its key, up to 6 tries over both registries; counts each answer by kind. */
    HttpResponse<String> send(String key, String mode, int n) {
        for (int attempt = 0; attempt < 6; attempt++) {
            String registry = REGISTRIES[Math.floorMod(n + attempt, 2)];
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(registry + "/api/v1/tools/" + tool + "/invocations"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + caller).header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(Chaos.JSON.writeValueAsString(
                                Map.of("arguments", Map.of("n", n), "mode", mode))))
                        .build();
                HttpResponse<String> response = Chaos.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                count(answers, "HTTP " + response.statusCode() + (attempt > 0 ? " after fail-over" : ""));
                return response;
            } catch (java.net.ConnectException e) {
                count(answers, "failed over: connection refused");
            } catch (IOException e) {
                count(answers, "failed over: no answer (" + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            Chaos.sleep(200);
        }
        count(answers, "gave up: no registry answered");
        return null;
    }

    void probe() {
        for (String instance : PORTS.keySet().stream().sorted().flatMap(s -> java.util.stream.Stream.of(s, s + "-2")).toList()) {
            if (down.contains(instance)) {
                continue;
            }
            String kind;
            try {
                int status = Chaos.get("http://127.0.0.1:" + port(instance) + "/q/health/ready", null).statusCode();
                kind = status == 200 ? "ready" : "HTTP " + status;
            } catch (IOException e) {
                kind = "no answer";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            count(probes, instance + " " + kind);
        }
    }

    void kill(String instance) throws Exception {
        String pid = java.nio.file.Files.readString(java.nio.file.Path.of(state, "run", instance + ".pid")).trim();
        down.add(instance);
        Chaos.log("kill -9 " + instance + " (pid " + pid + ")");
        Process kill = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
        Chaos.require(kill.waitFor() == 0, "could not kill " + instance);
    }

    void restart(String instance) throws Exception {
        Chaos.log("starting " + instance + " again");
        Chaos.run(root, "bin/prometheus", "start-instance", instance);
        Instant deadline = Instant.now().plusSeconds(240);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (Chaos.get("http://127.0.0.1:" + port(instance) + "/q/health/ready", null).statusCode() == 200) {
                    Chaos.log(instance + " is ready again");
                    down.remove(instance);
                    return;
                }
            } catch (IOException e) {
                // still starting
            }
            Chaos.sleep(1000);
        }
        Chaos.require(false, instance + " did not become ready again");
    }

    static int port(String instance) {
        boolean second = instance.endsWith("-2");
        return PORTS.get(second ? instance.substring(0, instance.length() - 2) : instance) + (second ? 10 : 0);
    }

    static void count(Map<String, AtomicInteger> counts, String kind) {
        counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    static void row(String label, long count) {
        System.out.printf("| %-54s | %5d |%n", label, count);
    }

    static Connection connect() throws java.sql.SQLException {
        String url = "jdbc:postgresql://" + Chaos.env("DB_HOST", "127.0.0.1") + ":" + Chaos.env("DB_PORT", "5432") + "/"
                + Chaos.env("DB_NAME", "prometheus");
        return DriverManager.getConnection(url, Chaos.env("DB_USER", "prometheus"), Chaos.env("DB_PASSWORD", "prometheus"));
    }

    static Map<String, Long> query(String sql) throws java.sql.SQLException {
        Map<String, Long> rows = new java.util.TreeMap<>();
        try (Connection db = connect(); Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        }
        return rows;
    }

    static List<String> queryColumn(String sql) throws java.sql.SQLException {
        List<String> values = new ArrayList<>();
        try (Connection db = connect(); Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static long queryLong(String sql) throws java.sql.SQLException {
        try (Connection db = connect(); Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
