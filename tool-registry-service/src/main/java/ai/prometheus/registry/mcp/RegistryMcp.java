package ai.prometheus.registry.mcp;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.registry.discovery.DiscoveryQuery;
import ai.prometheus.registry.discovery.ToolSummary;
import ai.prometheus.registry.invocation.InvocationQueries;
import ai.prometheus.registry.invocation.InvocationRequest;
import ai.prometheus.registry.invocation.InvocationService;
import ai.prometheus.registry.invocation.InvocationView;
import ai.prometheus.shared.platform.mcp.JsonRpc;
import ai.prometheus.shared.platform.mcp.LogLevels;
import ai.prometheus.shared.platform.mcp.McpServer;
import ai.prometheus.shared.platform.mcp.McpServer.InvalidParams;
import ai.prometheus.shared.platform.mcp.McpService;
import ai.prometheus.shared.platform.mcp.McpTask;
import ai.prometheus.shared.platform.mcp.McpTransportSettings;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The registry as a Model Context Protocol server (the protocol itself is the shared
 * {@link McpServer}): {@code tools/list} answers the tools the token may invoke,
 * {@code tools/call} goes through exactly the same path as {@code POST /tools/{name}/invocations}
 * (validation, permissions, audit, usage), and failures of a call come back as tool errors
 * ({@code isError: true}) the model can read. The progress and log lines a tool writes while it
 * runs (see {@code ToolEvents}) are sent as notifications as they arrive, before the result.
 *
 * <p>Size: ~400 lines because it is the registry's one {@link McpService} adapter: each method maps
 * one MCP capability (tools, completions, list changes, tasks) onto the registry's own services
 * with the same caller checks as REST; move the tasks (asynchronous invocations) to their own class
 * if that extension grows.
 */
@ApplicationScoped
public class RegistryMcp implements McpService {

    private static final int PAGE_SIZE = 100;
    private static final int TASK_PAGE_SIZE = 50;
    private static final String INSTRUCTIONS = "Tools registered in the Prometheus tool registry that your token may"
            + " invoke. Arguments follow each tool's inputSchema; results are the tool's output.";

    private final Discovery discovery;
    private final InvocationService invocations;
    private final InvocationQueries tasks;
    private final ToolResults results;
    private final LogLevels logLevels;
    private final ObjectMapper json;
    private final JsonRpc rpc;
    private final ToolSearch search;
    private final RegistryConfig config;
    private final McpServer server;
    private final ToolChanges changes;

    public RegistryMcp(
            Discovery discovery,
            InvocationService invocations,
            InvocationQueries tasks,
            ToolResults results,
            LogLevels logLevels,
            ObjectMapper json,
            ToolSearch search,
            RegistryConfig config,
            McpServer server,
            ToolChanges changes) {
        this.changes = changes;
        this.search = search;
        this.discovery = discovery;
        this.invocations = invocations;
        this.tasks = tasks;
        this.results = results;
        this.logLevels = logLevels;
        this.json = json;
        this.config = config;
        this.server = server;
        this.rpc = new JsonRpc(json);
    }

    @Override
    public ServerInfo serverInfo() {
        return new ServerInfo("prometheus-tool-registry", "Prometheus tool registry", "0.1.0");
    }

    @Override
    public String instructions() {
        return INSTRUCTIONS;
    }

    @Override
    public String configPrefix() {
        return "registry.mcp";
    }

    @Override
    public McpTransportSettings transportSettings() {
        return config.mcp();
    }

    @Override
    public boolean toolsListChanged() {
        return true;
    }

    @Override
    public boolean logging() {
        return true;
    }

    @Override
    public boolean completions() {
        return true;
    }

