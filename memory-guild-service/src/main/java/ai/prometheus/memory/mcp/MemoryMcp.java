package ai.prometheus.memory.mcp;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.context.ContextRequests;
import ai.prometheus.memory.context.ContextView;
import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.Scope;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.memory.memory.MemoryReader;
import ai.prometheus.memory.memory.MemoryRequests;
import ai.prometheus.memory.memory.Scribe;
import ai.prometheus.memory.search.Librarian;
import ai.prometheus.memory.search.SearchMetrics;
import ai.prometheus.memory.search.SearchRequest;
import ai.prometheus.shared.platform.mcp.McpArguments;
import ai.prometheus.shared.platform.mcp.McpServer;
import ai.prometheus.shared.platform.mcp.McpServer.InvalidParams;
import ai.prometheus.shared.platform.mcp.McpServer.ResourceNotFound;
import ai.prometheus.shared.platform.mcp.McpService;
import ai.prometheus.shared.platform.mcp.McpTransportSettings;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory guild as an MCP server: its REST capabilities as tools ({@code remember},
 * {@code recall}, {@code read_memory}, {@code forget}, {@code list_contexts},
 * {@code create_context}), defined in {@code mcp/memory-tools.json}. Each call checks the same
 * permissions as its REST endpoint, reads its arguments into the same request record (so the
 * same validation applies) and runs the same service method.
 *
 * <p>A tool is listed only to tokens that may use its action at all (memory:read or
 * memory:write for some context); calling one without the permission, or on a context the token
 * may not use, is a tool error ({@code isError}) naming the permission, as the registry answers
 * a call it refuses. Bad arguments are tool errors too, naming each field (SEP-1303: the model
 * can correct them), as the registry answers them; only an unknown tool is JSON-RPC -32602.
 *
 * <p>Resources: every context the caller sees is {@code memory://contexts/{id}} (the context and
 * the newest memories it sees), and each memory {@code memory://contexts/{id}/memories/{memoryId}}.
 *
 * <p>Size: ~460 lines because it is the guild's one {@code McpService} adapter: tools, resources
 * and resource subscriptions each map onto the same services with the same permission checks as
 * REST; move the resources and their subscriptions to a class of their own if more resources come.
 */
@ApplicationScoped
public class MemoryMcp implements McpService {

    static final String TOOLS = "/mcp/memory-tools.json";
    static final String CONTEXT_URI = "memory://contexts/";
    private static final Pattern RESOURCE =
            Pattern.compile("memory://contexts/([0-9a-fA-F-]{36})(?:/memories/([0-9a-fA-F-]{36}))?");
    /** Contexts per resources/list page, and the memories a context resource shows. */
    private static final int RESOURCE_PAGE = 50;

    private final Scribe scribe;
    private final Librarian librarian;
    private final MemoryReader reader;
    private final Coordinator coordinator;
    private final SearchMetrics metrics;
    private final McpArguments arguments;
    private final McpServer server;
    private final MemoryConfig config;
    private final ObjectMapper json;
    private final MemoryChanges changes;
    /** The tools by name, in the order tools/list shows them. */
    private final Map<String, ObjectNode> tools = new LinkedHashMap<>();

    public MemoryMcp(
            Scribe scribe,
            Librarian librarian,
            MemoryReader reader,
            Coordinator coordinator,
            SearchMetrics metrics,
            McpArguments arguments,
            McpServer server,
            MemoryConfig config,
            ObjectMapper json,
            MemoryChanges changes) {
        this.changes = changes;
        this.scribe = scribe;
        this.librarian = librarian;
        this.reader = reader;
        this.coordinator = coordinator;
        this.metrics = metrics;
        this.arguments = arguments;
        this.server = server;
        this.config = config;
        this.json = json;
        try (InputStream in = MemoryMcp.class.getResourceAsStream(TOOLS)) {
            for (JsonNode tool : json.readTree(in)) {
                tools.put(tool.get("name").asText(), (ObjectNode) tool);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TOOLS, e);
        }
    }

    @Override
    public ServerInfo serverInfo() {
        return new ServerInfo("prometheus-memory-guild", "Prometheus memory guild", "0.1.0");
    }

    @Override
    public String instructions() {
        return "Long-term memory shared across agents and sessions. Memories live in contexts; a context inherits"
                + " its ancestors' memories. Find your contexts with list_contexts (or create one), write with"
                + " remember, search with recall, read one with read_memory, delete with forget.";
    }

    @Override
    public String configPrefix() {
        return "memory.mcp";
    }

    @Override
    public McpTransportSettings transportSettings() {
        return config.mcp();
    }

    /** The memory action ({@code read} or {@code write}) a tool needs. */
    static String action(String tool) {
        return switch (tool) {
            case "recall", "read_memory", "list_contexts" -> "read";
            default -> "write";
        };
    }

    @Override
    public Uni<ToolPage> listTools(Caller caller, String cursor) {
        if (cursor != null) {
            return Uni.createFrom().failure(new InvalidParams("cursor is not one this server gave out"));
        }
        List<ObjectNode> visible = tools.values().stream()
                .filter(tool ->
                        caller.mayAnyTarget("memory", action(tool.get("name").asText())))
                .map(ObjectNode::deepCopy)
                .toList();
        return Uni.createFrom().item(new ToolPage(visible, null));
    }

    @Override
    public Uni<JsonNode> callTool(Caller caller, ToolCall call) {
        ObjectNode tool = tools.get(call.name());
        if (tool == null) {
            return Uni.createFrom().failure(new InvalidParams("unknown tool: " + call.name()));
        }
        String action = action(call.name());
        if (!caller.mayAnyTarget("memory", action)) {
            return Uni.createFrom().item(server.toolError("this operation requires the permission memory:" + action));
        }
        Uni<JsonNode> result;
        try {
            ObjectNode args = arguments.check(call.arguments(), tool.get("inputSchema"));
            result = run(caller, call.name(), args);
        } catch (ProblemException | InvalidParams refused) {
            result = Uni.createFrom().failure(refused);
        }
        return result.map(structured -> {
                    ObjectNode answer = json.createObjectNode();
                    answer.putArray("content").addObject().put("type", "text").put("text", structured.toString());
                    answer.set("structuredContent", structured);
                    answer.put("isError", false);
                    return (JsonNode) answer;
                })
                // Bad values the REST layer names (metadata not an object, content too long...) are
                // bad arguments; refusals the model can act on (no access, not found, conflict) are results.
                .onFailure(ProblemException.class)
                .transform(failure -> McpArguments.asArguments((ProblemException) failure))
                .onFailure(InvalidParams.class)
                .recoverWithItem(failure -> server.toolError((InvalidParams) failure))
                .onFailure(ProblemException.class)
                .recoverWithItem(failure -> server.toolError((ProblemException) failure));
    }

    private Uni<JsonNode> run(Caller caller, String tool, ObjectNode args) {
        Viewer viewer = Viewer.of(caller);
        return switch (tool) {
            case "remember" -> {
                UUID context = context(caller, args, "write");
                MemoryRequests.WriteMemory request =
                        arguments.read(without(args, "contextId"), MemoryRequests.WriteMemory.class);
                yield scribe.write(viewer, context, request)
                        .map(written -> object().<ObjectNode>set("memory", json.valueToTree(written.memory()))
                                .put("created", written.created()));
            }
            case "recall" -> {
                UUID context = context(caller, args, "read");
                SearchRequest request = arguments.read(without(args, "contextId"), SearchRequest.class);
                yield metrics.timed(request.mode(), () -> librarian.search(viewer, context, request))
                        .map(found -> (ObjectNode) json.valueToTree(found));
            }
            case "read_memory" -> {
                UUID context = context(caller, args, "read");
                yield reader.get(viewer, context, uuid(args, "memoryId"))
                        .map(memory -> object().set("memory", json.valueToTree(memory)));
            }
            case "forget" -> {
                UUID context = context(caller, args, "write");
                UUID memory = uuid(args, "memoryId");
                yield scribe.delete(viewer, context, memory)
                        .map(done -> object().put("deleted", true)
                                .put("contextId", context.toString())
                                .put("memoryId", memory.toString()));
            }
            case "list_contexts" -> {
                UUID agent = McpArguments.asArguments(() -> Params.uuid("agentId", text(args, "agentId")));
                int page = McpArguments.asArguments(() -> Params.page(integer(args, "page")));
                int size = McpArguments.asArguments(() -> Params.size(integer(args, "size"), 50));
                yield coordinator.list(viewer, agent, page, size).map(found -> (ObjectNode) json.valueToTree(found));
            }
            case "create_context" -> {
                ContextRequests.CreateContext request = arguments.read(args, ContextRequests.CreateContext.class);
                // As POST /contexts: a root needs memory:write for every context, a child write on some.
                if (request.parentContextId() == null) {
                    Viewer.requireGeneral(caller, "write", "creating a root context");
                }
                yield coordinator.create(viewer, request).map(view -> object().set("context", json.valueToTree(view)));
            }
            default -> throw new IllegalStateException("no implementation for the tool " + tool);
        };
    }

    // --- resources: memory://contexts/{id} and memory://contexts/{id}/memories/{memoryId} -------

    @Override
    public boolean resources() {
        return true;
    }

    /** The contexts the caller owns or that are shared with it, as list_contexts shows them. */
    @Override
    public Uni<ResourcePage> listResources(Caller caller, String cursor) {
        if (!caller.mayAnyTarget("memory", "read")) {
            return Uni.createFrom().item(new ResourcePage(List.of(), null));
        }
        int parsed;
        try {
            parsed = cursor == null ? 0 : Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            return Uni.createFrom().failure(new InvalidParams("cursor is not one this server gave out"));
        }
        int page = parsed;
        return coordinator
                .list(Viewer.of(caller), null, page, RESOURCE_PAGE)
                .map(found -> new ResourcePage(
                        found.items().stream().map(this::contextResource).toList(),
                        found.hasMore() ? Integer.toString(page + 1) : null));
    }

    private ObjectNode contextResource(ContextView context) {
        ObjectNode resource = object().put("uri", CONTEXT_URI + context.id())
                .put("name", context.name() == null ? context.id().toString() : context.name())
                .put("mimeType", "application/json");
        resource.put(
                "description",
                "Memory context " + context.id() + ": the context and its newest memories,"
                        + " inherited ones included");
        return resource;
    }

    // --- subscriptions: a resource is updated when a memory is written, changed or forgotten in its
    // context or in an ancestor of it (a context resource shows inherited memories too) -------------

    @Override
    public boolean resourceSubscriptions() {
        return true;
    }

    /**
     * Bursts of changes (a bulk write, a restore) are gathered for a quarter of a second; then each
     * subscribed resource whose context lineage, as the caller sees it, holds a changed context is
     * announced once, and only while the caller may still read that context (a revoked share or a
     * narrower token hears nothing more).
     */
    @Override
    public Multi<String> resourceUpdates(Caller caller, Set<String> uris) {
        Viewer viewer = Viewer.of(caller);
        return changes.stream()
                .group()
                .intoLists()
                .every(Duration.ofMillis(250))
                .filter(batch -> !batch.isEmpty())
                .onItem()
                .transformToUniAndConcatenate(batch -> affected(caller, viewer, Set.copyOf(batch), List.copyOf(uris)))
                .onItem()
                .transformToMultiAndConcatenate(found -> Multi.createFrom().iterable(found));
    }

    private Uni<List<String>> affected(Caller caller, Viewer viewer, Set<UUID> changed, List<String> uris) {
        return Multi.createFrom()
                .iterable(uris)
                .onItem()
                .transformToUniAndConcatenate(uri -> {
                    Matcher matcher = RESOURCE.matcher(uri);
                    if (!matcher.matches() || !caller.may("memory", "read", matcher.group(1))) {
                        return Uni.createFrom().<String>nullItem();
                    }
                    return coordinator
                            .lineage(viewer, UUID.fromString(matcher.group(1)))
                            .map(lineage -> {
                                boolean readable = !lineage.entries().isEmpty()
                                        && lineage.self().visible();
                                boolean touched =
                                        lineage.visible().stream().anyMatch(entry -> changed.contains(entry.id()));
                                return readable && touched ? uri : null;
                            })
                            .onFailure()
                            .recoverWithNull();
                })
                .filter(uri -> uri != null)
                .collect()
                .asList();
    }

    /** A 2026-07-28 listen stream: resourceSubscriptions naming memory resources (others are left out of the acknowledgement). */
    @Override
    public ObjectNode acceptSubscriptions(Caller caller, ObjectNode requested) {
        ObjectNode accepted = json.createObjectNode();
        List<String> uris = new ArrayList<>();
        requested.path("resourceSubscriptions").forEach(uri -> {
            if (uri.isTextual() && RESOURCE.matcher(uri.asText()).matches() && uris.size() < 1_000) {
                uris.add(uri.asText());
            }
        });
        if (!uris.isEmpty()) {
            ArrayNode array = accepted.putArray("resourceSubscriptions");
            new HashSet<>(uris).stream().sorted().forEach(array::add);
        }
        return accepted;
    }

    @Override
    public Multi<ObjectNode> subscriptionNotifications(Caller caller, ObjectNode accepted) {
        Set<String> uris = new HashSet<>();
        accepted.path("resourceSubscriptions").forEach(uri -> uris.add(uri.asText()));
        return uris.isEmpty()
                ? Multi.createFrom().nothing()
                : resourceUpdates(caller, uris).map(server::resourceUpdated);
    }

    @Override
    public ArrayNode resourceTemplates() {
        ArrayNode templates = json.createArrayNode();
        templates
                .addObject()
                .put("uriTemplate", CONTEXT_URI + "{contextId}")
                .put("name", "memory-context")
                .put("title", "Memory context")
                .put("mimeType", "application/json")
                .put("description", "A context and the newest memories it sees (its own and its ancestors')");
        templates
                .addObject()
                .put("uriTemplate", CONTEXT_URI + "{contextId}/memories/{memoryId}")
                .put("name", "memory")
                .put("title", "Memory")
                .put("mimeType", "application/json")
                .put("description", "One memory of the context or of an ancestor");
        return templates;
    }

    /**
     * A context (with the first page of the memories it sees) or one memory, as JSON text. The
     * permissions are the REST reads': memory:read on the context, then ownership and shares. A
     * resource the caller may not read is answered like one that does not exist.
     */
    @Override
    public Uni<ArrayNode> readResource(Caller caller, String uri) {
        Matcher matcher = RESOURCE.matcher(uri);
        if (!matcher.matches()) {
            // -32602 naming the uri in data.uri (SEP-2164), and saying which URIs there are.
            return Uni.createFrom()
                    .failure(ResourceNotFound.foreign(
                            uri,
                            "params.uri: " + uri + " is not a memory resource; expected " + CONTEXT_URI
                                    + "{contextId} or " + CONTEXT_URI + "{contextId}/memories/{memoryId}"));
        }
        UUID context = UUID.fromString(matcher.group(1));
        if (!caller.may("memory", "read", context.toString())) {
            return Uni.createFrom().failure(new ResourceNotFound(uri));
        }
        Viewer viewer = Viewer.of(caller);
        Uni<JsonNode> content;
        if (matcher.group(2) == null) {
            content = coordinator
                    .get(viewer, context)
                    .chain(view -> reader.list(viewer, context, Scope.LINEAGE, false, null, null, 0, RESOURCE_PAGE)
                            .map(memories -> {
                                ObjectNode body = object();
                                body.set("context", json.valueToTree(view));
                                body.set("memories", json.valueToTree(memories.items()));
                                body.put("hasMoreMemories", memories.hasMore());
                                return (JsonNode) body;
                            }));
        } else {
            content = reader.get(viewer, context, UUID.fromString(matcher.group(2)))
                    .map(memory -> (JsonNode) json.valueToTree(memory));
        }
        return content.map(body -> {
                    ArrayNode contents = json.createArrayNode();
                    contents.addObject()
                            .put("uri", uri)
                            .put("mimeType", "application/json")
                            .put("text", body.toString());
                    return contents;
                })
                .onFailure(ProblemException.class)
                .transform(failure -> new ResourceNotFound(uri));
    }

    /**
     * The tool's context, checked as {@code @RequiresPermission("memory:<action>:{id}")} checks the
     * REST path; the services then check ownership and shares.
     */
    private UUID context(Caller caller, ObjectNode args, String action) {
        UUID context = uuid(args, "contextId");
        if (!caller.may("memory", action, context.toString())) {
            throw ProblemException.forbidden("this operation requires the permission memory:" + action + ":" + context);
        }
        return context;
    }

    private static UUID uuid(ObjectNode args, String field) {
        // The schema check has made sure it is there and a UUID.
        return UUID.fromString(args.get(field).asText());
    }

    private static String text(ObjectNode args, String field) {
        return args.hasNonNull(field) ? args.get(field).asText() : null;
    }

    private static Integer integer(ObjectNode args, String field) {
        return args.hasNonNull(field) ? args.get(field).asInt() : null;
    }

    private ObjectNode without(ObjectNode args, String field) {
        ObjectNode copy = args.deepCopy();
        copy.remove(field);
        return copy;
    }

    private ObjectNode object() {
        return json.createObjectNode();
    }
}
