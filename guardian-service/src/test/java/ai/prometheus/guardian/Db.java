package ai.prometheus.guardian;

import static org.awaitility.Awaitility.await;

import ai.prometheus.shared.testing.Engines;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads what the guardian wrote, straight from its schema, for assertions. */
public final class Db {

    private Db() {}

    public static long count(String sql, Object... parameters) {
        return ((Number) single(sql, parameters)).longValue();
    }

    public static Object single(String sql, Object... parameters) {
        List<Object> values = column(sql, parameters);
        return values.isEmpty() ? null : values.get(0);
    }

    public static List<Object> column(String sql, Object... parameters) {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            List<Object> values = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getObject(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static void update(String sql, Object... parameters) {
        try (Connection db = Engines.jdbc();
                PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Waits until the error from event {@code eventId} is stored, and answers its group. */
    public static UUID awaitGroupOf(String eventId) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> count("select count(*) from guardian.error_logs where event_id = ?", eventId) == 1);
        return (UUID) single("select group_id from guardian.error_logs where event_id = ?", eventId);
    }
}
