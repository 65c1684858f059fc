package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.config.GuardianConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Sends webhooks, settles verifications and expires unanswered actions, every check interval. */
@ApplicationScoped
public class RemediationJobs {

    private static final Logger LOG = Logger.getLogger(RemediationJobs.class);

    private final WebhookDispatcher webhooks;
    private final ActionService actions;
    private final GuardianConfig config;

    public RemediationJobs(WebhookDispatcher webhooks, ActionService actions, GuardianConfig config) {
        this.webhooks = webhooks;
        this.actions = actions;
        this.config = config;
    }

    @Scheduled(
            every = "${guardian.remediation.check-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        return webhooks.dispatchPending()
                .chain(actions::verifyDue)
                .chain(() -> actions.expireStale(config.remediation().resultTimeout()))
                .onFailure()
                .invoke(failure -> LOG.warnf(failure, "Remediation checks failed; retrying next interval"))
                .onFailure()
                .recoverWithNull();
    }
}
