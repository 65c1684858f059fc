package ai.prometheus.shared.platform.postgres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One data-modifying statement with its parameters, numbered {@code $first ..} so that several
 * can be composed into one statement (data-modifying {@code WITH} clauses): a write that must be
 * atomic then costs one round trip and an implicit transaction instead of BEGIN, a statement per
 * table and COMMIT.
 */
public record SqlPart(String sql, List<Object> parameters) {

    public SqlPart {
        // Nulls are parameters too (SQL NULL), which List.copyOf would refuse.
        parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
    }

    /** {@code $first, $first+1, ..} for {@code count} parameters. */
    public static String placeholders(int first, int count) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "$" : ", $").append(first + i);
        }
        return sql.toString();
    }
}
