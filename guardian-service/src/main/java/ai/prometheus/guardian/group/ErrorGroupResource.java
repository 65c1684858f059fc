package ai.prometheus.guardian.group;

import ai.prometheus.guardian.error.ErrorLog;
import ai.prometheus.guardian.error.ErrorLogRepository;
import ai.prometheus.guardian.error.ErrorLogView;
import ai.prometheus.guardian.error.FailingToolView;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.PageRequest;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.RequiresPermission;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/error-groups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "error groups")
public class ErrorGroupResource {

    static final int SAMPLES = 5;
    static final int TRACE_IDS = 20;
    static final int TIMELINE_DAYS = 7;
    static final int HISTORY_ENTRIES = 100;

    private final ErrorGroupRepository groups;
    private final GroupHistoryRepository history;
    private final ErrorGroupService service;
    private final ErrorLogRepository errors;
    private final CurrentCaller caller;

    public ErrorGroupResource(
            ErrorGroupRepository groups,
            GroupHistoryRepository history,
            ErrorGroupService service,
            ErrorLogRepository errors,
            CurrentCaller caller) {
        this.groups = groups;
        this.history = history;
        this.service = service;
        this.errors = errors;
        this.caller = caller;
    }

    @GET
    @RequiresPermission("errors:read")
    @WithSession
    @Operation(
            operationId = "listErrorGroups",
            summary = "List error groups",
            description = "state takes a comma-separated list (open, acknowledged, resolved, ignored, regressed);"
                    + " sort is count, lastSeen (default) or firstSeen; order is desc (default) or asc.")
    public Uni<PageResult<ErrorGroupView>> list(
            @QueryParam("state") String state,
            @QueryParam("service") String serviceName,
            @QueryParam("errorType") String errorType,
            @QueryParam("tool") String tool,
            @QueryParam("sort") String sort,
            @QueryParam("order") String order,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        PageRequest paging = PageRequest.of(page, size);
        var filter = new ErrorGroupRepository.GroupFilter(
                states(state), blankToNull(serviceName), blankToNull(errorType), blankToNull(tool));
        return groups.search(filter, sort(sort), ascending(order), paging.offset(), paging.rows())
                .chain(found -> {
                    List<ErrorGroup> shown = found.size() > paging.size() ? found.subList(0, paging.size()) : found;
                    return groups.sparklines(shown.stream().map(g -> g.id).toList())
                            .map(lines -> paging.answer(
                                    found,
                                    group -> ErrorGroupView.of(
                                            group,
                                            lines.getOrDefault(
                                                    group.id, new int[ErrorGroupRepository.SPARKLINE_HOURS]))));
                });
    }

    @GET
    @Path("/{id}")
    @RequiresPermission("errors:read")
    @WithSession
    @Operation(operationId = "getErrorGroup", summary = "One group with sample events, trace ids and a timeline")
    public Uni<ErrorGroupDetailView> get(@PathParam("id") String id) {
        UUID groupId = Params.uuid("id", id);
        return groups.findById(groupId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("error group", id))
                .chain(this::detail);
    }

    // One reactive session runs one query at a time, so the parts are read in turn, not combined concurrently.
    private Uni<ErrorGroupDetailView> detail(ErrorGroup group) {
        DetailParts parts = new DetailParts();
        return groups.sparklines(List.of(group.id))
                .invoke(lines -> parts.sparkline = lines.get(group.id))
                .chain(() -> errors.samples(group.id, SAMPLES))
                .invoke(samples -> parts.samples = samples)
                .chain(() -> groups.recentTraceIds(group.id, TRACE_IDS))
                .invoke(traceIds -> parts.traceIds = traceIds)
                .chain(() -> groups.hourly(group.id, TIMELINE_DAYS))
                .invoke(hourly -> parts.hourly = hourly)
                .chain(() -> history.recent(group.id, HISTORY_ENTRIES))
                .map(entries -> new ErrorGroupDetailView(
                        ErrorGroupView.of(group, parts.sparkline),
                        parts.samples.stream().map(ErrorLogView::of).toList(),
                        parts.traceIds,
                        new ErrorGroupDetailView.Timeline(
                                parts.hourly,
                                entries.stream().map(GroupHistoryView::of).toList())));
    }

    /** What {@link #detail} has read so far. */
    private static final class DetailParts {
        int[] sparkline;
        List<ErrorLog> samples;
        List<String> traceIds;
        List<ErrorGroupRepository.HourCount> hourly;
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresPermission("guardian:admin")
    @WithSession
    @Operation(
            operationId = "changeErrorGroupState",
            summary = "Change a group's state",
            description = "open, acknowledged, resolved or ignored.")
    public Uni<ErrorGroupView> changeState(@PathParam("id") String id, @Valid @NotNull StateChange change) {
        UUID groupId = Params.uuid("id", id);
        GroupState target = state(change.state());
        return service.changeState(groupId, target, caller.get().subject(), change.note())
                .chain(group -> groups.sparklines(List.of(group.id))
                        .map(lines -> ErrorGroupView.of(group, lines.get(group.id))));
    }

    @GET
    @Path("/top-tools")
    @RequiresPermission("errors:read")
    @WithSession
    @Operation(
            operationId = "listTopFailingTools",
            summary = "The tools whose invocations failed most in the last hours",
            description = "Counts trusted errors only (the suite's own services and reporters authenticated for the"
                    + " error's service); trusted=false lists what other callers reported, apart.")
    public Uni<List<FailingToolView>> topTools(
            @QueryParam("hours") Integer hours,
            @QueryParam("limit") Integer limit,
            @QueryParam("trusted") @DefaultValue("true") boolean trusted) {
        int window = hours == null ? 24 : hours;
        if (window < 1 || window > 24 * 90) {
            throw ProblemException.invalidField("hours", "must be between 1 and " + 24 * 90);
        }
        int top = limit == null ? 10 : limit;
        if (top < 1 || top > 100) {
            throw ProblemException.invalidField("limit", "must be between 1 and 100");
        }
        return errors.topTools(window, top, trusted);
    }

    private static List<GroupState> states(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<GroupState> states = new ArrayList<>();
        for (String part : value.split(",")) {
            states.add(state(part));
        }
        return states;
    }

    private static GroupState state(String value) {
        try {
            return GroupState.of(value.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField(
                    "state",
                    "'" + value.trim() + "' is not one of "
                            + Arrays.stream(GroupState.values())
                                    .map(GroupState::value)
                                    .toList());
        }
    }

    private static ErrorGroupRepository.GroupSort sort(String value) {
        if (value == null || value.isBlank()) {
            return ErrorGroupRepository.GroupSort.LAST_SEEN;
        }
        return switch (value.trim()) {
            case "count" -> ErrorGroupRepository.GroupSort.COUNT;
            case "lastSeen" -> ErrorGroupRepository.GroupSort.LAST_SEEN;
            case "firstSeen" -> ErrorGroupRepository.GroupSort.FIRST_SEEN;
            default -> throw ProblemException.invalidField("sort", "must be count, lastSeen or firstSeen");
        };
    }

    private static boolean ascending(String value) {
        if (value == null || value.isBlank() || value.equals("desc")) {
            return false;
        }
        if (value.equals("asc")) {
            return true;
        }
        throw ProblemException.invalidField("order", "must be asc or desc");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
