package ai.prometheus.registry.usage;

import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.registry.tool.ToolService;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/tools/{name}/usage")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "usage")
public class UsageResource {

    private static final Duration MAX_RANGE = Duration.ofDays(400);

    private final ToolService tools;
    private final ToolAccess access;
    private final UsageQuery usage;
    private final CurrentCaller caller;

    public UsageResource(ToolService tools, ToolAccess access, UsageQuery usage, CurrentCaller caller) {
        this.tools = tools;
        this.access = access;
        this.usage = usage;
        this.caller = caller;
    }

    @GET
    @Operation(
            operationId = "getToolUsage",
            summary = "Usage analytics of a tool",
            description = "Calls, successes, failures by status, latency"
                    + " p50/p95/max, CPU and peak memory, per hour or day window and per caller. The tool's managers see"
                    + " every caller; other readers see their own calls. Default: the last 7 days by day.")
    public Uni<UsageReport> usage(
            @PathParam("name") String name,
            @QueryParam("granularity") String granularity,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("caller") String callerFilter) {
        String window = granularity == null ? "DAY" : granularity.toUpperCase(Locale.ROOT);
        if (!window.equals("HOUR") && !window.equals("DAY")) {
            throw ProblemException.invalidField("granularity", "must be hour or day");
        }
        OffsetDateTime to = Params.timestamp("until", until);
        OffsetDateTime end = to != null
                ? to
                : OffsetDateTime.now(ZoneOffset.UTC)
                        .truncatedTo(ChronoUnit.HOURS)
                        .plusHours(1);
        OffsetDateTime from = Params.timestamp("since", since);
        OffsetDateTime start = from != null ? from : end.minusDays(7);
        if (!start.isBefore(end)) {
            throw ProblemException.invalidField("since", "must be before until");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw ProblemException.invalidField("since", "the range may span at most " + MAX_RANGE.toDays() + " days");
        }
        Caller me = caller.get();
        return Panache.withSession(() -> tools.authorized(me, name, ToolAction.READ, null))
                .chain(tool -> {
                    boolean manager = access.decide(me, tool.ownership(), ToolAction.MANAGE)
                            .allowed();
                    if (!manager && callerFilter != null && !callerFilter.equals(me.subject())) {
                        return Uni.createFrom()
                                .failure(ProblemException.forbidden(
                                        "only the tool's managers see other callers' usage"));
                    }
                    String scope = manager ? callerFilter : me.subject();
                    return usage.report(name, window, start, end, scope);
                });
    }
}
