package ai.prometheus.registry.discovery;

import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.util.Glob;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tool catalog as discovery reads it: permission-filtered, ranked pages of tools, whether a
 * caller may invoke any of some tools, and a tool's MCP presentation. Each is one prepared
 * statement on the reactive pool, outside any Hibernate session: listings are the registry's hot
 * path (see the README's "Discovery: where the time went").
 */
@ApplicationScoped
public class ToolListingRepository {

    private final Pool pool;
    private final String table;
    private final String mcpQuery;
    private final String searchQuery;

    public ToolListingRepository(Pool pool, ServiceConfig service) {
        this.pool = pool;
        this.table = service.schema() + ".tool_registry";
        this.mcpQuery = "select mcp::text from " + table + " where name = $1 and status <> 'DELETED'";
        this.searchQuery = service.schema() + ".tool_search_query";
    }

    /**
     * Who looks at the catalog, when not an admin (who sees every tool): the ACL principals they
     * match, their subject (owners see their tools), and the {@code LIKE} patterns of the names
     * their targeted grants allow (null when some grant covers every name).
     */
    public record Viewer(String subject, String[] principals, String[] namePatterns) {}

    /**
     * One page of a listing. {@code viewer} null: an admin; {@code tags}, {@code owner} null: no
     * such filter; {@code text} empty: no text search, else matched against the full-text
     * {@code terms} (the query's words joined by spaces, possibly empty) and the name's prefix.
     */
    public record Filter(
            List<String> statuses,
            ToolAction action,
            Viewer viewer,
            String[] tags,
            String owner,
            String text,
            String terms,
            ListingOrder order,
            int limit,
            int offset) {}

    /** A listing's statement and arguments: what the database runs, and what the cache keys on. */
    public record Statement(String sql, List<Object> args, boolean withScore) {}

    /** The statement that answers {@code filter}, in one query. */
    public Statement statement(Filter filter) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(statusCondition(filter.statuses()));
        where.append(visibility(filter.viewer(), filter.action(), args));
        if (filter.tags() != null) {
            where.append(" and tags @> ").append(bind(args, filter.tags()));
        }
        if (filter.owner() != null) {
            where.append(" and owner = ").append(bind(args, filter.owner()));
        }
        String score = "0::float8";
        String text = filter.text();
        if (!text.isEmpty()) {
            String like = bind(args, Glob.escapeSqlLike(text.toLowerCase(Locale.ROOT)) + "%");
            String exact = bind(args, text.toLowerCase(Locale.ROOT));
            if (filter.terms().isEmpty()) {
                where.append(" and lower(name) like ").append(like);
            } else {
                String ts = bind(args, filter.terms());
                String tsQuery = searchQuery + "(" + ts + ")";
                where.append(" and (search_vector @@ ")
                        .append(tsQuery)
                        .append(" or lower(name) like ")
                        .append(like)
                        .append(")");
                // ts_rank, not ts_rank_cd: a tool's text is a name, a sentence and some tags, where
                // the cover density's proximity hardly orders anything, and ts_rank costs about half.
                score = "ts_rank(search_vector, " + tsQuery + ", 32)";
            }
            // Exact and prefix name matches rank first.
            score = "(" + score + " + case when lower(name) = " + exact + " then 10 when lower(name) like " + like
                    + " then 2 else 0 end)::float8";
        }
        String limit = bind(args, filter.limit());
        String offset = bind(args, filter.offset());
        if (filter.order() == ListingOrder.RELEVANCE && !text.isEmpty()) {
            // Every match is ranked and sorted, so the sort carries only what it needs; the page's
            // rows are read whole afterwards by their keys (at 100,000 tools a two-word query
            // matches about 15,000, each of whose signatures the one-step sort copied).
            String sql = "with ranked as materialized (select id, name, " + score + " as score from " + table
                    + " where " + where + " order by score desc, name limit " + limit + " offset " + offset
                    + ") select " + columns("tool.") + ", ranked.score from ranked join " + table
                    + " tool on tool.id = ranked.id order by ranked.score desc, ranked.name";
            return new Statement(sql, args, true);
        }
        String sql = "select " + columns("") + ", " + score + " as score from " + table + " where " + where
                + " order by " + orderBy(filter.order()) + " limit " + limit + " offset " + offset;
        return new Statement(sql, args, !text.isEmpty());
    }

    /** The tools {@code statement} finds, in its order. */
    public Uni<List<ToolSummary>> find(Statement statement) {
        return pool.preparedQuery(statement.sql())
                .execute(Tuple.from(statement.args()))
                .map(rows -> {
                    List<ToolSummary> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(summary(row, statement.withScore()));
                    }
                    return found;
                });
    }

    /** Whether {@code viewer} (null: an admin) may invoke any of the tools {@code names}, whatever their status. */
    public Uni<Boolean> mayInvokeAny(Viewer viewer, String[] names) {
        List<Object> args = new ArrayList<>();
        String condition = "name = any(" + bind(args, names) + ")" + visibility(viewer, ToolAction.INVOKE, args);
        return pool.preparedQuery("select exists (select 1 from " + table + " where " + condition + ")")
                .execute(Tuple.from(args))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** The MCP presentation (JSON text) of the live tool {@code name}; null if it has none or there is no such tool. */
    public Uni<String> mcpMetadata(String name) {
        return pool.preparedQuery(mcpQuery)
                .execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    /**
     * The status filter, written as literals from a fixed list rather than bound: a plan prepared
     * for a bound array could not use the indexes on live tools ({@code where status <> 'DELETED'}).
     */
    private static String statusCondition(List<String> statuses) {
        if (statuses.size() == 2 && !statuses.contains("DELETED")) {
            return "status <> 'DELETED'";
        }
        return "status in ('" + String.join("', '", statuses) + "')";
    }

    /**
     * The SQL condition (starting with " and", or empty for admins) under which {@code viewer} may
     * see a tool for {@code action}: its ACL and the token's targeted grants, whatever the status.
     */
    private static String visibility(Viewer viewer, ToolAction action, List<Object> args) {
        if (viewer == null) {
            return "";
        }
        // acl_readers / acl_invokers are the ACL's principals as arrays (migration V8), GIN-indexed.
        String principals = bind(args, viewer.principals());
        String owner = bind(args, viewer.subject());
        String column = action == ToolAction.READ ? "acl_readers" : "acl_invokers";
        StringBuilder where = new StringBuilder(" and (owner = ")
                .append(owner)
                .append(" or ")
                .append(column)
                .append(" && ")
                .append(principals)
                .append(")");
        if (viewer.namePatterns() != null) {
            where.append(" and name like any(")
                    .append(bind(args, viewer.namePatterns()))
                    .append(")");
        }
        return where.toString();
    }

    private static String orderBy(ListingOrder order) {
        return switch (order) {
            case NAME -> "name asc";
            case NAME_DESCENDING -> "name desc";
            case CREATED -> "created_at asc, name";
            case CREATED_DESCENDING -> "created_at desc, name";
            case UPDATED -> "updated_at asc, name";
            case UPDATED_DESCENDING -> "updated_at desc, name";
            case RELEVANCE -> "score desc, name";
        };
    }

    /** What a listing answers of each tool, each column prefixed with {@code alias}. */
    private static String columns(String alias) {
        return alias + "name, " + alias + "description, " + alias + "tags, " + alias + "owner, " + alias + "status, "
                + alias + "status_reason, " + alias + "current_version, " + alias + "fingerprint, " + alias
                + "function_signature::text as function_signature, " + alias + "mcp::text as mcp, " + alias
                + "created_at, " + alias + "updated_at";
    }

    private static String bind(List<Object> args, Object value) {
        args.add(value);
        return "$" + args.size();
    }

    private static ToolSummary summary(Row row, boolean withScore) {
        String[] tags = row.getArrayOfStrings("tags");
        return new ToolSummary(
                row.getString("name"),
                row.getString("description"),
                tags == null ? List.of() : List.of(tags),
                row.getString("owner"),
                row.getString("status"),
                row.getString("status_reason"),
                row.getInteger("current_version"),
                row.getString("fingerprint"),
                row.getString("function_signature"),
                row.getString("mcp"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"),
                withScore ? row.getDouble("score") : null);
    }
}
