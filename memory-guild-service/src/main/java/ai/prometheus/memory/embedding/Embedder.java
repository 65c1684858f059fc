package ai.prometheus.memory.embedding;

import ai.prometheus.memory.config.MemoryConfig;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Turns text into unit-length vectors with the model chosen by {@code memory.embedding.model}
 * ({@link LocalModel}, bundled in the jar: no network). The model loads on first use. Queries and
 * stored passages are embedded differently where the model was trained so. Text beyond the
 * model's window is embedded window by window and the windows' vectors averaged (langchain4j's
 * encoder, {@link QuantizedModel}).
 */
@ApplicationScoped
public class Embedder {

    public static final int DIMENSIONS = LocalModel.DIMENSIONS;
    private static final Logger LOG = Logger.getLogger(Embedder.class);

    private final MemoryConfig config;
    private final LocalModel choice;
    private volatile QuantizedModel model;
    private ExecutorService executor;

    public Embedder(MemoryConfig config) {
        this.config = config;
        this.choice = LocalModel.of(config.embedding().model());
    }

    /** Stored with every embedding; a different id on restore or at start means the vectors are re-made. */
    public String modelId() {
        return choice.id;
    }

    /** A search query's vector. */
    public float[] embedQuery(String text) {
        // Straight to the model: langchain4j's embed(String) adds a request object, its
        // parameter checks and a response around the same call.
        return Vectors.normalize(model().vector(choice.query(text)));
    }

    /** Stored memories' vectors, in order. */
    public List<float[]> embedPassages(List<String> texts) {
        List<TextSegment> segments = texts.stream()
                .map(text -> TextSegment.from(choice.passage(text)))
                .toList();
        List<Embedding> embeddings = model().embedAll(segments).content();
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            vectors.add(Vectors.normalize(embedding.vector()));
        }
        return vectors;
    }

    private QuantizedModel model() {
        QuantizedModel loaded = model;
        if (loaded == null) {
            synchronized (this) {
                loaded = model;
                if (loaded == null) {
                    long started = System.nanoTime();
                    pointNativeLibrariesAt(
                            Path.of(config.embedding().nativeDirectory()).toAbsolutePath());
                    int threads = config.embedding().threads() > 0
                            ? config.embedding().threads()
                            : Runtime.getRuntime().availableProcessors();
                    executor = Executors.newFixedThreadPool(threads, runnable -> {
                        Thread thread = new Thread(runnable, "embedding");
                        thread.setDaemon(true);
                        return thread;
                    });
                    loaded = new QuantizedModel(
                            choice, executor, config.embedding().intraOpThreads());
                    model = loaded;
                    LOG.infof(
                            "Embedding model %s loaded in %d ms",
                            choice.setting, (System.nanoTime() - started) / 1_000_000);
                }
            }
        }
        return loaded;
    }

    // The tokenizer (DJL) and JNA unpack native libraries under the user's home by default, which
    // is often read-only in containers. ONNX Runtime uses java.io.tmpdir, set on the command line.
    static void pointNativeLibrariesAt(Path directory) {
        try {
            Files.createDirectories(directory.resolve("djl"));
            Files.createDirectories(directory.resolve("jna"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the native library directory " + directory, e);
        }
        setIfAbsent("DJL_CACHE_DIR", directory.resolve("djl").toString());
        setIfAbsent("ENGINE_CACHE_DIR", directory.resolve("djl").toString());
        setIfAbsent("jna.tmpdir", directory.resolve("jna").toString());
        setIfAbsent("ai.djl.offline", "true");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null && System.getenv(property) == null) {
            System.setProperty(property, value);
        }
    }

    void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
