package ai.prometheus.shared.platform.problem.mapping;

import ai.prometheus.shared.platform.web.StrictJson;
import ai.prometheus.shared.platform.web.UnstorableTextException;
import ai.prometheus.shared.problem.Problem;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Names the field and the reason of a JSON body the reader refused, without Java class names. */
final class JsonProblems {

    private JsonProblems() {}

    /** The offending field and why, or null when only the syntax is broken (no field to name). */
    static Problem.FieldError fieldError(JsonProcessingException e) {
        String mappedPath = e instanceof JsonMappingException mapping ? ProblemMappers.jsonPath(mapping) : "";
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof UnstorableTextException unstorable) {
                return new Problem.FieldError(unstorable.field(), unstorable.reason());
            }
            if (cause instanceof InputCoercionException coercion) {
                return new Problem.FieldError(
                        orParserField(mappedPath, coercion.getProcessor()),
                        "is out of range for " + ProblemMappers.describe(coercion.getTargetType()));
            }
            if (cause instanceof StreamConstraintsException) {
                return new Problem.FieldError(
                        orParserField(mappedPath, null),
                        "exceeds the reader's limits (a number or string too long, or nesting too deep)");
            }
        }
        if (e instanceof PropertyBindingException unknown) {
            return new Problem.FieldError(
                    orName(mappedPath, unknown.getPropertyName()), "is not a field of this request" + known(unknown));
        }
        String message = String.valueOf(e.getOriginalMessage());
        JsonParser parser = parserOf(e);
        if (message.startsWith("Trailing token") || afterTheRootValue(parser)) {
            return new Problem.FieldError("body", "has content after the JSON value");
        }
        if (message.startsWith("Duplicate field") || duplicate(e)) {
            // The parser knows the full path of the repeated key; the binder only the object's.
            return new Problem.FieldError(
                    parser != null ? StrictJson.fieldAt(parser.getParsingContext()) : orName(mappedPath, null),
                    "appears more than once");
        }
        if (e instanceof MismatchedInputException mismatch) {
            String reason = mismatch instanceof InvalidFormatException invalid
                    ? "expected " + ProblemMappers.describe(invalid.getTargetType())
                    : mismatch.getTargetType() != null
                            ? "expected " + ProblemMappers.describe(mismatch.getTargetType())
                            : "has the wrong type";
            return new Problem.FieldError(mappedPath.isEmpty() ? "body" : mappedPath, reason);
        }
        if (e instanceof ValueInstantiationException || (e instanceof JsonMappingException && !mappedPath.isEmpty())) {
            return new Problem.FieldError(mappedPath.isEmpty() ? "body" : mappedPath, "has an invalid value");
        }
        // A syntax error may still be wrapped with the path the binder had reached.
        Throwable root = e.getCause();
        if (root instanceof JsonProcessingException inner && inner != e) {
            Problem.FieldError nested = fieldError(inner);
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    private static boolean duplicate(JsonProcessingException e) {
        for (Throwable cause = e.getCause();
                cause != null;
                cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JsonProcessingException json
                    && String.valueOf(json.getOriginalMessage()).startsWith("Duplicate field")) {
                return true;
            }
        }
        return false;
    }

    /** A second value at the root: whatever it is, it came after a complete JSON value. */
    private static boolean afterTheRootValue(JsonParser parser) {
        return parser != null
                && parser.getParsingContext() != null
                && parser.getParsingContext().inRoot()
                && parser.getParsingContext().getCurrentIndex() >= 1;
    }

    private static String known(PropertyBindingException unknown) {
        if (unknown.getKnownPropertyIds() == null
                || unknown.getKnownPropertyIds().isEmpty()
                || unknown.getKnownPropertyIds().size() > 30) {
            return "";
        }
        List<String> names = new ArrayList<>();
        for (Object id : new TreeSet<>(
                unknown.getKnownPropertyIds().stream().map(String::valueOf).toList())) {
            names.add(String.valueOf(id));
        }
        return "; known fields: " + String.join(", ", names);
    }

    private static JsonParser parserOf(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JsonProcessingException json && json.getProcessor() instanceof JsonParser parser) {
                return parser;
            }
        }
        return null;
    }

    private static String orParserField(String mappedPath, Object processor) {
        if (!mappedPath.isEmpty()) {
            return mappedPath;
        }
        return processor instanceof JsonParser parser ? StrictJson.fieldAt(parser.getParsingContext()) : "body";
    }

    private static String orName(String mappedPath, String name) {
        return !mappedPath.isEmpty() ? mappedPath : name == null ? "body" : name;
    }
}
