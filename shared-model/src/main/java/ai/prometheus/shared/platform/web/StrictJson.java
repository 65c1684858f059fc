package ai.prometheus.shared.platform.web;

import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingJsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.TreeSet;

/**
 * Reads request bodies strictly: a duplicate key, content after the JSON value, a field the
 * operation does not know (a misspelt {@code mode} would otherwise be silently ignored), a float
 * where a whole number is expected and any string or field name holding text PostgreSQL cannot
 * store ({@link StorableText}) are refused as a 400 naming the field.
 *
 * <p>Strictness is for inbound request bodies only, so this resolver is constrained to the server.
 * What services read from each other (REST client answers, Kafka events through {@code EventCodec},
 * stored JSON) stays tolerant of unknown fields: the services are deployed independently, and a
 * newer producer adding a field must not break an older reader. The mapper is a copy of the
 * application's, so responses are written exactly as before.
 */
@Provider
@ConstrainedTo(RuntimeType.SERVER)
public class StrictJson implements ContextResolver<ObjectMapper> {

    private final ObjectMapper strict;

    public StrictJson(ObjectMapper mapper) {
        this.strict = strict(mapper);
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return strict;
    }

    /** A copy of {@code mapper} that reads as this class describes. */
    public static ObjectMapper strict(ObjectMapper mapper) {
        ObjectMapper copy = mapper.copyWith(new StorableTextFactory(mapper.getFactory(), null));
        copy.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        copy.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return copy;
    }

    /**
     * For a body a resource takes as a bare {@code JsonNode} (a partial update): refuses the first
     * field that is not one of {@code known}, as the strict reader does for typed bodies.
     */
    public static void requireKnownFields(JsonNode body, Collection<String> known) {
        if (body == null || !body.isObject()) {
            return;
        }
        for (String name : (Iterable<String>) body::fieldNames) {
            if (!known.contains(name)) {
                throw ProblemException.invalidField(
                        StorableText.sanitize(name),
                        "is not a field of this request; known fields: " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /** {@code limits.memoryMb}, {@code tags[2]}: where the parser stands, in the suite's field notation. */
    public static String fieldAt(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inObject() && at.getCurrentName() != null) {
                parts.push("." + StorableText.sanitize(at.getCurrentName()));
            } else if (at.inArray()) {
                parts.push("[" + Math.max(0, at.getCurrentIndex()) + "]");
            }
        }
        String field = String.join("", parts);
        return field.startsWith(".") ? field.substring(1) : field.isEmpty() ? "body" : field;
    }

    /** Hands out parsers that check every field name and string value they read. */
    static final class StorableTextFactory extends MappingJsonFactory {

        StorableTextFactory(JsonFactory source, ObjectMapper codec) {
            super(source, codec);
        }

        @Override
        public JsonFactory copy() {
            return new StorableTextFactory(this, null);
        }

        @Override
        protected JsonParser _createParser(InputStream in, IOContext context) throws IOException {
            return new StorableTextParser(super._createParser(in, context));
        }

        @Override
        protected JsonParser _createParser(Reader reader, IOContext context) throws IOException {
            return new StorableTextParser(super._createParser(reader, context));
        }

        @Override
        protected JsonParser _createParser(char[] data, int offset, int length, IOContext context, boolean recyclable)
                throws IOException {
            return new StorableTextParser(super._createParser(data, offset, length, context, recyclable));
        }

        @Override
        protected JsonParser _createParser(byte[] data, int offset, int length, IOContext context) throws IOException {
            return new StorableTextParser(super._createParser(data, offset, length, context));
        }

        @Override
        protected JsonParser _createParser(DataInput input, IOContext context) throws IOException {
            return new StorableTextParser(super._createParser(input, context));
        }
    }

    /**
     * Checks each token as it is read. Every other {@code next...} method of {@link JsonParser}
     * is built on {@link #nextToken}, and the delegate overrides only it and {@link #nextValue}.
     */
    static final class StorableTextParser extends JsonParserDelegate {

        StorableTextParser(JsonParser delegate) {
            super(delegate);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return checked(super.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            return checked(super.nextValue());
        }

        private JsonToken checked(JsonToken token) throws IOException {
            String reason = null;
            if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                reason = StorableText.problem(token == JsonToken.FIELD_NAME ? currentName() : getText());
            } else if (token == JsonToken.VALUE_NUMBER_FLOAT && getNumberType() != NumberType.BIG_DECIMAL) {
                // 1e999999 would otherwise reach a tool as the string "Infinity".
                reason = StorableText.numberProblem(getDoubleValue());
            }
            if (reason != null) {
                throw new UnstorableTextException(this, fieldAt(getParsingContext()), reason);
            }
            return token;
        }
    }
}
