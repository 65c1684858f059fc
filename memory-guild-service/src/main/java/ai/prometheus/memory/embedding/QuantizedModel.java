package ai.prometheus.memory.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * A quantized model bundled with langchain4j ({@link LocalModel}), in an ONNX Runtime session of
 * our own. The bundled wrapper's session uses the runtime's defaults: one inference spread over
 * every core by threads that spin between operators. A search embeds one short query while
 * Postgres answers its other queries, and spinning threads took the other core from Postgres
 * (and from concurrent requests). Here each inference runs on {@code intraOpThreads} threads without spinning; batches
 * are parallel across the executor's threads instead.
 */
final class QuantizedModel extends AbstractInProcessEmbeddingModel {

    private final OnnxBertBiEncoder encoder;

    QuantizedModel(LocalModel model, Executor executor, int intraOpThreads) {
        super(executor);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                InputStream tokenizer = resource(model.tokenizerResource)) {
            options.setIntraOpNumThreads(Math.max(1, intraOpThreads));
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = environment.createSession(read(model.onnxResource), options);
            encoder = new OnnxBertBiEncoder(environment, session, tokenizer, model.pooling);
        } catch (OrtException | IOException e) {
            throw new IllegalStateException(
                    "the embedding model " + model.onnxResource + " could not be loaded: " + e.getMessage(), e);
        }
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
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = QuantizedModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(
                    name + " is missing: its langchain4j-embeddings model jar" + " must be on the class path");
        }
        return in;
    }
}
