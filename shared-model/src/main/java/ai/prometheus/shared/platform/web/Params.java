package ai.prometheus.shared.platform.web;

import ai.prometheus.shared.problem.ProblemException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Parses request parameters that JAX-RS would otherwise reject with a bare 404 or 400, so the
 * caller learns which parameter is wrong and why.
 */
public final class Params {

    public static final int MAX_PAGE_SIZE = 200;

    private Params() {}

    /** An RFC 3339 timestamp such as {@code 2026-01-02T03:04:05Z}, or null when absent. */
    public static OffsetDateTime timestamp(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(name, "must be an RFC 3339 timestamp such as 2026-01-02T03:04:05Z");
        }
    }

    public static UUID uuid(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField(name, "must be a UUID");
        }
    }

    public static int page(Integer page) {
        if (page == null) {
            return 0;
        }
        if (page < 0) {
            throw ProblemException.invalidField("page", "must be 0 or more");
        }
        return page;
    }

    public static int size(Integer size, int fallback) {
        if (size == null) {
            return fallback;
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ProblemException.invalidField("size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        return size;
    }
}
