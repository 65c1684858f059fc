package ai.prometheus.registry.audit;

import ai.prometheus.shared.platform.web.PageRequest;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.RequiresPermission;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
public class AuditResource {

    private final AuditRepository entries;

    public AuditResource(AuditRepository entries) {
        this.entries = entries;
    }

    /** An audit log entry as the API shows it. */
    public record AuditView(
            UUID id,
            OffsetDateTime at,
            String actor,
            String actorKind,
            String action,
            String tool,
            String decision,
            String reason,
            JsonNode details,
            String traceId) {}

    @GET
    @RequiresPermission("audit:read")
    @WithSession
    @Operation(
            operationId = "listAuditEntries",
            summary = "The audit log, newest first",
            description =
                    "Every allowed and denied invocation and change of a tool: who, what, when, decision and why.")
    public Uni<PageResult<AuditView>> list(
            @QueryParam("tool") String tool,
            @QueryParam("actor") String actor,
            @QueryParam("action") String action,
            @QueryParam("decision") String decision,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        PageRequest paging = PageRequest.of(page, size);
        String normalized = null;
        if (decision != null) {
            normalized = decision.toUpperCase(Locale.ROOT);
            if (!normalized.equals("ALLOW") && !normalized.equals("DENY")) {
                throw ProblemException.invalidField("decision", "must be ALLOW or DENY");
            }
        }
        var filter = new AuditRepository.AuditFilter(
                tool, actor, action, normalized, Params.timestamp("since", since), Params.timestamp("until", until));
        return entries.search(filter, paging.offset(), paging.rows())
                .map(found -> paging.answer(
                        found,
                        e -> new AuditView(
                                e.id,
                                e.at,
                                e.actor,
                                e.actorKind,
                                e.action,
                                e.toolName,
                                e.decision,
                                e.reason,
                                e.details,
                                e.traceId)));
    }
}
