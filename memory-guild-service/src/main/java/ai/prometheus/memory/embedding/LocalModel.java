package ai.prometheus.memory.embedding;

import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The embedding models shipped in the jar (quantized ONNX builds from langchain4j's model
 * artifacts), chosen with {@code memory.embedding.model}. All three make 384-dimensional vectors.
 * Measured on {@code bench/memory-quality} (README): e5-small-v2 finds the most, MiniLM is the
 * fastest. e5 was trained with {@code query: }/{@code passage: } prefixes and bge with an
 * instruction before queries; without them both lose recall.
 */
public enum LocalModel {
    MINILM(
            "minilm",
            "all-minilm-l6-v2-q",
            "all-minilm-l6-v2-q.onnx",
            "all-minilm-l6-v2-q-tokenizer.json",
            PoolingMode.MEAN,
            "",
            ""),
    BGE_SMALL(
            "bge-small-en-v1.5",
            "bge-small-en-v1.5-q",
            "bge-small-en-v1.5-q.onnx",
            "bge-small-en-v1.5-q-tokenizer.json",
            PoolingMode.CLS,
            "Represent this sentence for searching relevant passages: ",
            ""),
    E5_SMALL(
            "e5-small-v2",
            "e5-small-v2-q",
            "e5-small-v2-q.onnx",
            "e5-small-v2-q-tokenizer.json",
            PoolingMode.MEAN,
            "query: ",
            "passage: ");

    public static final int DIMENSIONS = 384;

    /** The name operators write in {@code memory.embedding.model}. */
    public final String setting;
    /** Stored with every vector: a memory embedded by another model is embedded again. */
    public final String id;

    final String onnxResource;
    final String tokenizerResource;
    final PoolingMode pooling;
    final String queryPrefix;
    final String passagePrefix;

    LocalModel(
            String setting,
            String id,
            String onnxResource,
            String tokenizerResource,
            PoolingMode pooling,
            String queryPrefix,
            String passagePrefix) {
        this.setting = setting;
        this.id = id;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.queryPrefix = queryPrefix;
        this.passagePrefix = passagePrefix;
    }

    public static LocalModel of(String setting) {
        String wanted = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(model -> model.setting.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("memory.embedding.model must be one of "
                        + Arrays.stream(values()).map(model -> model.setting).collect(Collectors.joining(", "))
                        + ", not '" + setting + "'"));
    }

    /** The text as the model expects a search query. */
    public String query(String text) {
        return queryPrefix + text;
    }

    /** The text as the model expects a stored passage. */
    public String passage(String text) {
        return passagePrefix + text;
    }
}
