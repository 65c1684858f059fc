package ai.prometheus.bench.memory;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.embedding.Embedder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.threads.EnhancedQueueExecutor;

/**
 * Where a search query's embedding spends its time, in-process: e5-small-v2 (the service's default
 * model, quantized, from its langchain4j jar) on a few hundred short agent-memory queries with the
 * model's query prefix. Prints p50 / p95 per step (tokenization, the ONNX run, pooling and
 * normalisation) and per whole call, for the session settings worth comparing, all measured in the
 * same run and interleaved query by query (so a change of load hits every row alike), plus the
 * service's own {@link Embedder} on the calling thread and behind a hand-off to a worker pool of
 * the kind Quarkus runs it on. Every row's vectors are compared with langchain4j's reference model
 * (its own session and tokenization) by cosine. Then a per-operator profile of one ONNX session.
 *
 * <p>Run by {@code bench/memory/embedding.sh}; {@code EMBEDDING_BENCH_QUERIES},
 * {@code EMBEDDING_BENCH_WARMUP} change the sizes.
 */
public class EmbeddingBench {

    static final String ONNX = "e5-small-v2-q.onnx";
    static final String TOKENIZER = "e5-small-v2-q-tokenizer.json";
    static final String PREFIX = "query: ";
    static final ObjectMapper JSON = new ObjectMapper();

    final int queries = intEnv("EMBEDDING_BENCH_QUERIES", 300);
    final int warmup = intEnv("EMBEDDING_BENCH_WARMUP", 100);
    final Path out;
    final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    final byte[] model;
    final byte[] tokenizerJson;
    final HuggingFaceTokenizer tokenizer;