    /**
     * Completion for tool arguments: {@code ref/tool} (an extension of the prompt and resource refs the
     * specification defines) completes a tool's enum argument values, and its {@code name} argument
     * the names of tools the caller may invoke. Prompt and resource refs complete to nothing: this
     * server has neither.
     */
    @Override
    public Uni<List<String>> complete(Caller caller, JsonNode ref, String argument, String prefix) {
        if (!"ref/tool".equals(ref.path("type").asText())) {
            return Uni.createFrom().item(List.of());
        }
        String toolName = ref.path("name").asText("");
        return discovery
                .invocable(caller, new DiscoveryQuery(null, null, null, null, "name", 0, PAGE_SIZE))
                .map(found -> {
                    List<String> values = new ArrayList<>();
                    for (ToolSummary tool : found.items()) {
                        if (toolName.isEmpty() && "name".equals(argument)) {
                            values.add(tool.name());
                        } else if (tool.name().equals(toolName)) {
                            tool.functionSignature()
                                    .path("properties")
                                    .path(argument)
                                    .path("enum")
                                    .forEach(
                                            value -> values.add(value.isTextual() ? value.asText() : value.toString()));
                        }
                    }
                    return values.stream().filter(v -> v.startsWith(prefix)).toList();
                });
    }

    @Override
    public Uni<ToolPage> listTools(Caller caller, String cursor) {
        int page = 0;
        if (cursor != null) {
            try {
                page = Integer.parseInt(cursor);
            } catch (NumberFormatException e) {
                return Uni.createFrom().failure(new InvalidParams("cursor is not one this server gave out"));
            }
        }
        int index = page;
        // Sorted by name: the order is deterministic, as 2026-07-28 asks (and pages stay stable).
        return discovery
                .invocable(caller, new DiscoveryQuery(null, null, null, null, "name", page, PAGE_SIZE))
                .map(found -> {
                    List<ObjectNode> tools = new ArrayList<>();
                    if (index == 0) {
                        // The built-in comes first on the first page; no registered tool can take its name.
                        tools.add(search.describe());
                    }
                    for (ToolSummary tool : found.items()) {
                        tools.add(McpTools.describe(json, tool));
                    }
                    return new ToolPage(tools, found.hasMore() ? Integer.toString(index + 1) : null);
                });
    }

    @Override
    public Uni<JsonNode> callTool(Caller caller, ToolCall call) {
        String name = call.name();
        JsonNode arguments = call.arguments();
        if (ToolSearch.NAME.equals(name)) {
            return search.call(caller, arguments)
                    .onFailure(ToolSearch.BadArguments.class)
                    .recoverWithItem(failure -> (JsonNode) results.error(failure.getMessage()));
        }
        JsonNode progressToken = call.params().path("_meta").get("progressToken");
        return invocations
                .invoke(caller, name, new InvocationRequest(arguments, "sync", null, null), null, event -> {
                    ObjectNode notification = notificationFor(event, name, progressToken, call);
                    if (notification != null) {
                        call.notifications().accept(notification);
                    }
                })
                .chain(invoked -> discovery.mcpMetadata(name).map(metadata -> {
                    InvocationView invocation = invoked.invocation();
                    ObjectNode protocolError = results.protocolError(invocation);
                    if (protocolError != null) {
                        throw new McpServer.ProtocolError(protocolError);
                    }
                    JsonNode outputSchema = metadata == null ? null : metadata.get("outputSchema");
                    return (JsonNode) results.of(invocation, outputSchema, "output:" + invocation.fingerprint());
                }))
                // A tool that does not exist (or that the caller may not see) is a protocol error, as
                // the specification has it; every other refusal is a result the model can read.
                .onFailure(ProblemException.class)
                .transform(failure -> ((ProblemException) failure).type() == ProblemType.NOT_FOUND
                        ? new InvalidParams("unknown tool: " + name)
                        : failure)
                .onFailure(ProblemException.class)
                .recoverWithItem(failure -> server.toolError((ProblemException) failure));
    }

    /**
     * {@code notifications/tools/list_changed} for a client of {@code caller} (the GET stream, or a
     * 2026-07-28 listen stream). Bursts of changes (a bulk registration) become one notification:
     * clients re-list anyway. Only a client whose token may call one of the changed tools hears of
     * it: the others' lists did not change, and tool names they may not see must not reach them.
     */
    public Multi<ObjectNode> listChangedFor(Caller caller) {
        ObjectNode listChanged = server.listChanged();
        return changes.stream()
                .group()
                .intoLists()
                .every(Duration.ofMillis(250))
                .filter(batch -> !batch.isEmpty())
                .onItem()
                .transformToUniAndConcatenate(names -> discovery
                        .mayInvokeAny(caller, Set.copyOf(names))
                        .onFailure()
                        .recoverWithItem(true))
                .filter(Boolean::booleanValue)
                .map(concerned -> listChanged.deepCopy());
    }

