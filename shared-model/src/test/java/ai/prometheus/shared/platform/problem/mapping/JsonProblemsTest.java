package ai.prometheus.shared.platform.problem.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.platform.web.StrictJson;
import ai.prometheus.shared.problem.Problem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the strict request reader refuses a body, and which field and reason the 400 names. */
class JsonProblemsTest {

    record Limits(long wallMs, int memoryMb) {}

    record Request(String name, List<String> tags, Limits limits, JsonNode arguments, Map<String, String> attributes) {}

    private final ObjectMapper strict = StrictJson.strict(new ObjectMapper());

    private Problem.FieldError refusal(String body) {
        JsonProcessingException e = assertThrows(
                JsonProcessingException.class, () -> strict.readValue(body, Request.class), body + " was accepted");
        Problem.FieldError field = JsonProblems.fieldError(e);
        assertTrue(field != null, body + " named no field: " + e.getMessage());
        return field;
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\": \"x\", \"async\": true}                     | async          | not a field",
                "{\"name\": \"x\", \"name\": \"y\"}                      | name           | more than once",
                "{\"limits\": {\"wallMs\": 1, \"wallMs\": 2}}            | limits.wallMs  | more than once",
                "{\"arguments\": {\"a\": 1, \"a\": 2}}                   | arguments.a    | more than once",
                "{\"name\": \"x\"} garbage                               | body           | after the JSON value",
                "{\"name\": \"x\"} {}                                    | body           | after the JSON value",
                "{\"name\": \"a\\u0000b\"}                               | name           | NUL",
                "{\"tags\": [\"ok\", \"a\\ud800\"]}                      | tags[1]        | surrogate",
                "{\"arguments\": {\"deep\": {\"k\": \"a\\u0000\"}}}      | arguments.deep.k | NUL",
                "{\"attributes\": {\"k\": \"\\udc00\"}}                  | attributes.k   | surrogate",
                "{\"limits\": {\"memoryMb\": 99999999999}}               | limits.memoryMb | out of range",
                "{\"limits\": {\"wallMs\": 999999999999999999999999}}    | limits.wallMs  | out of range",
                "{\"limits\": {\"memoryMb\": 1.5}}                       | limits.memoryMb | whole number",
                "{\"arguments\": {\"n\": 1e999999}}                      | arguments.n    | out of range",
                "{\"arguments\": {\"n\": [-1.5e400]}}                    | arguments.n[0] | out of range",
                "{\"limits\": \"abc\"}                                   | limits         | an object",
                "[]                                                      | body           | an object",
            })
    void refusedBodiesNameTheFieldAndTheReason(String body, String field, String reason) {
        Problem.FieldError refusal = refusal(body.strip());
        assertEquals(field, refusal.field(), refusal.toString());
        assertTrue(refusal.reason().contains(reason), refusal.toString());
    }

    @Test
    void aFieldNameHoldingNulIsNamedWithoutTheNul() {
        Problem.FieldError refusal = refusal("{\"arguments\": {\"a\\u0000\": 1}}");
        assertTrue(refusal.field().startsWith("arguments.a") && refusal.field().indexOf('\0') < 0, refusal.toString());
        assertTrue(refusal.reason().contains("NUL"));
    }

    @Test
    void validBodiesStillRead() throws Exception {
        Request request = strict.readValue(
                "{\"name\": \"pair \\ud83d\\ude00\", \"arguments\": {\"x\": [1, \"two\"]},"
                        + " \"limits\": {\"wallMs\": 5}}",
                Request.class);
        assertEquals("pair \uD83D\uDE00", request.name());
        assertEquals(5, request.limits().wallMs());
    }

    @Test
    void brokenSyntaxNamesNoFieldSoItIsReportedAsMalformed() {
        JsonProcessingException e =
                assertThrows(JsonProcessingException.class, () -> strict.readValue("{\"name\":", Request.class));
        assertEquals(null, JsonProblems.fieldError(e));
    }

    @Test
    void theApplicationMapperItselfStaysTolerant() throws Exception {
        ObjectMapper application = new ObjectMapper()
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        StrictJson.strict(application);
        // Copying leaves the mapper REST clients and stored JSON use as it was.
        assertEquals(
                "x",
                application
                        .readValue("{\"name\": \"x\", \"newerField\": 1}", Request.class)
                        .name());
    }
}
