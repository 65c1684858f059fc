package ai.prometheus.registry.quota;

import ai.prometheus.shared.platform.security.CurrentCaller;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/tools/{name}/limits")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "quotas")
public class QuotaResource {

    private final QuotaService quotas;
    private final CurrentCaller caller;

    public QuotaResource(QuotaService quotas, CurrentCaller caller) {
        this.quotas = quotas;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getToolLimits", summary = "The tool's quotas, per caller and in total")
    public Uni<QuotaLimits> get(@PathParam("name") String name) {
        return quotas.limits(caller.get(), name);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "setToolLimits",
            summary = "Replace the tool's quotas",
            description = "perCaller and total, each with callsPerMinute,"
                    + " callsPerDay, cpuSecondsPerDay, egressBytesPerDay (all optional). Exceeding one answers 429"
                    + " urn:prometheus:problem:quota-exceeded with Retry-After, on every replica.")
    public Uni<QuotaLimits> put(@PathParam("name") String name, @NotNull @Valid QuotaLimits limits) {
        return quotas.set(caller.get(), name, limits);
    }

    @GET
    @Path("/usage")
    @Operation(
            operationId = "getToolLimitUsage",
            summary = "Consumption against each limit in its current window",
            description = "For the caller itself; the tool's managers may name another caller.")
    public Uni<QuotaService.QuotaUsage> usage(@PathParam("name") String name, @QueryParam("caller") String of) {
        return quotas.usage(caller.get(), name, of);
    }
}