    @Override
    public ObjectNode acceptSubscriptions(Caller caller, ObjectNode requested) {
        ObjectNode accepted = json.createObjectNode();
        if (requested.path("toolsListChanged").asBoolean(false)) {
            accepted.put("toolsListChanged", true);
        }
        return accepted;
    }

    @Override
    public Multi<ObjectNode> subscriptionNotifications(Caller caller, ObjectNode accepted) {
        return accepted.path("toolsListChanged").asBoolean(false)
                ? listChangedFor(caller)
                : Multi.createFrom().nothing();
    }

    /**
     * Tasks are the registry's asynchronous invocations: any registered tool may run as one (the
     * built-in search answers at once). The call goes over Kafka to the sandbox consumer group,
     * exactly as {@code mode=async} over REST, and the task id is the invocation id.
     */
    @Override
    public boolean tasks() {
        return true;
    }

    /**
     * The owner's {@code mcp.taskSupport} (optional when unset); the built-in search answers at
     * once. Null for a tool the caller may not invoke, so that whether some unseen tool needs a
     * task is not told: its call fails as unknown.
     */
    @Override
    public Uni<String> taskSupport(Caller caller, String tool) {
        if (ToolSearch.NAME.equals(tool)) {
            return Uni.createFrom().item(McpServer.FORBIDDEN);
        }
        return discovery
                .mayInvokeAny(caller, List.of(tool))
                .chain(may -> may
                        ? discovery.mcpMetadata(tool).map(McpTools::taskSupport)
                        : Uni.createFrom().nullItem());
    }

    @Override
    public Uni<McpTask.Start> startTask(Caller caller, ToolCall call) {
        // Persisted (with its Kafka request in the outbox) before this answers: tasks/get finds it at once.
        return invocations
                .invoke(caller, call.name(), new InvocationRequest(call.arguments(), "async", null, null), null)
                .chain(invoked -> taskOf(invoked.invocation()))
                .map(McpTask.Start::of)
                .onFailure(ProblemException.class)
                .transform(failure -> ((ProblemException) failure).type() == ProblemType.NOT_FOUND
                        ? new InvalidParams("unknown tool: " + call.name())
                        : failure)
                .onFailure(ProblemException.class)
                .recoverWithItem(failure -> McpTask.Start.refused(server.toolError((ProblemException) failure)));
    }

    @Override
    public Uni<McpTask> task(Caller caller, String taskId) {
        return tasks.ownAsync(caller, taskUuid(taskId))
                .chain(this::taskOf)
                .onFailure(ProblemException.class)
                .transform(failure -> taskNotFound(failure, taskId));
    }

    @Override
    public Uni<McpTask> cancelTask(Caller caller, String taskId) {
        return tasks.cancel(caller, taskUuid(taskId))
                .chain(this::taskOf)
                .onFailure(ProblemException.class)
                .transform(failure -> taskNotFound(failure, taskId));
    }

    @Override
    public Uni<McpTask.Page> listTasks(Caller caller, String cursor) {
        int parsed;
        try {
            parsed = cursor == null ? 0 : Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            return Uni.createFrom().failure(new InvalidParams("cursor is not one this server gave out"));
        }
        int page = parsed;
        // One more than a page tells whether another page follows.
        return tasks.ownAsync(caller, page, TASK_PAGE_SIZE + 1)
                .chain(views -> Multi.createFrom()
                        .iterable(views.subList(0, Math.min(views.size(), TASK_PAGE_SIZE)))
                        .onItem()
                        .transformToUniAndConcatenate(this::taskOf)
                        .collect()
                        .asList()
                        .map(tasks -> new McpTask.Page(
                                tasks, views.size() > TASK_PAGE_SIZE ? Integer.toString(page + 1) : null)));
    }

