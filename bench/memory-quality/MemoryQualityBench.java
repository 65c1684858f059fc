package ai.prometheus.bench.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * Retrieval quality of the memory guild's search on the conversations in {@code data/} (see
 * {@code GenerateDataset.java}): for each embedding model, a fresh service and database; every
 * turn written through HTTP as a memory ("Speaker: text") in its conversation's context, in
 * order; every question asked with k=10 in each search mode. Reported per mode and question
 * type: recall@5 and recall@10 (the share of evidence turns found), nDCG@10 and MRR, next to an
 * Okapi BM25 over the same turns computed here in the same run, and search latency. Then, for
 * the last model, search latency in a context of 12,000 memories.
 */
public class MemoryQualityBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DB = "prometheus_bench_memory_quality";
    static final List<String> MODES = List.of("lexical", "semantic", "hybrid");
    static final List<String> TYPES = List.of("single", "multi-hop", "temporal", "paraphrase", "changed");

    final Path data;
    final Path jar;
    final Path out;
    final List<String> models = List.of(env("MEMORY_QUALITY_MODELS", "minilm").split(","));
    final int scale = Integer.parseInt(env("MEMORY_QUALITY_SCALE", "12000"));
    final Map<String, String> serviceSettings = settings(env("MEMORY_QUALITY_SETTINGS", ""));
    final String dbHost = env("DB_HOST", "127.0.0.1");
    final String dbPort = env("DB_PORT", "5432");
    final String dbUser = env("DB_USER", "prometheus");
    final String dbPassword = env("DB_PASSWORD", "prometheus");
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final List<JsonNode> turns = new ArrayList<>();
    final List<JsonNode> questions = new ArrayList<>();
    final Map<String, List<JsonNode>> turnsByConversation = new LinkedHashMap<>();
    final List<String> table = new ArrayList<>();
    final List<String> speed = new ArrayList<>();
    KeyPair keys;
    String token;
    String base;
    Process service;

    MemoryQualityBench(Path data, Path jar, Path out) {
        this.data = data;
        this.jar = jar;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        MemoryQualityBench bench = new MemoryQualityBench(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        try {
            bench.run();
        } finally {
            bench.stopService();
            bench.dropDatabase();
        }
    }

    void run() throws Exception {
        for (String line : Files.readAllLines(data.resolve("turns.jsonl"))) {
            JsonNode turn = JSON.readTree(line);
            turns.add(turn);
            turnsByConversation.computeIfAbsent(turn.path("conversation").asText(), c -> new ArrayList<>()).add(turn);
        }
        for (String line : Files.readAllLines(data.resolve("questions.jsonl"))) {
            questions.add(JSON.readTree(line));
        }
        Map<String, Integer> byType = new LinkedHashMap<>();
        questions.forEach(q -> byType.merge(q.path("type").asText(), 1, Integer::sum));
        System.out.printf("memory-guild retrieval quality: %d conversations, %d turns, %d questions %s; models %s; %d cores%n",
                turnsByConversation.size(), turns.size(), questions.size(), byType, models,
                Runtime.getRuntime().availableProcessors());
        Scores bm25 = baseline();
        header();
        addRows("BM25 baseline (this run)", bm25);
        for (int m = 0; m < models.size(); m++) {
            String model = models.get(m);
            dropDatabase();
            createDatabase();
            startService(model);
            Map<String, UUID> contexts = writeTurns(model);
            Map<String, Scores> scores = ask(contexts);
            for (String mode : MODES) {
                addRows(model + " " + mode, scores.get(mode));
            }
            if (m == models.size() - 1 && scale > 0) {
                scaleLatency(model, contexts);
            }
            stopService();
        }
        print(bm25);
    }

    // --- the baseline -------------------------------------------------------------------------

    /** Okapi BM25 (k1 = 1.2, b = 0.75) over each conversation's turns, the text as written to the service. */
    Scores baseline() {
        Scores scores = new Scores();
        Map<String, Bm25> indexes = new HashMap<>();
        turnsByConversation.forEach((conversation, list) -> indexes.put(conversation, new Bm25(list)));
        for (JsonNode question : questions) {
            List<String> ranked = indexes.get(question.path("conversation").asText())
                    .search(question.path("question").asText(), 10);
            scores.add(question, ranked, 0);
        }
        return scores;
    }

    static final Set<String> STOP = Set.of("a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with",
            "is", "was", "were", "be", "been", "it", "its", "i", "me", "my", "we", "our", "you", "your", "he", "she",
            "him", "her", "his", "they", "them", "their", "what", "which", "who", "whom", "where", "when", "how", "did",
            "do", "does", "that", "this", "so", "but", "as", "by", "from", "are", "s", "t", "not", "will", "has", "have");

    static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty() || STOP.contains(word)) {
                continue;
            }
            // A light suffix strip, so that "hiking" meets "hike" and "dogs" meets "dog".
            String stem = word.replaceAll("(ing|ed|es|s)$", "");
            terms.add(stem.length() >= 3 ? stem : word);
        }
        return terms;
    }

    static final class Bm25 {
        final List<String> ids = new ArrayList<>();
        final List<Map<String, Integer>> tf = new ArrayList<>();
        final int[] lengths;
        final Map<String, Integer> df = new HashMap<>();
        final double averageLength;

        Bm25(List<JsonNode> turns) {
            lengths = new int[turns.size()];
            long total = 0;
            for (int i = 0; i < turns.size(); i++) {
                JsonNode turn = turns.get(i);
                ids.add(turn.path("id").asText());
                List<String> terms = terms(content(turn));
                Map<String, Integer> counts = new HashMap<>();
                terms.forEach(term -> counts.merge(term, 1, Integer::sum));
                counts.keySet().forEach(term -> df.merge(term, 1, Integer::sum));
                tf.add(counts);
                lengths[i] = terms.size();
                total += terms.size();
            }
            averageLength = total / (double) Math.max(1, turns.size());
        }

        List<String> search(String query, int k) {
            Set<String> asked = new HashSet<>(terms(query));
            double n = ids.size();
            List<double[]> scored = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                double score = 0;
                for (String term : asked) {
                    Integer f = tf.get(i).get(term);
                    if (f == null) {
                        continue;
                    }
                    double idf = Math.log(1 + (n - df.get(term) + 0.5) / (df.get(term) + 0.5));
                    score += idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * lengths[i] / averageLength));
                }
                if (score > 0) {
                    scored.add(new double[] {score, i});
                }
            }
            scored.sort((a, b) -> Double.compare(b[0], a[0]));
            List<String> ranked = new ArrayList<>();
            for (int i = 0; i < Math.min(k, scored.size()); i++) {
                ranked.add(ids.get((int) scored.get(i)[1]));
            }
            return ranked;
        }
    }

    static String content(JsonNode turn) {
        return turn.path("speaker").asText() + ": " + turn.path("text").asText();
    }

    // --- the service --------------------------------------------------------------------------

    /** Each conversation in its own context, its turns written in order (conversations in parallel). */
    Map<String, UUID> writeTurns(String model) throws Exception {
        Map<String, UUID> contexts = new LinkedHashMap<>();
        for (String conversation : turnsByConversation.keySet()) {
            ObjectNode body = JSON.createObjectNode().put("name", conversation);
            HttpResponse<String> created = post("/api/v1/contexts", body);
            require(created, 201);
            contexts.put(conversation, UUID.fromString(JSON.readTree(created.body()).path("id").asText()));
        }
        ExecutorService clients = Executors.newFixedThreadPool(turnsByConversation.size());
        long started = System.nanoTime();
        List<Future<?>> writes = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> entry : turnsByConversation.entrySet()) {
            UUID context = contexts.get(entry.getKey());
            writes.add(clients.submit(() -> {
                for (JsonNode turn : entry.getValue()) {
                    // Each turn happened on its session's date (a second apart, in order); questions are asked as of
                    // their own date, so dates in them ("in April 2023", "last month") mean what they meant then.
                    ObjectNode body = JSON.createObjectNode().put("content", content(turn)).put("kind", "turn")
                            .put("occurredAt", occurredAt(turn));
                    body.putObject("metadata").put("turn", turn.path("id").asText())
                            .put("speaker", turn.path("speaker").asText()).put("session", turn.path("session").asInt())
                            .put("date", turn.path("date").asText());
                    HttpResponse<String> written = post("/api/v1/contexts/" + context + "/memories", body);
                    if (written.statusCode() != 201 && written.statusCode() != 200) {
                        throw new IllegalStateException("write failed: " + written.statusCode() + " " + written.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> write : writes) {
            write.get();
        }
        clients.shutdown();
        awaitEmbedded();
        double seconds = (System.nanoTime() - started) / 1e9;
        long rss = residentKilobytes();
        speed.add(String.format("| %s | %,.0f turns/s | %,d MB |", model, turns.size() / seconds, rss / 1024));
        return contexts;
    }

    /** Every question in every mode; memory ids mapped back to turn ids through the metadata. */
    Map<String, Scores> ask(Map<String, UUID> contexts) throws Exception {
        Map<String, Scores> scores = new LinkedHashMap<>();
        for (String mode : MODES) {
            scores.put(mode, new Scores());
            // Untimed first pass: a steady service answers from a warm JIT.
            for (int q = 0; q < Math.min(100, questions.size()); q++) {
                search(contexts, questions.get(q), mode, 10);
            }
        }
        for (JsonNode question : questions) {
            for (String mode : MODES) {
                long started = System.nanoTime();
                JsonNode answer = search(contexts, question, mode, 10);
                double millis = (System.nanoTime() - started) / 1e6;
                List<String> ranked = new ArrayList<>();
                for (JsonNode result : answer.path("results")) {
                    ranked.add(result.path("memory").path("metadata").path("turn").asText());
                }
                scores.get(mode).add(question, ranked, millis);
            }
        }
        return scores;
    }

    /** Noon of the turn's session date plus one second per turn of the session, so a session's turns keep their order. */
    static String occurredAt(JsonNode turn) {
        String id = turn.path("id").asText();
        int index = Integer.parseInt(id.substring(id.lastIndexOf("-t") + 2));
        return java.time.LocalDate.parse(turn.path("date").asText()).atTime(12, 0).plusSeconds(index)
                .toInstant(java.time.ZoneOffset.UTC).toString();
    }

    JsonNode search(Map<String, UUID> contexts, JsonNode question, String mode, int k) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("query", question.path("question").asText()).put("mode", mode)
                .put("k", k).put("scope", "context");
        if (question.hasNonNull("asOf")) {
            body.put("asOf", question.path("asOf").asText() + "T12:00:00Z");
        }
        HttpResponse<String> answer = post("/api/v1/contexts/" + contexts.get(question.path("conversation").asText())
                + "/search", body);
        require(answer, 200);
        return JSON.readTree(answer.body());
    }

    /**
     * Search latency with 12,000 memories in scope: the first conversation's context is filled up
     * with the other conversations' turns (restored from an uploaded backup, embedded by the
     * service), then every question of that conversation is asked again in each mode.
     */
    void scaleLatency(String model, Map<String, UUID> contexts) throws Exception {
        String first = contexts.keySet().iterator().next();
        UUID context = contexts.get(first);
        int present = turnsByConversation.get(first).size();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int added = 0;
        try (GZIPOutputStream gzip = new GZIPOutputStream(file)) {
            ObjectNode header = JSON.createObjectNode().put("format", "prometheus-memory-backup").put("version", 1)
                    .put("createdAt", now().toString()).put("embeddingModel", "none").put("dimensions", 384);
            header.putArray("roots").add(context.toString());
            line(gzip, header);
            line(gzip, JSON.createObjectNode().put("type", "context").put("id", context.toString())
                    .put("name", first).put("owner", "bench-admin").put("createdAt", now().toString()));
            OffsetDateTime created = now().minusDays(400);
            for (int round = 0; present + added < scale; round++) {
                for (JsonNode turn : turns) {
                    if (present + added >= scale) {
                        break;
                    }
                    if (turn.path("conversation").asText().equals(first) && round == 0) {
                        continue;
                    }
                    created = created.plusSeconds(60);
                    // Distinct text per round: identical content in one context is stored once.
                    line(gzip, JSON.createObjectNode().put("type", "memory").put("id", UUID.randomUUID().toString())
                            .put("contextId", context.toString()).put("content", content(turn) + " (" + round + ")")
                            .put("kind", "turn").put("importance", 0.5).put("createdBy", "bench")
                            .put("createdAt", created.toString()).put("updatedAt", created.toString()));
                    added++;
                }
            }
            line(gzip, JSON.createObjectNode().put("type", "end").put("contexts", 1).put("memories", added)
                    .put("shares", 0));
        }
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/backups/upload"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(file.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        require(upload, 201);
        String id = JSON.readTree(upload.body()).path("id").asText();
        require(post("/api/v1/backups/" + id + "/restore", JSON.createObjectNode()), 200);
        awaitEmbedded();
        List<JsonNode> asked = questions.stream().filter(q -> q.path("conversation").asText().equals(first)).toList();
        for (String mode : MODES) {
            for (JsonNode question : asked) {
                search(contexts, question, mode, 10);
            }
            List<Double> latencies = new ArrayList<>();
            for (JsonNode question : asked) {
                long started = System.nanoTime();
                search(contexts, question, mode, 10);
                latencies.add((System.nanoTime() - started) / 1e6);
            }
            latencies.sort(Double::compare);
            speed.add(String.format("| %s %s search, %,d memories in scope | p50 %.1f ms, p95 %.1f ms |  |", model, mode,
                    present + added, at(latencies, 0.5), at(latencies, 0.95)));
        }
    }

    // --- scoring ------------------------------------------------------------------------------

    /** Sums of the metrics, overall and per question type, and latencies. */
    static final class Scores {
        final Map<String, double[]> sums = new LinkedHashMap<>(); // type -> r5, r10, ndcg, mrr, count
        final List<Double> latencies = new ArrayList<>();

        void add(JsonNode question, List<String> ranked, double millis) {
            Set<String> evidence = new HashSet<>();
            question.path("evidence").forEach(e -> evidence.add(e.asText()));
            double found5 = 0;
            double found10 = 0;
            double dcg = 0;
            double reciprocal = 0;
            for (int i = 0; i < Math.min(10, ranked.size()); i++) {
                if (evidence.contains(ranked.get(i))) {
                    if (i < 5) {
                        found5++;
                    }
                    found10++;
                    dcg += 1 / log2(i + 2);
                    if (reciprocal == 0) {
                        reciprocal = 1.0 / (i + 1);
                    }
                }
            }
            double ideal = 0;
            for (int i = 0; i < Math.min(10, evidence.size()); i++) {
                ideal += 1 / log2(i + 2);
            }
            double[] metrics = {found5 / evidence.size(), found10 / evidence.size(), dcg / ideal, reciprocal, 1};
            for (String type : List.of("all", question.path("type").asText())) {
                double[] sum = sums.computeIfAbsent(type, t -> new double[5]);
                for (int m = 0; m < metrics.length; m++) {
                    sum[m] += metrics[m];
                }
            }
            latencies.add(millis);
        }

        double mean(String type, int metric) {
            double[] sum = sums.get(type);
            return sum == null ? Double.NaN : sum[metric] / sum[4];
        }

        String latency() {
            if (latencies.stream().allMatch(l -> l == 0)) {
                return "";
            }
            List<Double> sorted = new ArrayList<>(latencies);
            sorted.sort(Double::compare);
            return String.format("%.1f / %.1f ms", at(sorted, 0.5), at(sorted, 0.95));
        }

        static double log2(double x) {
            return Math.log(x) / Math.log(2);
        }
    }

    final Map<String, Scores> all = new LinkedHashMap<>();

    void header() {
        StringBuilder line = new StringBuilder("| search | recall@5 | recall@10 | nDCG@10 | MRR |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
        for (String type : TYPES) {
            line.append(" R@10 ").append(type).append(" |");
            rule.append("---|");
        }
        line.append(" latency p50 / p95 |");
        rule.append("---|");
        table.add(line.toString());
        table.add(rule.toString());
    }

    void addRows(String name, Scores scores) {
        all.put(name, scores);
        StringBuilder line = new StringBuilder(String.format("| %s | %.3f | %.3f | %.3f | %.3f |", name,
                scores.mean("all", 0), scores.mean("all", 1), scores.mean("all", 2), scores.mean("all", 3)));
        for (String type : TYPES) {
            line.append(String.format(" %.3f |", scores.mean(type, 1)));
        }
        line.append(' ').append(scores.latency()).append(" |");
        table.add(line.toString());
        System.out.println(line);
    }

    void print(Scores bm25) {
        System.out.println();
        System.out.println("Retrieval quality (k=10; recall = share of evidence turns found; latency over HTTP):");
        System.out.println();
        table.forEach(System.out::println);
        System.out.println();
        System.out.println("| model | write + embed throughput (HTTP, 3 clients) | service resident memory |");
        System.out.println("|---|---|---|");
        speed.forEach(System.out::println);
        System.out.println();
        double baseline = bm25.mean("all", 1);
        System.out.println("Targets (recall@10 against the BM25 baseline of this run, " + String.format("%.3f", baseline) + "):");
        for (String model : models) {
            Scores hybrid = all.get(model + " hybrid");
            Scores semantic = all.get(model + " semantic");
            System.out.printf("  %s: hybrid %.3f = %.2fx BM25 (target >= 1.35x: %s); semantic %.3f %s BM25%n", model,
                    hybrid.mean("all", 1), hybrid.mean("all", 1) / baseline,
                    hybrid.mean("all", 1) / baseline >= 1.35 ? "met" : "NOT met", semantic.mean("all", 1),
                    semantic.mean("all", 1) > baseline ? "above" : "NOT above");
        }
    }

    // --- plumbing -----------------------------------------------------------------------------

    void createDatabase() throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl("postgres"), dbUser, dbPassword);
                Statement statement = db.createStatement()) {
            statement.execute("create database " + DB);
        }
    }

    void dropDatabase() {
        try (Connection db = DriverManager.getConnection(jdbcUrl("postgres"), dbUser, dbPassword);
                Statement statement = db.createStatement()) {
            statement.execute("drop database if exists " + DB + " with (force)");
        } catch (Exception e) {
            System.err.println("could not drop " + DB + ": " + e.getMessage());
        }
    }

    void startService(String model) throws Exception {
        Path state = out.resolve("state");
        Files.createDirectories(state.resolve("tmp"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        Path publicKey = state.resolve("public.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        token = token("bench-admin", "memory:read memory:write memory:admin");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx1g", "-Djava.io.tmpdir=" + state.resolve("tmp"),
                "-jar", jar.toString());
        Map<String, String> env = builder.environment();
        env.put("PORT", Integer.toString(port));
        env.put("DB_NAME", DB);
        env.put("JWT_PUBLIC_KEY_LOCATION", publicKey.toString());
        env.put("JWT_ISSUER", "memory-bench");
        env.put("MEMORY_BACKUP_DIR", state.resolve("backups").toString());
        env.put("MEMORY_NATIVE_DIR", state.resolve("native").toString());
        env.put("MEMORY_BACKUP_SCHEDULE", "off");
        env.put("MEMORY_EMBEDDING_MODEL", model);
        env.put("QUARKUS_OTEL_SDK_DISABLED", "true");
        env.putAll(serviceSettings);
        builder.redirectErrorStream(true).redirectOutput(state.resolve("service-" + model + ".log").toFile());
        service = builder.start();
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/contexts"))
                        .header("Authorization", "Bearer " + token).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (Instant.now().isAfter(deadline) || !service.isAlive()) {
                throw new IllegalStateException("the service did not start; see " + state.resolve("service-" + model + ".log"));
            }
            Thread.sleep(250);
        }
    }

    void stopService() throws Exception {
        if (service != null) {
            service.destroy();
            service.waitFor();
            service = null;
        }
    }

    long residentKilobytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + service.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // not Linux: no figure
        }
        return 0;
    }

    void awaitEmbedded() throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl(DB), dbUser, dbPassword);
                PreparedStatement pending = db.prepareStatement(
                        "select count(*) from memory_guild.memories where needs_embedding")) {
            while (true) {
                try (ResultSet rs = pending.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    HttpResponse<String> post(String path, JsonNode body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void require(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    String token(String subject, String scope) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = url.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = url.encodeToString(JSON.writeValueAsBytes(JSON.createObjectNode().put("iss", "memory-bench")
                .put("sub", subject).put("upn", subject).put("scope", scope).put("iat", now).put("exp", now + 8 * 3600)
                .put("jti", UUID.randomUUID().toString())));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(keys.getPrivate());
        signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + url.encodeToString(signature.sign());
    }

    static void line(GZIPOutputStream out, JsonNode node) throws IOException {
        out.write(JSON.writeValueAsBytes(node));
        out.write('\n');
    }

    static double at(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + database;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** {@code NAME=value,NAME=value}: extra environment for the service (fusion weights, options under test). */
    static Map<String, String> settings(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                settings.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        return settings;
    }
}
