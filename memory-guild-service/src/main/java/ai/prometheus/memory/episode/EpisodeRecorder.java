package ai.prometheus.memory.episode;

import ai.prometheus.memory.context.Access;
import ai.prometheus.memory.context.ContextLineage;
import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.memory.embedding.EmbeddingWorker;
import ai.prometheus.memory.memory.Scribe;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records episodes through the Scribe, each event once however often Kafka delivers it: the
 * event id is claimed in the same transaction as the memory. An episode is written on the
 * invoking caller's behalf, so only where that caller may write memories itself (the same rules
 * as a REST write); otherwise, or when the context does not exist (any more), it is refused: logged,
 * counted and marked processed, never retried or dead-lettered. An invocation without a memory
 * context leaves no trace.
 */
@ApplicationScoped
public class EpisodeRecorder {

    static final String CONSUMER = "memory.episodes";
    public static final String KIND = "episode";
    static final String REFUSED_METRIC = "memory.episodes.refused";

    private static final Logger LOG = Logger.getLogger(EpisodeRecorder.class);

    /** Why an episode was not written; {@code tag} names it in the metric. */
    enum Refusal {
        NO_CALLER("no-caller", "the event names no caller"),
        NO_PERMISSION("no-permission", "the caller's token does not hold memory:write for the context"),
        NO_ACCESS("no-access", "the caller may not write to the context"),
        NO_CONTEXT("no-context", "the context does not exist");

        final String tag;
        final String reason;

        Refusal(String tag, String reason) {
            this.tag = tag;
            this.reason = reason;
        }
    }

    private final Scribe scribe;
    private final Coordinator coordinator;
    private final ProcessedEvents processed;
    private final EmbeddingWorker embeddings;
    private final MeterRegistry meters;

    public EpisodeRecorder(
            Scribe scribe,
            Coordinator coordinator,
            ProcessedEvents processed,
            EmbeddingWorker embeddings,
            MeterRegistry meters) {
        this.scribe = scribe;
        this.coordinator = coordinator;
        this.processed = processed;
        this.embeddings = embeddings;
        this.meters = meters;
    }

    /** Answers whether an episode was written. */
    public Uni<Boolean> record(String eventId, Episode episode) {
        if (episode.contextId() == null) {
            return Uni.createFrom().item(false);
        }
        Scribe.Draft draft = new Scribe.Draft(
                episode.content(),
                KIND,
                null,
                episode.metadata(),
                episode.importance(),
                episode.sourceRef(),
                episode.caller(),
                episode.occurredAt(),
                null);
        boolean[] written = {false};
        Refusal[] refused = {null};
        return processed
                .onceInTransaction(CONSUMER, eventId, () -> {
                    written[0] = false;
                    refused[0] = null;
                    return refusal(episode).chain(refusal -> {
                        if (refusal != null) {
                            refused[0] = refusal;
                            return Uni.createFrom().voidItem();
                        }
                        return scribe.writeInTransaction(episode.contextId(), draft)
                                .invoke(result -> {
                                    written[0] = result != null && result.created();
                                    // Deleted between the check and the lock.
                                    refused[0] = result == null ? Refusal.NO_CONTEXT : null;
                                })
                                .replaceWithVoid();
                    });
                })
                // Reported once the event is marked processed, so a redelivery reports nothing again.
                .invoke(ran -> {
                    if (ran && refused[0] != null) {
                        report(eventId, episode, refused[0]);
                    }
                })
                .map(ran -> written[0])
                .invoke(wrote -> {
                    if (wrote) {
                        embeddings.wake();
                    }
                });
    }

    /**
     * Why the invocation's caller may not write into the episode's context, or null when it may.
     * With the caller's claims the decision is a REST write's: memory:write for the context in
     * the token, then write access under the Coordinator's rules. Events from before the claims
     * existed are decided by the subject alone: it may write where it owns the context or an ancestor.
     */
    private Uni<Refusal> refusal(Episode episode) {
        String subject = episode.caller();
        if (subject == null || subject.isBlank()) {
            return Uni.createFrom().item(Refusal.NO_CALLER);
        }
        Viewer viewer;
        if (episode.callerClaims() != null) {
            Caller caller = episode.callerClaims().toCaller(subject);
            if (!caller.may("memory", "write", episode.contextId().toString())) {
                return Uni.createFrom().item(Refusal.NO_PERMISSION);
            }
            viewer = Viewer.of(caller);
        } else {
            viewer = Viewer.ofSubject(subject);
        }
        return coordinator.lineage(viewer, episode.contextId()).map(EpisodeRecorder::refusal);
    }

    private static Refusal refusal(ContextLineage lineage) {
        if (lineage.entries().isEmpty()) {
            return Refusal.NO_CONTEXT;
        }
        return lineage.access().allows(Access.WRITE) ? null : Refusal.NO_ACCESS;
    }

    private void report(String eventId, Episode episode, Refusal refusal) {
        meters.counter(REFUSED_METRIC, "reason", refusal.tag).increment();
        LOG.warnf(
                "episode not recorded: %s (event %s, invocation %s, caller %s, context %s)",
                refusal.reason, eventId, episode.invocationId(), episode.caller(), episode.contextId());
    }
}