    /** An invocation as a task: once it has ended, with the CallToolResult tools/call would have answered. */
    private Uni<McpTask> taskOf(InvocationView invocation) {
        var created = invocation.createdAt();
        var updated = invocation.finishedAt() == null ? created : invocation.finishedAt();
        return switch (invocation.status()) {
            case "PENDING" ->
                Uni.createFrom()
                        .item(new McpTask(
                                invocation.id().toString(),
                                McpTask.State.WORKING,
                                workingMessage(invocation),
                                created,
                                updated,
                                null));
            case "CANCELLED" ->
                Uni.createFrom()
                        .item(new McpTask(
                                invocation.id().toString(),
                                McpTask.State.CANCELLED,
                                "cancelled by its caller",
                                created,
                                updated,
                                null));
            default ->
                discovery.mcpMetadata(invocation.tool()).map(metadata -> {
                    ObjectNode protocolError = results.protocolError(invocation);
                    if (protocolError != null) {
                        return new McpTask(
                                invocation.id().toString(),
                                McpTask.State.FAILED,
                                protocolError.path("message").asText(),
                                created,
                                updated,
                                null,
                                protocolError);
                    }
                    JsonNode outputSchema = metadata == null ? null : metadata.get("outputSchema");
                    ObjectNode result = results.of(invocation, outputSchema, "output:" + invocation.fingerprint());
                    return new McpTask(invocation.id().toString(), McpTask.State.DONE, null, created, updated, result);
                });
        };
    }

    /**
     * A working task's status message: the last progress or log line its run wrote (they are stored
     * as the sandbox sends them), so a host polling tasks/get sees how far it got.
     */
    static String workingMessage(InvocationView invocation) {
        List<JsonNode> events = invocation.events() == null ? List.of() : invocation.events();
        for (int i = events.size() - 1; i >= 0; i--) {
            JsonNode event = events.get(i);
            if (event.path("message").isTextual()) {
                String message = event.path("message").asText();
                return event.path("total").isNumber()
                        ? message + " (" + event.path("progress").asText() + "/"
                                + event.path("total").asText() + ")"
                        : message;
            }
        }
        return "queued for the sandbox or running";
    }

    private static UUID taskUuid(String taskId) {
        try {
            return UUID.fromString(taskId);
        } catch (IllegalArgumentException e) {
            throw new InvalidParams("Failed to retrieve task: task not found");
        }
    }

    private static Throwable taskNotFound(Throwable failure, String taskId) {
        return ((ProblemException) failure).type() == ProblemType.NOT_FOUND
                ? new InvalidParams("Failed to retrieve task: task " + taskId + " not found")
                : failure;
    }

    /**
     * The notification one event of the run makes, or null when nobody asked for it: progress when
     * the call had a progress token, a log line at or above the level the session (2026-07-28: the
     * request) wants.
     */
    private ObjectNode notificationFor(JsonNode event, String tool, JsonNode progressToken, ToolCall call) {
        if ("progress".equals(event.path("type").asText())) {
            if (progressToken == null || progressToken.isNull()) {
                return null;
            }
            ObjectNode notification = rpc.notification("notifications/progress");
            ObjectNode params = notification.putObject("params");
            params.set("progressToken", progressToken);
            params.set("progress", event.get("progress"));
            if (event.has("total")) {
                params.set("total", event.get("total"));
            }
            if (event.has("message")) {
                params.set("message", event.get("message"));
            }
            return notification;
        }
        // 2026-07-28 has no logging/setLevel: a request names its level in _meta, and without one hears no log lines.
        boolean stateless = McpServer.STATELESS_VERSION.equals(McpServer.version(call.params(), call.exchange()));
        String requestLevel =
                call.params().path("_meta").path(McpServer.META_LOG_LEVEL).asText(null);
        String level = event.path("level").asText();
        boolean wanted = stateless
                ? requestLevel != null && LogLevels.atLeast(level, requestLevel)
                : logLevels.passes(call.exchange().session(), level);
        if (!wanted) {
            return null;
        }
        ObjectNode notification = rpc.notification("notifications/message");
        ObjectNode params = notification.putObject("params").put("level", level);
        params.put("logger", event.has("logger") ? event.get("logger").asText() : tool);
        params.set("data", event.get("message"));
        return notification;
    }
}
