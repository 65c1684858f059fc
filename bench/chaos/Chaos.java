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