    EmbeddingBench(Path out) throws IOException {
        this.out = out;
        this.model = resource(ONNX);
        this.tokenizerJson = resource(TOKENIZER);
        // As langchain4j's encoder makes it: the tokenizer's own settings, no padding.
        this.tokenizer = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(tokenizerJson), Map.of("padding", "false"));
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/memory");
        Files.createDirectories(out);
        new EmbeddingBench(out).run();
        System.exit(0);
    }

    // --- what is measured ------------------------------------------------------------------------

    /** One way to embed a query; {@code steps} receives the time of each step in ms. */
    interface Way {
        float[] embed(String prefixedQuery, double[] steps) throws Exception;
    }

    record Row(String name, Way way) {}

    /** The steps a row may time; a row leaves those it does not have at NaN. */
    static final String[] STEPS = {"hand-off to a worker", "tokenize", "tensors", "ONNX run", "pool+norm"};

    void run() throws Exception {
        List<String> texts = queries(queries + warmup);
        System.out.printf(
                "embedding benchmark: e5-small-v2 (quantized), %d queries (+%d warm-up), %d cores, load %s%n",
                queries, warmup, Runtime.getRuntime().availableProcessors(), load());
        int[] lengths = texts.stream()
                .mapToInt(text -> tokenizer.encode(text, true, false).getIds().length)
                .sorted()
                .toArray();
        System.out.printf(
                "tokens per query with [CLS]/[SEP] (no padding): min %d, median %d, max %d%n",
                lengths[0], lengths[lengths.length / 2], lengths[lengths.length - 1]);

        AbstractInProcessEmbeddingModel reference = wrap(new OnnxBertBiEncoder(
                new ByteArrayInputStream(model), new ByteArrayInputStream(tokenizerJson), PoolingMode.MEAN));
        List<float[]> expected = new ArrayList<>();
        for (String text : texts) {
            expected.add(reference.embed(text).content().vector());
        }

        Map<String, OrtSession> sessions = new LinkedHashMap<>();
        sessions.put("intra 1 (the service's)", session(1, false, OptLevel.ALL_OPT, ExecutionMode.SEQUENTIAL, 1));
        sessions.put("intra 2, no spinning", session(2, false, OptLevel.ALL_OPT, ExecutionMode.SEQUENTIAL, 1));
        sessions.put("intra 2, spinning", session(2, true, OptLevel.ALL_OPT, ExecutionMode.SEQUENTIAL, 1));
        sessions.put("intra 1, basic graph optimisation", session(1, false, OptLevel.BASIC_OPT, ExecutionMode.SEQUENTIAL, 1));
        sessions.put("intra 1, extended graph optimisation", session(1, false, OptLevel.EXTENDED_OPT, ExecutionMode.SEQUENTIAL, 1));
        sessions.put("intra 1, no graph optimisation", session(1, false, OptLevel.NO_OPT, ExecutionMode.SEQUENTIAL, 1));
        sessions.put("intra 1, parallel execution, inter 2", session(1, false, OptLevel.ALL_OPT, ExecutionMode.PARALLEL, 2));

        List<Row> rows = new ArrayList<>();
        rows.add(new Row("langchain4j defaults (its own session: every core, spinning)", timed(reference)));
        rows.add(new Row(
                "langchain4j encoder on the service's session (intra 1)",
                timed(wrap(new OnnxBertBiEncoder(
                        environment,
                        sessions.get("intra 1 (the service's)"),
                        new ByteArrayInputStream(tokenizerJson),
                        PoolingMode.MEAN)))));
        rows.add(new Row("  its tokenization alone (tokenize, rebuild, tokenize, encode)", this::langchainTokenization));
        for (Map.Entry<String, OrtSession> session : sessions.entrySet()) {
            rows.add(new Row("direct: one encode, " + session.getKey(), direct(session.getValue())));
        }
        Embedder embedder = new Embedder(config());
        rows.add(new Row("the service's Embedder.embedQuery, calling thread", (text, steps) ->
                embedder.embedQuery(text.substring(PREFIX.length()))));
        EnhancedQueueExecutor pool = new EnhancedQueueExecutor.Builder()
                .setCorePoolSize(4)
                .setMaximumPoolSize(8)
                .build();
        rows.add(new Row("the service's Embedder.embedQuery, handed to a worker pool", (text, steps) -> {
            long handed = System.nanoTime();
            long[] started = new long[1];
            float[] vector = pool.submit(() -> {
                        started[0] = System.nanoTime();
                        return embedder.embedQuery(text.substring(PREFIX.length()));
                    })
                    .get();
            steps[0] = (started[0] - handed) / 1e6; // the rest is the embedding itself
            return vector;
        }));

        measure("quiet", rows, texts, expected, false);
        // Postgres answers the search's other queries while the query is embedded: one core busy.
        List<Row> busyRows = rows.stream()
                .filter(row -> row.name.contains("(the service's)")
                        || row.name.contains("intra 2")
                        || row.name.startsWith("langchain4j defaults"))
                .toList();
        measure("the other core busy (a spinning thread)", busyRows, texts, expected, true);

        profile(texts);
        pool.shutdownNow();
    }

    void measure(String label, List<Row> rows, List<String> texts, List<float[]> expected, boolean busy)
            throws Exception {
        AtomicBoolean spinning = new AtomicBoolean(busy);
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (spinning.get()) {
                x += System.nanoTime() & 1;
            }
            if (x == 42) {
                System.out.print("");
            }
        });
        spinner.setDaemon(true);
        if (busy) {
            spinner.start();
        }
        String loadBefore = load();
        int n = rows.size();
        List<List<Double>> totals = new ArrayList<>();
        List<List<double[]>> steps = new ArrayList<>();
        double[] minCosine = new double[n];
        for (int r = 0; r < n; r++) {
            totals.add(new ArrayList<>());
            steps.add(new ArrayList<>());
            minCosine[r] = 1;
        }
        for (int q = 0; q < texts.size(); q++) {
            String text = texts.get(q);
            for (int i = 0; i < n; i++) {
                int r = (q + i) % n; // each row first as often as the others
                double[] step = new double[STEPS.length];
                Arrays.fill(step, Double.NaN);
                long started = System.nanoTime();
                float[] vector = rows.get(r).way.embed(text, step);
                double took = (System.nanoTime() - started) / 1e6;
                minCosine[r] = Math.min(minCosine[r], cosine(vector, expected.get(q)));
                if (q >= warmup) {
                    totals.get(r).add(took);
                    steps.get(r).add(step);
                }
            }
        }
        spinning.set(false);
        System.out.printf("%n%s (load %s before, %s after); p50 / p95 ms per query%n", label, loadBefore, load());
        System.out.printf("| way | whole call | %s | min cosine vs reference |%n", String.join(" | ", STEPS));
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int r = 0; r < n; r++) {
            Row row = rows.get(r);
            StringBuilder line = new StringBuilder("| " + row.name + " | " + percentiles(totals.get(r)));
            for (int s = 0; s < STEPS.length; s++) {
                int step = s;
                List<Double> timed = steps.get(r).stream()
                        .map(values -> values[step])
                        .filter(value -> !Double.isNaN(value))
                        .toList();
                line.append(" | ").append(timed.isEmpty() ? "" : percentiles(timed));
            }
            line.append(String.format(" | %.6f |", minCosine[r]));
            System.out.println(line);
        }
    }

    /** What OnnxBertBiEncoder does before its ONNX run, for a text within the model's window. */
    float[] langchainTokenization(String text, double[] steps) {
        List<String> tokens = tokenizer.tokenize(text);
        List<String> inner = tokens.subList(1, tokens.size() - 1);
        String rebuilt = tokenizer.buildSentence(inner);
        List<String> again = new ArrayList<>(tokenizer.tokenize(rebuilt));
        again.remove(0);
        again.remove(again.size() - 1);
        String sentence = again.equals(inner) ? rebuilt : String.join(" ", inner);
        tokenizer.encode(sentence, true, false);
        return null;
    }

    /** One tokenizer call, the ONNX run asking for the hidden states only, mean pooling. */
    Way direct(OrtSession session) {
        boolean typeIds = session.getInputNames().contains("token_type_ids");
        String output = session.getOutputNames().iterator().next();
        return (text, steps) -> {
            long t0 = System.nanoTime();
            Encoding encoding = tokenizer.encode(text, true, false);
            long[] ids = encoding.getIds();
            long[] mask = encoding.getAttentionMask();
            long t1 = System.nanoTime();
            long[] shape = {1, ids.length};
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (typeIds) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape));
            }
            long t2 = System.nanoTime();
            float[] vector;
            long t3;
            try (OrtSession.Result result = session.run(inputs, Collections.singleton(output))) {
                t3 = System.nanoTime();
                float[][] hidden = ((float[][][]) result.get(0).getValue())[0];
                vector = meanNormalised(hidden);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
            long t4 = System.nanoTime();
            steps[1] = (t1 - t0) / 1e6;
            steps[2] = (t2 - t1) / 1e6;
            steps[3] = (t3 - t2) / 1e6;
            steps[4] = (t4 - t3) / 1e6;
            return vector;
        };
    }

    static float[] meanNormalised(float[][] hidden) {
        float[] sum = new float[hidden[0].length];
        for (float[] token : hidden) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += token[i];
            }
        }
        double norm = 0;
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= hidden.length;
            norm += sum[i] * sum[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= scale;
        }
        return sum;
    }

    // --- where the ONNX run goes -----------------------------------------------------------------

    /** ONNX Runtime's own profile of the service's session settings: operators and their share. */
    void profile(List<String> texts) throws Exception {
        SessionOptions options = new SessionOptions();
        options.setIntraOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.enableProfiling(out.resolve("embedding-profile").toString());
        OrtSession session = environment.createSession(model, options);
        Way way = direct(session);
        for (String text : texts) {
            way.embed(text, new double[STEPS.length]);
        }
        Path file = Path.of(session.endProfiling());
        JsonNode events = JSON.readTree(file.toFile());
        Map<String, double[]> byOp = new TreeMap<>();
        double runs = 0;
        double runMicros = 0;
        double kernelMicros = 0;
        double nodes = 0;
        for (JsonNode event : events) {
            String name = event.path("name").asText();
            double dur = event.path("dur").asDouble();
            if ("Session".equals(event.path("cat").asText()) && name.equals("model_run")) {
                runs++;
                runMicros += dur;
            } else if ("Node".equals(event.path("cat").asText()) && name.endsWith("_kernel_time")) {
                String op = event.path("args").path("op_name").asText();
                byOp.computeIfAbsent(op, key -> new double[2]);
                byOp.get(op)[0] += 1;
                byOp.get(op)[1] += dur;
                kernelMicros += dur;
                nodes++;
            }
        }
        System.out.printf(
                "%nONNX Runtime profile, intra 1, graph optimisation all (%d runs, %s): %.0f nodes per run,"
                        + " model_run %.2f ms, kernels %.2f ms, between kernels %.2f ms per run%n",
                (int) runs, file.getFileName(), nodes / runs, runMicros / runs / 1000, kernelMicros / runs / 1000,
                (runMicros - kernelMicros) / runs / 1000);
        System.out.println("| operator | nodes per run | ms per run | share of kernel time |");
        System.out.println("|---|---|---|---|");
        double total = kernelMicros;
        double perRun = runs;
        byOp.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]))
                .forEach(entry -> System.out.printf(
                        "| %s | %.0f | %.3f | %.1f%% |%n",
                        entry.getKey(), entry.getValue()[0] / perRun, entry.getValue()[1] / perRun / 1000,
                        100 * entry.getValue()[1] / total));
        session.close();
        Files.deleteIfExists(file);
    }

    // --- set-up ----------------------------------------------------------------------------------

    OrtSession session(int intraOp, boolean spinning, OptLevel level, ExecutionMode mode, int interOp)
            throws OrtException {
        SessionOptions options = new SessionOptions();
        options.setIntraOpNumThreads(intraOp);
        options.setInterOpNumThreads(interOp);
        options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        options.addConfigEntry("session.inter_op.allow_spinning", spinning ? "1" : "0");
        options.setOptimizationLevel(level);
        options.setExecutionMode(mode);
        return environment.createSession(model, options);
    }

    /** A langchain4j embedding model over an encoder, embedding a single text on the calling thread. */
    static AbstractInProcessEmbeddingModel wrap(OnnxBertBiEncoder encoder) {
        return new AbstractInProcessEmbeddingModel(Runnable::run) {
            @Override
            protected OnnxBertBiEncoder model() {
                return encoder;
            }

            @Override
            protected Integer knownDimension() {
                return 384;
            }
        };
    }

    static Way timed(AbstractInProcessEmbeddingModel model) {
        return (text, steps) -> model.embed(text).content().vector();
    }

    /** The service's configuration with its defaults (one intra-op thread) and e5-small-v2. */
    MemoryConfig config() {
        Map<String, Object> embedding = Map.of(
                "model", "e5-small-v2",
                "nativeDirectory", out.resolve("native").toString(),
                "threads", 1,
                "intraOpThreads", 1);
        Object embeddingConfig = Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {MemoryConfig.Embedding.class}, (proxy, method, args) -> {
                    if (!embedding.containsKey(method.getName())) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return embedding.get(method.getName());
                });
        return (MemoryConfig) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {MemoryConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("embedding")) {
                        return embeddingConfig;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Short questions of the kind agents ask their memory, with the model's query prefix. */
    static List<String> queries(int count) {
        String[] who = {"Alice", "Bob", "Chen", "Dana", "Emeka", "Farah", "the CFO", "our biggest customer"};
        String[] what = {"the billing service", "checkout", "the search index", "the auth tokens",
            "the nightly backup", "the EU region", "the Q3 roadmap", "the pricing change", "invoice INV-20431",
            "ticket OPS-4471", "the Postgres 17 migration", "on-call rotation"};
        List<Function<Random, String>> shapes = List.of(
                r -> "what did " + pick(r, who) + " say about " + pick(r, what),
                r -> "why did " + pick(r, what) + " fail last week",
                r -> "when is the deadline for " + pick(r, what),
                r -> pick(r, who) + " preferences",
                r -> "who owns " + pick(r, what),
                r -> "outage caused by a memory leak in " + pick(r, what),
                r -> "how long did the deploy of " + pick(r, what) + " take",
                r -> "open questions about " + pick(r, what) + " before the launch on Friday");
        Random random = new Random(11);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(PREFIX + shapes.get(i % shapes.size()).apply(random));
        }
        return texts;
    }

    // --- helpers ---------------------------------------------------------------------------------

    static String pick(Random r, String[] words) {
        return words[r.nextInt(words.length)];
    }

    static double cosine(float[] a, float[] b) {
        if (a == null) {
            return 1; // a row that only tokenizes
        }
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static String percentiles(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("%.2f / %.2f", at(sorted, 0.50), at(sorted, 0.95));
    }

    static double at(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = EmbeddingBench.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the class path (the e5-small-v2 model jar)");
            }
            return in.readAllBytes();
        }
    }

    static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }
}
