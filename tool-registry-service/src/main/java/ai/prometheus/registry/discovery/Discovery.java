package ai.prometheus.registry.discovery;

import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.util.Glob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the tools a caller may see (or invoke), in one SQL query on the hot path: permission
 * filtering happens in the database (ACL principals, ownership, and the token's target patterns
 * turned into {@code LIKE} patterns), so a page never hides invisible tools after the fact and
 * counts stay right. Text search ranks Postgres full-text matches over names, descriptions and
 * tags, with exact and prefix name matches first. Pages go through {@link ListingCache}.
 */
@ApplicationScoped
public class Discovery {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final int MAX_TERMS = 12;
    private static final Map<String, String> ORDERS = Map.of(
            "name", "name asc",
            "-name", "name desc",
            "created", "created_at asc, name",
            "-created", "created_at desc, name",
            "updated", "updated_at asc, name",
            "-updated", "updated_at desc, name",
            "relevance", "score desc, name");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pool pool;
    private final ListingCache cache;
    private final String table;

    public Discovery(Pool pool, ListingCache cache, ServiceConfig service) {
        this.pool = pool;
        this.cache = cache;
        this.table = service.schema() + ".tool_registry";
    }

    /** The page of tools matching {@code query} that {@code caller} may at least read. */
    public Uni<Listing> find(Caller caller, DiscoveryQuery query) {
        return search(caller, query, ToolAction.READ);
    }

    /** Active tools the caller may invoke (MCP {@code tools/list}, OpenAI export). */
    public Uni<PageResult<ToolSummary>> invocable(Caller caller, DiscoveryQuery query) {
        return search(caller, query, ToolAction.INVOKE).map(Listing::page);
    }

