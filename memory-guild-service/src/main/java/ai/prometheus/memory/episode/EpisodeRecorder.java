package ai.prometheus.memory.episode;

import ai.prometheus.memory.embedding.EmbeddingWorker;
import ai.prometheus.memory.memory.Scribe;
import ai.prometheus.shared.inbox.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records episodes through the Scribe, each event once however often Kafka delivers it: the
 * event id is claimed in the same transaction as the memory. An invocation without a memory
 * context, or with one that does not exist (any more), leaves no trace.
 */
@ApplicationScoped
public class EpisodeRecorder {

    static final String CONSUMER = "memory.episodes";
    public static final String KIND = "episode";

    private final Scribe scribe;
    private final ProcessedEvents processed;
    private final EmbeddingWorker embeddings;

    public EpisodeRecorder(Scribe scribe, ProcessedEvents processed, EmbeddingWorker embeddings) {
        this.scribe = scribe;
        this.processed = processed;
        this.embeddings = embeddings;
    }

    /** Answers whether an episode was written. */
    public Uni<Boolean> record(String eventId, Episode episode) {
        if (episode.contextId() == null) {
            return Uni.createFrom().item(false);
        }
        Scribe.Draft draft = new Scribe.Draft(episode.content(), KIND, null, episode.metadata(), episode.importance(),
                episode.sourceRef(), episode.caller());
        boolean[] written = {false};
        return processed.onceInTransaction(CONSUMER, eventId,
                        () -> scribe.writeInTransaction(episode.contextId(), draft)
                                .invoke(result -> written[0] = result != null && result.created()))
                .map(ran -> written[0])
                .invoke(wrote -> {
                    if (wrote) {
                        embeddings.wake();
                    }
                });
    }
}
