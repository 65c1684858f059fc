package ai.prometheus.sandbox.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the sandbox cannot isolate code: a load balancer then sends no executions here. */
@Readiness
@ApplicationScoped
public class IsolationHealthCheck implements HealthCheck {

    private final SandboxRuntime runtime;

    public IsolationHealthCheck(SandboxRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        IsolationStatus status = runtime.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Sandbox isolation")
                .status(status.ready())
                .withData("mode", status.mode())
                .withData("cgroups", status.cgroups())
                .withData("seccomp", status.seccomp())
                .withData("languages", String.join(",", status.languages()))
                .withData("detail", status.detail())
                .withData("workspaceQuota", runtime.workspaceQuota().detail());
        runtime.warmSandboxes().forEach((language, size) -> response.withData("warm." + language, size));
        return response.build();
    }
}