    private Uni<Listing> search(Caller caller, DiscoveryQuery query, ToolAction action) {
        String permissionAction = action.permissionAction();
        if (!caller.mayAnyTarget("tools", permissionAction)) {
            return Uni.createFrom()
                    .failure(ProblemException.forbidden("listing tools requires the permission tools:"
                            + permissionAction + " (for at least some tools)"));
        }
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(statusCondition(query, action));
        where.append(visibility(caller, action, args));
        if (query.tags() != null && !query.tags().isEmpty()) {
            String[] tags = query.tags().stream()
                    .map(t -> t.trim().toLowerCase(Locale.ROOT))
                    .toArray(String[]::new);
            where.append(" and tags @> ").append(bind(args, tags));
        }
        if (query.owner() != null && !query.owner().isBlank()) {
            where.append(" and owner = ").append(bind(args, query.owner()));
        }

        String score = "0::float8";
        String text = query.text() == null ? "" : query.text().trim();
        if (!text.isEmpty()) {
            String terms = tsTerms(text);
            String like = bind(args, Glob.escapeSqlLike(text.toLowerCase(Locale.ROOT)) + "%");
            String exact = bind(args, text.toLowerCase(Locale.ROOT));
            if (terms.isEmpty()) {
                where.append(" and lower(name) like ").append(like);
            } else {
                String ts = bind(args, terms);
                String tsQuery = "(to_tsquery('simple', " + ts + ") || to_tsquery('english', " + ts + "))";
                where.append(" and (search_vector @@ ")
                        .append(tsQuery)
                        .append(" or lower(name) like ")
                        .append(like)
                        .append(")");
                score = "ts_rank_cd(search_vector, " + tsQuery + ", 32)";
            }
            score = "(" + score + " + case when lower(name) = " + exact + " then 10 when lower(name) like " + like
                    + " then 2 else 0 end)::float8";
        }

        String sort =
                query.sort() == null || query.sort().isBlank() ? (text.isEmpty() ? "name" : "relevance") : query.sort();
        String order = ORDERS.get(sort);
        if (order == null) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "sort", "must be one of relevance, name, created, updated (prefix - to reverse)"));
        }
        String limit = bind(args, query.size() + 1);
        String offset = bind(args, query.page() * query.size());
        String sql = "select name, description, tags, owner, status, status_reason, current_version, fingerprint,"
                + " function_signature::text, mcp::text, created_at, updated_at, " + score + " as score from " + table
                + " where " + where + " order by " + order + " limit " + limit + " offset " + offset;
        boolean withScore = !text.isEmpty();
        return cache.get(
                sql,
                args,
                () -> pool.preparedQuery(sql).execute(Tuple.from(args)).map(rows -> {
                    List<ToolSummary> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(summary(row, withScore));
                    }
                    return PageResult.of(found, query.page(), query.size(), s -> s);
                }));
    }

    /**
     * The status filter, written as literals from a fixed list rather than bound: a plan prepared
     * for a bound array could not use the indexes on live tools ({@code where status <> 'DELETED'}).
     */
    private static String statusCondition(DiscoveryQuery query, ToolAction action) {
        List<String> statuses = List.of(statuses(query, action));
        if (statuses.size() == 2 && !statuses.contains("DELETED")) {
            return "status <> 'DELETED'";
        }
        return "status in ('" + String.join("', '", statuses) + "')";
    }

    /**
     * The SQL condition (starting with " and", or empty for admins) under which {@code caller} may
     * see a tool for {@code action}: its ACL and the token's targeted grants, whatever the status.
     */
    private static String visibility(Caller caller, ToolAction action, List<Object> args) {
        String permissionAction = action.permissionAction();
        StringBuilder where = new StringBuilder();
        if (!caller.isAdmin()) {
            // acl_readers / acl_invokers are the ACL's principals as arrays (migration V8), GIN-indexed.
            String principals = bind(args, ToolAccess.principals(caller).toArray(String[]::new));
            String owner = bind(args, caller.subject());
            String column = action == ToolAction.READ ? "acl_readers" : "acl_invokers";
            where.append(" and (owner = ")
                    .append(owner)
                    .append(" or ")
                    .append(column)
                    .append(" && ")
                    .append(principals)
                    .append(")");
            List<String> patterns = namePatterns(caller, permissionAction);
            if (patterns != null) {
                where.append(" and name like any(")
                        .append(bind(args, patterns.toArray(String[]::new)))
                        .append(")");
            }
        }
        return where.toString();
    }

    /**
     * Whether {@code caller} may invoke any of the tools {@code names}, in whatever status they are
     * now (a tool just deleted or disabled still concerns those who could call it). Decides which
     * MCP sessions hear that the tool list changed.
     */
    public Uni<Boolean> mayInvokeAny(Caller caller, Collection<String> names) {
        if (!caller.mayAnyTarget("tools", ToolAction.INVOKE.permissionAction())) {
            return Uni.createFrom().item(false);
        }
        List<Object> args = new ArrayList<>();
        String condition = "name = any(" + bind(args, names.toArray(String[]::new)) + ")"
                + visibility(caller, ToolAction.INVOKE, args);
        return pool.preparedQuery("select exists (select 1 from " + table + " where " + condition + ")")
                .execute(Tuple.from(args))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** The MCP presentation of the live tool {@code name} (title, annotations, outputSchema...); null if none. */
    public Uni<JsonNode> mcpMetadata(String name) {
        return pool.preparedQuery("select mcp::text from " + table + " where name = $1 and status <> 'DELETED'")
                .execute(Tuple.of(name))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    String mcp = rows.iterator().next().getString(0);
                    try {
                        return mcp == null ? null : JSON.readTree(mcp);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("unreadable MCP metadata of tool " + name, e);
                    }
                });
    }

    private static String[] statuses(DiscoveryQuery query, ToolAction action) {
        if (action == ToolAction.INVOKE) {
            return new String[] {"ACTIVE"};
        }
        if (query.statuses() == null || query.statuses().isEmpty()) {
            return new String[] {"ACTIVE", "DISABLED"};
        }
        List<String> statuses = new ArrayList<>();
        for (String status : query.statuses()) {
            String normalized = status.trim().toUpperCase(Locale.ROOT);
            if (!List.of("ACTIVE", "DISABLED", "DELETED").contains(normalized)) {
                throw ProblemException.invalidField("status", "must be ACTIVE, DISABLED or DELETED");
            }
            statuses.add(normalized);
        }
        return statuses.toArray(String[]::new);
    }

    /**
     * The {@code LIKE} patterns the caller's targeted grants allow ({@code tools:read:weather-*}
     * gives {@code weather-%}), or null when some grant covers every tool.
     */
    static List<String> namePatterns(Caller caller, String action) {
        List<String> patterns = new ArrayList<>();
        for (Permission permission : caller.permissions()) {
            if (permission.isAdmin()) {
                return null;
            }
            if (permission.resource().equals("tools") && permission.action().equals(action)) {
                if (!permission.hasTarget()) {
                    return null;
                }
                patterns.add(Glob.toSqlLike(permission.target()));
            }
        }
        return patterns;
    }

    /** Words of the query as an OR of prefix terms: "get weather" finds tools matching either word. */
    static String tsTerms(String text) {
        List<String> terms = new ArrayList<>();
        Matcher words = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (words.find() && terms.size() < MAX_TERMS) {
            terms.add(words.group() + ":*");
        }
        return String.join(" | ", terms);
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
