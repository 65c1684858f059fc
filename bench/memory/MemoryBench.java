package ai.prometheus.bench.memory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * Drives a real memory-guild-service (its built jar, a fresh database) through the workload the
 * issue asks for and prints one table:
 *
 * <ol>
 * <li>a context tree: 5 teams, 4 agents per team, 3 tasks per agent (85 contexts);
 * <li>writes through HTTP with 8 clients, until every memory is embedded (write throughput
 *     including embedding);
 * <li>the rest of the 100,000 memories through an uploaded backup without embeddings, which the
 *     service embeds in the background (embedding throughput at scale);
 * <li>hybrid, semantic and lexical search latency from task contexts (lineage scope: task, agent,
 *     team), and recall@10 of semantic search against an exact double-precision scan of the
 *     embeddings in Postgres;
 * <li>a backup of everything and its restore into the emptied schema.
 * </ol>
 */
public class MemoryBench {

    static final ObjectMapper JSON = new ObjectMapper();
    // MEMORY_BENCH_KEEP=true keeps the loaded database; MEMORY_BENCH_SEARCH_ONLY=true then
    // measures search and recall on it again without loading (minutes instead of a quarter hour).
    // MEMORY_BENCH_DB: the database to create (and drop), so runs beside each other do not collide.
    static final String DB = System.getenv().getOrDefault("MEMORY_BENCH_DB", "prometheus_bench_memory");
    static final boolean KEEP = Boolean.parseBoolean(System.getenv().getOrDefault("MEMORY_BENCH_KEEP", "false"));
    static final boolean SEARCH_ONLY = Boolean.parseBoolean(System.getenv().getOrDefault("MEMORY_BENCH_SEARCH_ONLY", "false"));
    static final int TEAMS = 5;
    static final int AGENTS_PER_TEAM = 4;
    static final int TASKS_PER_AGENT = 3;

    final Path jar;
    final Path out;
    final int total = intEnv("MEMORY_BENCH_MEMORIES", 100_000);
    final int viaHttp = Math.min(total, intEnv("MEMORY_BENCH_HTTP_WRITES", 5_000));
    final int queries = intEnv("MEMORY_BENCH_QUERIES", 300);
    final int recallQueries = intEnv("MEMORY_BENCH_RECALL_QUERIES", 100);
    final int warmup = intEnv("MEMORY_BENCH_WARMUP", 300);
    final String dbHost = env("DB_HOST", "127.0.0.1");
    final String dbPort = env("DB_PORT", "5432");
    final String dbUser = env("DB_USER", "prometheus");
    final String dbPassword = env("DB_PASSWORD", "prometheus");
    // HTTP/1.1 with keep-alive: the JDK client's h2c upgrade path measured several ms slower per request.
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final Random random = new Random(42);
    final Sentences sentences = new Sentences(new Random(7));
    final List<String[]> results = new ArrayList<>();
    KeyPair keys;
    String token;
    String base;
    Process service;

    // The tree: roots, agents and tasks, and for each task its lineage (task, agent, team).
    final List<UUID> teams = new ArrayList<>();
    final List<UUID> agents = new ArrayList<>();
    final List<UUID> tasks = new ArrayList<>();
    final Map<UUID, List<UUID>> lineage = new HashMap<>();
    final Map<UUID, UUID> parentOf = new HashMap<>();

    MemoryBench(Path jar, Path out) {
        this.jar = jar;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        MemoryBench bench = new MemoryBench(Path.of(args[0]), Path.of(args[1]));
        try {
            bench.run();
        } finally {
            bench.stop();
        }
    }

    void run() throws Exception {
        System.out.printf("memory-guild benchmark: %,d memories (%,d through HTTP), %d queries per mode, %d cores%n",
                total, viaHttp, queries, Runtime.getRuntime().availableProcessors());
        if (SEARCH_ONLY) {
            startService();
            loadTree();
            search();
            recall();
            print();
            return;
        }
        freshDatabase();
        startService();
        buildTree();
        writeThroughHttp();
        bulkLoadRest();
        search();
        recall();
        backupAndRestore();
        print();
    }

