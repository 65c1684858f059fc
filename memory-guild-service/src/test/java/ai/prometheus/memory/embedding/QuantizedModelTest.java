package ai.prometheus.memory.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The direct path (one tokenization, the ONNX run, langchain4j's pooling) makes the vectors
 * langchain4j's encoder makes, for queries, passages and the texts it hands back to the encoder.
 * A Quarkus test only so that the tokenizer's native library is loaded by the same class loader
 * as in the service's other tests (a JVM loads it once).
 */
@QuarkusTest
class QuantizedModelTest {

    /** Queries and memories of the kinds the service embeds, and some the tokenizer finds awkward. */
    private static final List<String> TEXTS = List.of(
            "query: which programming language does Priya like best",
            "query: INV-2024-0042",
            "passage: Deploy of billing version 2.14.3 to the EU region took 17 minutes.",
            "passage: Ticket OPS-4471: deadlock in the checkout component, reported by Omar.",
            "Café crème at 9:30 — naïve résumé, Straße, Ærø",
            "东京 meeting moved to 金曜日 🙂 (see https://example.com/a?b=c&d=e#f)",
            "def f(x): return {\"k\": x ** 2}  # snake_case, camelCase, SCREAMING_CASE",
            "a",
            "   spaced    out\ttext\nover lines   ",
            "unaffable unbelievably hyperparameterisation antidisestablishmentarianism");

    private static ExecutorService executor;

    @BeforeAll
    static void nativeLibraries() {
        Embedder.pointNativeLibrariesAt(Path.of("target/native").toAbsolutePath());
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(LocalModel.class)
    void vectorsAreLangchain4jsOnTheSameSession(LocalModel choice) {
        QuantizedModel model = new QuantizedModel(choice, executor, 1);
        for (String text : TEXTS) {
            float[] direct = model.vector(text);
            assertArrayEquals(model.byLangchain4j(text), direct, 0f, text);
            assertEquals(1.0, norm(direct), 1e-5, text);
        }
    }

    @ParameterizedTest
    @EnumSource(LocalModel.class)
    void aTextLongerThanTheWindowIsStillEmbeddedByLangchain4j(LocalModel choice) {
        QuantizedModel model = new QuantizedModel(choice, executor, 1);
        String backups = "The nightly backup of the billing database finished late again. ".repeat(40);
        String longText = backups + "Priya prefers Rust for data pipelines on the Apollo project. ".repeat(40);
        float[] vector = model.vector(longText);
        assertArrayEquals(model.byLangchain4j(longText), vector, 0f);
    }

    @ParameterizedTest
    @EnumSource(value = LocalModel.class, names = "E5_SMALL")
    void aTextWithoutTokensIsRefusedAsBefore(LocalModel choice) {
        QuantizedModel model = new QuantizedModel(choice, executor, 1);
        assertThrows(IllegalArgumentException.class, () -> model.vector("   "));
    }

    @ParameterizedTest
    @EnumSource(value = LocalModel.class, names = "E5_SMALL")
    void batchesAndSingleTextsMatchLangchain4jsOwnModel(LocalModel choice) throws Exception {
        QuantizedModel model = new QuantizedModel(choice, executor, 1);
        // langchain4j's model with its own session and the runtime's default threads.
        OnnxBertBiEncoder reference;
        try (InputStream onnx = resource(choice.onnxResource);
                InputStream tokenizer = resource(choice.tokenizerResource)) {
            reference = new OnnxBertBiEncoder(onnx, tokenizer, choice.pooling);
        }
        AbstractInProcessEmbeddingModel referenceModel = new AbstractInProcessEmbeddingModel(Runnable::run) {
            @Override
            protected OnnxBertBiEncoder model() {
                return reference;
            }

            @Override
            protected Integer knownDimension() {
                return LocalModel.DIMENSIONS;
            }
        };
        List<float[]> batch = model
                .embedAll(TEXTS.stream().map(TextSegment::from).toList())
                .content()
                .stream()
                .map(embedding -> embedding.vector())
                .toList();
        for (int i = 0; i < TEXTS.size(); i++) {
            String text = TEXTS.get(i);
            float[] expected = referenceModel.embed(text).content().vector();
            assertTrue(cosine(expected, batch.get(i)) > 0.99999, text);
            assertTrue(
                    cosine(
                                    expected,
                                    model.embed(TextSegment.from(text))
                                            .content()
                                            .vector())
                            > 0.99999,
                    text);
        }
    }

    private static InputStream resource(String name) {
        return QuantizedModelTest.class.getClassLoader().getResourceAsStream(name);
    }

    private static double norm(float[] v) {
        return Math.sqrt(cosineParts(v, v));
    }

    private static double cosine(float[] a, float[] b) {
        return cosineParts(a, b) / Math.sqrt(cosineParts(a, a) * cosineParts(b, b));
    }

    private static double cosineParts(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }
}
