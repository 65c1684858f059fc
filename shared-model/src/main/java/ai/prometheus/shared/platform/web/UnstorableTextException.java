package ai.prometheus.shared.platform.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;

/** A JSON body holds a string or a field name PostgreSQL cannot store ({@link StorableText}). */
public class UnstorableTextException extends JsonParseException {

    private final String field;
    private final String reason;

    public UnstorableTextException(JsonParser parser, String field, String reason) {
        super(parser, field + " " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
