package ai.prometheus.registry.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signatures that would send the validator into endless or unbounded recursion, and those that would not. */
class FunctionSignaturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FunctionSignatures signatures = new FunctionSignatures();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private List<FieldError> problems(String signature) throws Exception {
        return signatures.problemsWith(json(signature), "functionSignature");
    }

    @Test
    void inPlaceCyclesAreRefusedNamingWhereTheyClose() throws Exception {
        assertEquals(
                "functionSignature.$ref",
                problems("{\"type\": \"object\", \"$ref\": \"#\"}").get(0).field());
        assertEquals(
                "functionSignature.allOf[0].$ref",
                problems("{\"type\": \"object\", \"allOf\": [{\"$ref\": \"#\"}]}")
                        .get(0)
                        .field());
        List<FieldError> mutual = problems(
                "{\"type\": \"object\", \"properties\": {\"x\": {\"$ref\": \"#/$defs/a\"}},"
                        + " \"$defs\": {\"a\": {\"not\": {\"$ref\": \"#/$defs/b\"}}, \"b\": {\"anyOf\": [{\"$ref\": \"#/$defs/a\"}]}}}");
        assertEquals(1, mutual.size(), mutual.toString());
        assertTrue(
                mutual.get(0).reason().contains("$defs.a.not.$ref")
                        && mutual.get(0).reason().contains("$defs.b.anyOf[0].$ref"),
                mutual.toString());
        List<FieldError> anchored = problems("{\"type\": \"object\", \"$defs\": {\"a\": {\"$anchor\": \"loop\","
                + " \"if\": {\"$ref\": \"#loop\"}}}}");
        assertEquals("functionSignature.$defs.a.if.$ref", anchored.get(0).field(), anchored.toString());
        List<FieldError> escaped =
                problems("{\"type\": \"object\", \"$defs\": {\"a/b\": {\"$ref\": \"#/$defs/a~1b\"}}}");
        assertEquals("functionSignature.$defs.a/b.$ref", escaped.get(0).field(), escaped.toString());
    }

    @Test
    void recursionThroughPropertiesAndItemsIsATreeAndValidates() throws Exception {
        String tree =
                "{\"type\": \"object\", \"properties\": {\"children\": {\"type\": \"array\", \"items\": {\"$ref\": \"#\"}},"
                        + " \"next\": {\"$ref\": \"#/$defs/node\"}}, \"$defs\": {\"node\": {\"type\": \"object\","
                        + " \"properties\": {\"up\": {\"$ref\": \"#\"}}}}}";
        assertEquals(List.of(), problems(tree));
        JsonNode nested = json("{\"children\": [{\"children\": [{\"next\": {\"up\": {\"children\": 3}}}]}]}");
        List<FieldError> violations = signatures.violations(json(tree), "sha256:tree", nested);
        assertEquals(
                "arguments.children[0].children[0].next.up.children",
                violations.get(0).field());
    }

    @Test
    void nestingIsBoundedForSignaturesAndArguments() throws Exception {
        String deepSignature = "{\"type\": \"object\", \"properties\": {\"a\": ".repeat(400) + "{}" + "}}".repeat(400);
        List<FieldError> problems = problems(deepSignature);
        assertEquals("functionSignature", problems.get(0).field());
        assertTrue(problems.get(0).reason().contains("deeper"));

        String self = "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#\"}}}";
        JsonNode deepArguments = json("{\"a\": ".repeat(990) + "{}" + "}".repeat(990));
        List<FieldError> violations = signatures.violations(json(self), "sha256:self", deepArguments);
        assertEquals("arguments", violations.get(0).field());
        JsonNode fine = json("{\"a\": ".repeat(90) + "{}" + "}".repeat(90));
        assertEquals(List.of(), signatures.violations(json(self), "sha256:self", fine));
    }

    @Test
    void aStoredCyclicSignatureRefusesInvocationsInsteadOfOverflowing() throws Exception {
        ProblemException refused = assertThrows(
                ProblemException.class,
                () -> signatures.violations(json("{\"type\": \"object\", \"$ref\": \"#\"}"), "sha256:old", json("{}")));
        assertEquals(ProblemType.UNPROCESSABLE, refused.type());
        assertTrue(refused.getMessage().contains("functionSignature.$ref"), refused.getMessage());
    }
}