    // --- set-up -------------------------------------------------------------------------------

    void freshDatabase() throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl("postgres"), dbUser, dbPassword);
                Statement statement = db.createStatement()) {
            statement.execute("drop database if exists " + DB + " with (force)");
            statement.execute("create database " + DB);
        }
    }

    void startService() throws Exception {
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
        List<String> command = new ArrayList<>(List.of("java", "-Xmx1g", "-Djava.io.tmpdir=" + state.resolve("tmp")));
        // MEMORY_BENCH_SERVICE_JAVA_OPTS: extra JVM options for the service, e.g. a flight recording.
        String extra = System.getenv().getOrDefault("MEMORY_BENCH_SERVICE_JAVA_OPTS", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("PORT", Integer.toString(port));
        env.put("DB_NAME", DB);
        env.put("JWT_PUBLIC_KEY_LOCATION", publicKey.toString());
        env.put("JWT_ISSUER", "memory-bench");
        env.put("MEMORY_BACKUP_DIR", state.resolve("backups").toString());
        env.put("MEMORY_NATIVE_DIR", state.resolve("native").toString());
        env.put("MEMORY_BACKUP_SCHEDULE", "off");
        env.put("MEMORY_EMBEDDING_MODEL", MODEL);
        env.put("QUARKUS_OTEL_SDK_DISABLED", "true");
        builder.redirectErrorStream(true).redirectOutput(state.resolve("service.log").toFile());
        service = builder.start();
        Instant deadline = Instant.now().plusSeconds(90);
        while (true) {
            try {
                if (get("/api/v1/contexts").statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (Instant.now().isAfter(deadline) || !service.isAlive()) {
                throw new IllegalStateException("the service did not start; see " + state.resolve("service.log"));
            }
            Thread.sleep(250);
        }
    }

    void stop() throws Exception {
        if (service != null) {
            service.destroy();
            service.waitFor();
        }
        if (KEEP || SEARCH_ONLY) {
            return;
        }
        try (Connection db = DriverManager.getConnection(jdbcUrl("postgres"), dbUser, dbPassword);
                Statement statement = db.createStatement()) {
            statement.execute("drop database if exists " + DB + " with (force)");
        } catch (Exception e) {
            System.err.println("could not drop " + DB + ": " + e.getMessage());
        }
    }

    void buildTree() throws Exception {
        for (int t = 0; t < TEAMS; t++) {
            UUID team = createContext("team-" + t, null);
            teams.add(team);
            for (int a = 0; a < AGENTS_PER_TEAM; a++) {
                UUID agent = createContext("team-" + t + "-agent-" + a, team);
                agents.add(agent);
                parentOf.put(agent, team);
                for (int k = 0; k < TASKS_PER_AGENT; k++) {
                    UUID task = createContext("team-" + t + "-agent-" + a + "-task-" + k, agent);
                    tasks.add(task);
                    parentOf.put(task, agent);
                    lineage.put(task, List.of(task, agent, team));
                }
            }
        }
    }

    /** The tree of an earlier run's kept database, from the contexts' names. */
    void loadTree() throws Exception {
        Map<String, UUID> byName = new HashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl(DB), dbUser, dbPassword);
                Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("select name, id from memory_guild.memory_contexts")) {
            while (rs.next()) {
                byName.put(rs.getString(1), rs.getObject(2, UUID.class));
            }
        }
        for (int t = 0; t < TEAMS; t++) {
            UUID team = require(byName, "team-" + t);
            teams.add(team);
            for (int a = 0; a < AGENTS_PER_TEAM; a++) {
                UUID agent = require(byName, "team-" + t + "-agent-" + a);
                agents.add(agent);
                parentOf.put(agent, team);
                for (int k = 0; k < TASKS_PER_AGENT; k++) {
                    UUID task = require(byName, "team-" + t + "-agent-" + a + "-task-" + k);
                    tasks.add(task);
                    parentOf.put(task, agent);
                    lineage.put(task, List.of(task, agent, team));
                }
            }
        }
    }

    private static UUID require(Map<String, UUID> byName, String name) {
        UUID id = byName.get(name);
        if (id == null) {
            throw new IllegalStateException("no context " + name + " in " + DB + ": run once with MEMORY_BENCH_KEEP=true");
        }
        return id;
    }

    // Half of the memories live in team roots, 40% in agents, 10% in tasks: a task's lineage
    // scope then holds about an eighth of everything.
    UUID placeOf(int index) {
        int slot = Math.floorMod(index * 7919, 100);
        if (slot < 50) {
            return teams.get(index % teams.size());
        }
        if (slot < 90) {
            return agents.get(index % agents.size());
        }
        return tasks.get(index % tasks.size());
    }

    // --- phase A: writes through HTTP ---------------------------------------------------------

    void writeThroughHttp() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            futures.add(clients.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < viaHttp) {
                    ObjectNode body = JSON.createObjectNode().put("content", sentences.sentence(i)).put("kind", sentences.kind(i));
                    HttpResponse<String> response = post("/api/v1/contexts/" + placeOf(i) + "/memories", body);
                    if (response.statusCode() != 201 && response.statusCode() != 200) {
                        throw new IllegalStateException("write failed: " + response.statusCode() + " " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        clients.shutdown();
        double written = seconds(started);
        awaitEmbedded();
        double embedded = seconds(started);
        row("writes through HTTP (8 clients), committed", String.format("%,.0f memories/s", viaHttp / written),
                String.format("%,d in %.1f s", viaHttp, written));
        row("writes through HTTP, until embedded (write throughput incl. embedding)",
                String.format("%,.0f memories/s", viaHttp / embedded), String.format("%,d in %.1f s", viaHttp, embedded));
    }

    // --- phase B: the rest through an uploaded backup, embedded by the service -----------------

    void bulkLoadRest() throws Exception {
        int rest = total - viaHttp;
        if (rest <= 0) {
            return;
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(file)) {
            List<UUID> all = new ArrayList<>();
            all.addAll(teams);
            all.addAll(agents);
            all.addAll(tasks);
            ObjectNode header = JSON.createObjectNode().put("format", "prometheus-memory-backup").put("version", 1)
                    .put("createdAt", now().toString()).put("embeddingModel", "none").put("dimensions", 384);
            ArrayNode roots = header.putArray("roots");
            teams.forEach(team -> roots.add(team.toString()));
            line(gzip, header);
            for (UUID context : all) {
                ObjectNode record = JSON.createObjectNode().put("type", "context").put("id", context.toString())
                        .put("owner", "bench-admin").put("createdAt", now().toString());
                if (parentOf.containsKey(context)) {
                    record.put("parentContextId", parentOf.get(context).toString());
                }
                line(gzip, record);
            }
            OffsetDateTime start = now().minusDays(60);
            for (int i = viaHttp; i < total; i++) {
                OffsetDateTime created = start.plusSeconds((long) i * 60L * 60 * 24 * 60 / total);
                line(gzip, JSON.createObjectNode().put("type", "memory").put("id", UUID.randomUUID().toString())
                        .put("contextId", placeOf(i).toString()).put("content", sentences.sentence(i))
                        .put("kind", sentences.kind(i)).put("importance", 0.5).put("createdBy", "bench")
                        .put("createdAt", created.toString()).put("updatedAt", created.toString()));
            }
            line(gzip, JSON.createObjectNode().put("type", "end").put("contexts", all.size()).put("memories", rest)
                    .put("shares", 0));
        }
        long started = System.nanoTime();
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/backups/upload"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(file.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        require(upload, 201);
        String id = JSON.readTree(upload.body()).path("id").asText();
        require(post("/api/v1/backups/" + id + "/restore", JSON.createObjectNode()), 200);
        double restored = seconds(started);
        awaitEmbedded();
        double embedded = seconds(started);
        try (Connection db = DriverManager.getConnection(jdbcUrl(DB), dbUser, dbPassword);
                Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("select count(*) from memory_guild.memories")) {
            rs.next();
            row("memories stored (exact duplicates in the same context are stored once)",
                    String.format("%,d", rs.getLong(1)), String.format("of %,d written", total));
        }
        row("bulk load without embeddings (upload + restore)", String.format("%,.0f memories/s", rest / restored),
                String.format("%,d in %.1f s", rest, restored));
        row("background embedding at scale (worker, batches of 32)", String.format("%,.0f memories/s", rest / embedded),
                String.format("%,d in %.1f s", rest, embedded));
    }

    // --- phase C: search ----------------------------------------------------------------------

    void search() throws Exception {
        long scope = lineageSize(tasks.get(0));
        awaitWarm();
        // The service's JIT and the query model warm up on the first team's tasks (untimed), so
        // that the first search of every other team's tasks measures the cold context alone:
        // without the warmer, each other team's first task loads its ~12,000 memories.
        int firstTeamTasks = AGENTS_PER_TEAM * TASKS_PER_AGENT;
        for (int q = 0; q < warmup; q++) {
            UUID task = tasks.get(q % firstTeamTasks);
            requireLean(searchBody(sentences.query(20_000 + q), "hybrid", 10), "/api/v1/contexts/" + task + "/search");
        }
        List<Double> cold = new ArrayList<>();
        for (UUID task : tasks.subList(firstTeamTasks, tasks.size())) {
            long started = System.nanoTime();
            requireLean(searchBody(sentences.query(0), "hybrid", 10), "/api/v1/contexts/" + task + "/search");
            cold.add(millis(started));
        }
        row("first search of a task never searched (~" + String.format("%,d", scope) + " memories in scope)",
                percentiles(cold), "the service warmed up on other tasks");
        // The cold path the warmer hides: each team's, agent's and task's cached copy is invalidated
        // (as when memories are removed) and a task of that team searched at once, so the search
        // waits for its whole lineage to load from Postgres.
        List<Double> reload = new ArrayList<>();
        for (int round = 0; round < intEnv("MEMORY_BENCH_RELOAD_ROUNDS", 4); round++) {
            for (int t = 0; t < TEAMS; t++) {
                UUID task = tasks.get(t * AGENTS_PER_TEAM * TASKS_PER_AGENT + round % (AGENTS_PER_TEAM * TASKS_PER_AGENT));
                try (Connection db = DriverManager.getConnection(jdbcUrl(DB), dbUser, dbPassword);
                        PreparedStatement bump = db.prepareStatement("update memory_guild.memory_contexts"
                                + " set reload_epoch = reload_epoch + 1 where id = any(?)")) {
                    bump.setArray(1, db.createArrayOf("uuid", lineage.get(task).toArray()));
                    bump.executeUpdate();
                }
                long started = System.nanoTime();
                requireLean(searchBody(sentences.query(100 + round * TEAMS + t), "hybrid", 10),
                        "/api/v1/contexts/" + task + "/search");
                reload.add(millis(started));
            }
        }
        row("first search of a task whose lineage (~" + String.format("%,d", scope) + ") must load in full",
                percentiles(reload), "cached copies invalidated just before");
        // What any authenticated request costs here (token check, routing, JSON, the client): the
        // floor under every search figure below.
        List<Double> floor = new ArrayList<>();
        for (int q = 0; q < warmup; q++) {
            requireLean(null, "/api/v1/contexts/" + tasks.get(random.nextInt(tasks.size())));
        }
        for (int q = 0; q < queries; q++) {
            long started = System.nanoTime();
            requireLean(null, "/api/v1/contexts/" + tasks.get(random.nextInt(tasks.size())));
            floor.add(millis(started));
        }
        row("reading one context (HTTP round trip, for comparison)", percentiles(floor), "");
        for (String mode : List.of("hybrid", "semantic", "lexical")) {
            // Untimed first: a service answers from a warm JIT in its steady state, and so does the client.
            for (int q = 0; q < warmup; q++) {
                UUID task = tasks.get(random.nextInt(tasks.size()));
                requireLean(searchBody(sentences.query(10_000 + q), mode, 10), "/api/v1/contexts/" + task + "/search");
            }
            List<Double> latencies = new ArrayList<>();
            for (int q = 0; q < queries; q++) {
                UUID task = tasks.get(random.nextInt(tasks.size()));
                String query = sentences.query(q);
                long started = System.nanoTime();
                requireLean(searchBody(query, mode, 10), "/api/v1/contexts/" + task + "/search");
                latencies.add(millis(started));
            }
            row(mode + " search, k=10, lineage scope ~" + String.format("%,d", scope) + " memories (HTTP round trip)",
                    percentiles(latencies), "");
        }
        // The whole deployment in one scope: a context shared with everything is not a use case,
        // so this is the worst case of one team root with its whole subtree's scan.
        List<Double> root = new ArrayList<>();
        for (int q = 0; q < queries / 3; q++) {
            UUID team = teams.get(random.nextInt(teams.size()));
            long started = System.nanoTime();
            requireLean(searchBody(sentences.query(q), "hybrid", 10), "/api/v1/contexts/" + team + "/search");
            root.add(millis(started));
        }
        row("hybrid search in a team root (~" + String.format("%,d", lineageSize(teams.get(0))) + " memories)",
                percentiles(root), "");
    }

    ObjectNode searchBody(String query, String mode, int k) {
        return JSON.createObjectNode().put("query", query).put("mode", mode).put("k", k);
    }

    long lineageSize(UUID context) throws Exception {
        List<UUID> contexts = lineage.getOrDefault(context, List.of(context));
        try (Connection db = DriverManager.getConnection(jdbcUrl(DB), dbUser, dbPassword);
                PreparedStatement count = db.prepareStatement(
                        "select count(*) from memory_guild.memories where context_id = any(?)")) {
            count.setArray(1, db.createArrayOf("uuid", contexts.toArray()));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // Recall@10 of the service's semantic search against an exact scan, in double precision, of
    // the embeddings stored in Postgres, with the same model embedding the query.
    void recall() throws Exception {
        OnnxEmbeddingModel model = queryModel();
        Map<UUID, List<Object[]>> vectorsByContext = new HashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl(DB), dbUser, dbPassword);
                PreparedStatement all = db.prepareStatement(
                        "select id, context_id, embedding from memory_guild.memories where superseded_at is null")) {
            all.setFetchSize(5_000);
            db.setAutoCommit(false);
            try (ResultSet rs = all.executeQuery()) {
                while (rs.next()) {
                    vectorsByContext.computeIfAbsent(rs.getObject(2, UUID.class), c -> new ArrayList<>())
                            .add(new Object[] {rs.getObject(1, UUID.class), floats(rs.getBytes(3))});
                }
            }
        }
        double recallSum = 0;
        for (int q = 0; q < recallQueries; q++) {
            UUID task = tasks.get(random.nextInt(tasks.size()));
            String query = sentences.query(q + 1000);
            float[] vector = model.embed(QUERY_PREFIX.getOrDefault(MODEL, "") + query).content().vector();
            double norm = 0;
            for (float v : vector) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            List<double[]> scored = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            for (UUID context : lineage.get(task)) {
                for (Object[] entry : vectorsByContext.getOrDefault(context, List.of())) {
                    float[] candidate = (float[]) entry[1];
                    double dot = 0;
                    for (int i = 0; i < vector.length; i++) {
                        dot += vector[i] / norm * candidate[i];
                    }
                    scored.add(new double[] {dot, ids.size()});
                    ids.add((UUID) entry[0]);
                }
            }
            scored.sort((a, b) -> Double.compare(b[0], a[0]));
            Set<String> exact = new HashSet<>();
            for (int i = 0; i < Math.min(10, scored.size()); i++) {
                exact.add(ids.get((int) scored.get(i)[1]).toString());
            }
            HttpResponse<String> response = post("/api/v1/contexts/" + task + "/search", searchBody(query, "semantic", 10));
            require(response, 200);
            int hits = 0;
            for (JsonNode result : JSON.readTree(response.body()).path("results")) {
                if (exact.contains(result.path("memory").path("id").asText())) {
                    hits++;
                }
            }
            recallSum += hits / (double) Math.min(10, exact.size());
        }
        row("recall@10 of semantic search vs exact double-precision scan",
                String.format("%.4f", recallSum / recallQueries), recallQueries + " queries");
    }

    // The service's model (MEMORY_BENCH_MODEL, passed on as memory.embedding.model) loaded from the
    // same model jar, with the query prefix the service puts before a query.
    static final String MODEL = env("MEMORY_BENCH_MODEL", "e5-small-v2");
    static final Map<String, String> QUERY_PREFIX = Map.of("e5-small-v2", "query: ",
            "bge-small-en-v1.5", "Represent this sentence for searching relevant passages: ");

    OnnxEmbeddingModel queryModel() throws IOException {
        String file = switch (MODEL) {
            case "minilm" -> "all-minilm-l6-v2-q";
            case "bge-small-en-v1.5" -> "bge-small-en-v1.5-q";
            default -> "e5-small-v2-q";
        };
        Path directory = Files.createTempDirectory("memory-bench-model");
        Path onnx = directory.resolve(file + ".onnx");
        Path tokenizer = directory.resolve(file + "-tokenizer.json");
        for (Path target : List.of(onnx, tokenizer)) {
            try (java.io.InputStream in = MemoryBench.class.getClassLoader().getResourceAsStream(target.getFileName().toString())) {
                Files.copy(in, target);
            }
        }
        return new OnnxEmbeddingModel(onnx, tokenizer, MODEL.equals("bge-small-en-v1.5") ? PoolingMode.CLS : PoolingMode.MEAN);
    }

    // --- phase D: backup and restore ----------------------------------------------------------

    void backupAndRestore() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> created = post("/api/v1/backups", JSON.createObjectNode());
        require(created, 202);
        String id = JSON.readTree(created.body()).path("id").asText();
        JsonNode backup;
        while (true) {
            backup = JSON.readTree(get("/api/v1/backups/" + id).body());
            if (!backup.path("status").asText().equals("running")) {
                break;
            }
            Thread.sleep(200);
        }
        if (!backup.path("status").asText().equals("completed")) {
            throw new IllegalStateException("backup failed: " + backup);
        }
        double backupSeconds = seconds(started);
        row("backup of everything (gzip JSON lines, with embeddings)", String.format("%.1f s", backupSeconds),
                String.format("%,d memories, %.1f MB", backup.path("memories").asLong(),
                        backup.path("sizeBytes").asLong() / 1e6));
        for (UUID team : teams) {
            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/api/v1/contexts/" + team + "?policy=cascade"))
                    .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            require(deleted, 204);
        }
        started = System.nanoTime();
        HttpResponse<String> restored = post("/api/v1/backups/" + id + "/restore", JSON.createObjectNode());
        require(restored, 200);
        double restoreSeconds = seconds(started);
        JsonNode report = JSON.readTree(restored.body());
        row("restore of that backup into the emptied schema", String.format("%.1f s", restoreSeconds),
                String.format("%,d memories restored, %d to re-embed", report.path("memories").path("restored").asLong(),
                        report.path("reembedding").asLong()));
        // A search right after the restore rebuilds the index copies from the restored rows.
        long first = System.nanoTime();
        require(post("/api/v1/contexts/" + tasks.get(0) + "/search", searchBody("deploy failed", "hybrid", 10)), 200);
        row("first hybrid search after the restore", String.format("%.1f ms", millis(first)), "");
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Waits (at most two minutes) until the service's index holds every stored memory, as a running service would. */
    void awaitWarm() throws Exception {
        long stored;
        try (Connection db = DriverManager.getConnection(jdbcUrl(DB), dbUser, dbPassword);
                Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("select count(*) from memory_guild.memories")) {
            rs.next();
            stored = rs.getLong(1);
        }
        long started = System.nanoTime();
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                    .header("Accept", "text/plain;version=0.0.4").build(), HttpResponse.BodyHandlers.ofString()).body();
            if (!metrics.contains("prometheus_memory_index_cached_memories")) {
                System.out.println("  (this service build does not warm its index)");
                return;
            }
            for (String line : metrics.split("\n")) {
                if (line.startsWith("prometheus_memory_index_cached_memories") && Double.parseDouble(
                        line.substring(line.lastIndexOf(' ') + 1)) >= stored) {
                    System.out.printf("  (index warm: %,d memories after %.1f s)%n", stored, seconds(started));
                    return;
                }
            }
            Thread.sleep(250);
        }
        System.out.println("  (index not warm after 120 s; measuring anyway)");
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

    UUID createContext(String name, UUID parent) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        if (parent != null) {
            body.put("parentContextId", parent.toString());
        }
        HttpResponse<String> response = post("/api/v1/contexts", body);
        require(response, 201);
        return UUID.fromString(JSON.readTree(response.body()).path("id").asText());
    }

    HttpResponse<String> post(String path, JsonNode body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A timed request: a plain keep-alive HTTP/1.1 connection (HttpURLConnection), a POST of
     * {@code body} or a GET when null, answered 200. The java.net.http client measured 2 to 3 ms
     * slower per request here, which would be charged to the service.
     */
    void requireLean(JsonNode body, String path) throws IOException {
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) URI.create(base + path).toURL().openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + token);
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(60_000);
        if (body != null) {
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            try (java.io.OutputStream out = connection.getOutputStream()) {
                out.write(JSON.writeValueAsBytes(body));
            }
        }
        int status = connection.getResponseCode();
        java.io.InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String answer = in == null ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (in != null) {
            in.close(); // a fully read, closed stream hands the connection back for reuse
        }
        if (status != 200) {
            throw new IllegalStateException(path + " answered " + status + ": " + answer);
        }
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

    static float[] floats(byte[] bytes) {
        float[] vector = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    String percentiles(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(Double::compare);
        return String.format("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms", at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99));
    }

    static double at(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    void row(String what, String figure, String note) {
        results.add(new String[] {what, figure, note});
        System.out.printf("  %-80s %s %s%n", what, figure, note);
    }

    void print() {
        System.out.println();
        System.out.println("| measurement | result | notes |");
        System.out.println("|---|---|---|");
        for (String[] row : results) {
            System.out.printf("| %s | %s | %s |%n", row[0], row[1], row[2]);
        }
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + database;
    }

    static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    static double millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }

    /**
     * Sentences of the kind agents remember: incidents, invoices, preferences, deploys, meetings,
     * tickets. Built from word lists, so 100,000 of them are distinct and varied yet realistic;
     * queries paraphrase the same topics without copying the wording.
     */
    static final class Sentences {
        static final String[] PEOPLE = {"Alice", "Bob", "Chen", "Dana", "Emeka", "Farah", "Gustavo", "Hana", "Ivan",
            "Julia", "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"};
        static final String[] COMPANIES = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries",
            "Wayne Enterprises", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Aperture", "Vandelay", "Massive Dynamic"};
        static final String[] SERVICES = {"billing", "checkout", "search", "auth", "notifications", "inventory",
            "reporting", "payments", "shipping", "recommendations", "gateway", "scheduler"};
        static final String[] TECH = {"Python", "Rust", "Kotlin", "Go", "TypeScript", "Java", "Elixir", "Haskell",
            "C#", "Scala", "Ruby", "Swift"};
        static final String[] AREAS = {"backend", "data pipelines", "frontend", "infrastructure", "scripting",
            "machine learning", "mobile", "testing"};
        static final String[] TOPICS = {"the pricing change", "the Q3 roadmap", "data retention", "the onboarding flow",
            "GDPR requests", "the migration to Postgres 17", "on-call rotation", "the latency budget", "the launch date",
            "vendor contracts", "the security audit", "capacity planning"};
        static final String[] PROJECTS = {"Apollo", "Borealis", "Cobalt", "Delta", "Ember", "Falcon", "Granite",
            "Helix", "Iris", "Juniper", "Keystone", "Lumen"};
        static final String[] ENVIRONMENTS = {"production", "staging", "the canary cluster", "the EU region",
            "the test environment"};
        static final String[] ISSUES = {"memory leak", "timeout", "race condition", "null pointer", "slow query",
            "certificate expiry", "disk full", "rate limiting", "stale cache", "deadlock"};
        static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
        static final String[] KINDS = {"fact", "note", "episode", "preference", "task"};
        private final Random random;

        Sentences(Random random) {
            this.random = random;
        }

        synchronized String sentence(int i) {
            Random r = new Random(i * 31L + 17);
            return switch (i % 8) {
                case 0 -> pick(r, PEOPLE) + " prefers " + pick(r, TECH) + " for " + pick(r, AREAS) + " work on the "
                        + pick(r, PROJECTS) + " project since sprint " + (1 + r.nextInt(60)) + ".";
                case 1 -> "Invoice INV-" + (10000 + r.nextInt(90000)) + " from " + pick(r, COMPANIES) + " was paid "
                        + (1 + r.nextInt(40)) + " days " + (r.nextBoolean() ? "late" : "early") + ".";
                case 2 -> "The " + pick(r, SERVICES) + " service failed with error E" + (1000 + r.nextInt(9000))
                        + " because of a " + pick(r, ISSUES) + " after " + (2 + r.nextInt(8)) + " retries.";
                case 3 -> "Deploy of " + pick(r, SERVICES) + " version " + r.nextInt(5) + "." + r.nextInt(20) + "."
                        + r.nextInt(10) + " to " + pick(r, ENVIRONMENTS) + " took " + (2 + r.nextInt(40)) + " minutes.";
                case 4 -> "Meeting with " + pick(r, PEOPLE) + " from " + pick(r, COMPANIES) + " about " + pick(r, TOPICS)
                        + " moved to " + pick(r, DAYS) + " at " + (8 + r.nextInt(9)) + ":00.";
                case 5 -> "Ticket OPS-" + (100 + r.nextInt(9900)) + ": " + pick(r, ISSUES) + " in the "
                        + pick(r, SERVICES) + " component, reported by " + pick(r, PEOPLE) + ".";
                case 6 -> pick(r, COMPANIES) + " asked " + pick(r, PEOPLE) + " for a " + (2 + r.nextInt(29))
                        + "% discount on " + pick(r, TOPICS)
                        + " and expects an answer by " + pick(r, DAYS) + ".";
                default -> pick(r, PEOPLE) + " thinks " + pick(r, TOPICS) + " needs more review before the "
                        + pick(r, ENVIRONMENTS) + " change planned for week " + (1 + r.nextInt(52)) + ".";
            };
        }

        String kind(int i) {
            return KINDS[Math.floorMod(i * 13, KINDS.length)];
        }

        String query(int q) {
            Random r = new Random(q * 97L + 5);
            return switch (q % 6) {
                case 0 -> "which programming language does " + pick(r, PEOPLE) + " like best";
                case 1 -> "customer bills settled after the due date";
                case 2 -> "outage of the " + pick(r, SERVICES) + " system caused by " + pick(r, ISSUES);
                case 3 -> "how long did releases to " + pick(r, ENVIRONMENTS) + " take";
                case 4 -> "INV-" + (10000 + r.nextInt(90000));
                default -> "rescheduled call regarding " + pick(r, TOPICS);
            };
        }

        private static String pick(Random r, String[] words) {
            return words[r.nextInt(words.length)];
        }
    }
}
