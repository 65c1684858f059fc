package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The catalogue of backup files ({@code memory_backups}). Backups and restores stream many rows
 * through JDBC on worker threads, so their bookkeeping uses JDBC too.
 */
@ApplicationScoped
public class BackupRepository {

    private static final String COLUMNS =
            "id, status, origin, schedule_slot, root_context_id, file_name, format_version,"
                    + " embedding_model, context_count, memory_count, share_count, size_bytes, sha256, created_by, created_at,"
                    + " completed_at, error";

    private final AgroalDataSource dataSource;
    private final Sql sql;

    public BackupRepository(AgroalDataSource dataSource, Sql sql) {
        this.dataSource = dataSource;
        this.sql = sql;
    }

    /** Records a backup that is starting; answers false when {@code scheduleSlot} was already taken (by another replica). */
    public boolean insertRunning(
            UUID id,
            String origin,
            String scheduleSlot,
            UUID rootContextId,
            String fileName,
            String embeddingModel,
            String createdBy) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql.of(
                        "insert into {schema}.memory_backups (id, status, origin, schedule_slot, root_context_id, file_name,"
                                + " format_version, embedding_model, created_by) values (?, 'running', ?, ?, ?, ?, ?, ?, ?)"
                                + " on conflict (schedule_slot) do nothing"))) {
            insert.setObject(1, id);
            insert.setString(2, origin);
            insert.setString(3, scheduleSlot);
            insert.setObject(4, rootContextId);
            insert.setString(5, fileName);
            insert.setInt(6, BackupFormat.VERSION);
            insert.setString(7, embeddingModel);
            insert.setString(8, createdBy);
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record backup " + id, e);
        }
    }

    public void complete(
            UUID id, long contexts, long memories, long shares, long size, String sha256, String embeddingModel) {
        update(
                "update {schema}.memory_backups set status = 'completed', context_count = ?, memory_count = ?,"
                        + " share_count = ?, size_bytes = ?, sha256 = ?, embedding_model = ?, completed_at = now(), error = null"
                        + " where id = ?",
                contexts,
                memories,
                shares,
                size,
                sha256,
                embeddingModel,
                id);
    }

    public void fail(UUID id, String error) {
        update(
                "update {schema}.memory_backups set status = 'failed', completed_at = now(), error = ? where id = ?",
                error,
                id);
    }

    public Optional<BackupView> find(UUID id) {
        List<BackupView> found = query("select " + COLUMNS + " from {schema}.memory_backups where id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Newest first; {@code createdBy} null lists everyone's. */
    public List<BackupView> list(String createdBy, int offset, int limit) {
        return createdBy == null
                ? query(
                        "select " + COLUMNS
                                + " from {schema}.memory_backups order by created_at desc, id limit ? offset ?",
                        limit,
                        offset)
                : query(
                        "select " + COLUMNS + " from {schema}.memory_backups where created_by = ?"
                                + " order by created_at desc, id limit ? offset ?",
                        createdBy,
                        limit,
                        offset);
    }

    /** Completed scheduled backups beyond the newest {@code keep}, oldest first. */
    public List<BackupView> scheduledBeyond(int keep) {
        return query(
                "select " + COLUMNS + " from {schema}.memory_backups where origin = 'scheduled'"
                        + " and status <> 'running' order by created_at desc, id offset ?",
                keep);
    }

    public void delete(UUID id) {
        update("delete from {schema}.memory_backups where id = ?", id);
    }

    private void update(String statement, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(sql.of(statement))) {
            bind(update, parameters);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update the backup catalogue", e);
        }
    }

    private List<BackupView> query(String statement, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql.of(statement))) {
            bind(query, parameters);
            List<BackupView> views = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    views.add(view(rs));
                }
            }
            return views;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the backup catalogue", e);
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else {
                statement.setObject(i + 1, parameters[i]);
            }
        }
    }

    private static BackupView view(ResultSet rs) throws SQLException {
        return new BackupView(
                rs.getObject("id", UUID.class),
                rs.getString("status"),
                rs.getString("origin"),
                rs.getObject("root_context_id", UUID.class),
                rs.getString("file_name"),
                rs.getInt("format_version"),
                rs.getString("embedding_model"),
                (Integer) rs.getObject("context_count"),
                (Integer) rs.getObject("memory_count"),
                (Integer) rs.getObject("share_count"),
                (Long) rs.getObject("size_bytes"),
                rs.getString("sha256"),
                rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("completed_at", OffsetDateTime.class),
                rs.getString("error"));
    }
}
