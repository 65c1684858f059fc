package ai.prometheus.memory.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.output.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A quantized model bundled with langchain4j ({@link LocalModel}), in an ONNX Runtime session of
 * our own. The bundled wrapper's session uses the runtime's defaults: one inference spread over
 * every core by threads that spin between operators. A search embeds one short query while
 * Postgres answers its other queries, and spinning threads took the other core from Postgres
 * (and from concurrent requests). Here each inference runs on {@code intraOpThreads} threads
 * without spinning; batches are parallel across the executor's threads instead.
 *
 * <p>A text within the model's window is tokenized once and run directly: langchain4j's encoder
 * tokenizes every text three times and rebuilds it from its tokens before the run
 * (bench/memory/embedding.sh: 0.3 ms at p50, up to 1.7 ms at p95 for a short query, beside an
 * ONNX run of ≈4 ms). The pooling and normalisation are langchain4j's, operation for operation,
 * so the vectors are the same ({@code QuantizedModelTest}). A text longer than the window (its
 * windows averaged) or without tokens (refused) still goes through langchain4j's encoder.
 */
final class QuantizedModel extends AbstractInProcessEmbeddingModel {

    /** Positions the model reads, [CLS] and [SEP] included. */
    private static final int WINDOW = 512;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final OnnxBertBiEncoder encoder;
    private final PoolingMode pooling;
    private final Executor executor;
    private final boolean tokenTypes;
    private final Set<String> hiddenStates;

    QuantizedModel(LocalModel model, Executor executor, int intraOpThreads) {
        super(executor);
        this.executor = executor;
        this.pooling = model.pooling;
        this.environment = OrtEnvironment.getEnvironment();
        byte[] tokenizerJson = read(model.tokenizerResource);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Math.max(1, intraOpThreads));
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(read(model.onnxResource), options);
            // As langchain4j's encoder reads it: the tokenizer's own truncation, no padding.
            tokenizer = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tokenizerJson), Map.of("padding", "false"));
            encoder = new OnnxBertBiEncoder(environment, session, new ByteArrayInputStream(tokenizerJson), pooling);
            tokenTypes = session.getInputNames().contains("token_type_ids");
            // The token vectors only, as langchain4j pools them (the first output).
            hiddenStates = Set.of(session.getOutputNames().iterator().next());
        } catch (OrtException | IOException e) {
            throw new IllegalStateException(
                    "the embedding model " + model.onnxResource + " could not be loaded: " + e.getMessage(), e);
        }
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (segments.size() == 1) {
            return Response.from(List.of(Embedding.from(vector(segments.get(0).text()))));
        }
        List<CompletableFuture<float[]>> vectors = segments.stream()
                .map(segment -> CompletableFuture.supplyAsync(() -> vector(segment.text()), executor))
                .toList();
        return Response.from(
                vectors.stream().map(vector -> Embedding.from(vector.join())).toList());
    }

    /** The text's unit vector, on the calling thread. */
    float[] vector(String text) {
        Encoding encoding = tokenizer.encode(text, true, false);
        long[] ids = encoding.getIds();
        if (ids.length <= 2 || ids.length > WINDOW || encoding.exceedMaxLength()) {
            return byLangchain4j(text);
        }
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put(
                    "attention_mask",
                    OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()), shape));
            if (tokenTypes) {
                inputs.put(
                        "token_type_ids",
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(inputs, hiddenStates)) {
                float[][] tokens = ((float[][][]) result.get(0).getValue())[0];
                return normalize(pooling == PoolingMode.CLS ? tokens[0].clone() : mean(tokens));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("the embedding model failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The vector langchain4j's encoder makes on this session (long and empty texts; tests). */
    float[] byLangchain4j(String text) {
        return super.embedAll(List.of(TextSegment.from(text))).content().get(0).vector();
    }

    // langchain4j's mean pooling and normalisation, in the same float operations and order.

    private static float[] mean(float[][] tokens) {
        float[] sum = new float[tokens[0].length];
        for (float[] token : tokens) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += token[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= tokens.length;
        }
        return sum;
    }

    private static float[] normalize(float[] vector) {
        float squares = 0;
        for (float v : vector) {
            squares += v * v;
        }
        float norm = (float) Math.sqrt(squares);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = vector[i] / norm;
        }
        return unit;
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return LocalModel.DIMENSIONS;
    }

    private static byte[] read(String name) {
        try (InputStream in = QuantizedModel.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        name + " is missing: its langchain4j-embeddings model jar" + " must be on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
