package ai.prometheus.memory.memory;

import ai.prometheus.memory.config.JsonLimits;
import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.context.Access;
import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.MemoryContextRepository;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.memory.embedding.EmbeddingWorker;
import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The Scribe of the Memory Guild: writes, updates and deletes memories. Writes always go to the
 * context itself (never to an ancestor), supersede the current memory with the same key, and
 * never store an exact duplicate twice. Embeddings are left to the {@link EmbeddingWorker}: a
 * memory is lexically searchable at commit and semantically once its embedding is stored.
 */
@ApplicationScoped
public class Scribe {

    public static final String DEFAULT_KIND = "note";
    public static final double DEFAULT_IMPORTANCE = 0.5;

    private final Coordinator coordinator;
    private final MemoryContextRepository contexts;
    private final MemoryRepository memories;
    private final EmbeddingWorker embeddings;
    private final MemoryConfig config;
    private final JsonLimits json;

    public Scribe(
            Coordinator coordinator,
            MemoryContextRepository contexts,
            MemoryRepository memories,
            EmbeddingWorker embeddings,
            MemoryConfig config,
            JsonLimits json) {
        this.json = json;
        this.coordinator = coordinator;
        this.contexts = contexts;
        this.memories = memories;
        this.embeddings = embeddings;
        this.config = config;
    }

    /** What a write did: a new memory, or the existing identical one. */
    public record Written(MemoryView memory, boolean created, UUID superseded) {}

    /** A new memory's fields, validated. */
    public record Draft(
            String content,
            String kind,
            String key,
            JsonNode metadata,
            double importance,
            String sourceRef,
            String createdBy,
            OffsetDateTime occurredAt,
            Boolean contextualEmbedding) {}

    public Uni<Written> write(Viewer viewer, UUID contextId, MemoryRequests.WriteMemory request) {
        Draft draft = draft(request, viewer.subject());
        // The transaction has committed when the Uni completes, so the worker finds the row.
        return Panache.withTransaction(() -> coordinator
                        .require(viewer, contextId, Access.WRITE)
                        .chain(() -> writeInTransaction(contextId, draft)))
                .invoke(this::wakeEmbedder);
    }

    /**
     * Writes {@code draft} into {@code contextId} inside the caller's transaction, without an access
     * check (the caller has done it, or is the platform itself). Answers null when the context does
     * not exist.
     */
    public Uni<Written> writeInTransaction(UUID contextId, Draft draft) {
        return contexts.lockForWrite(contextId).chain(version -> {
            if (version == null) {
                return Uni.createFrom().nullItem();
            }
            String hash = ContentHash.of(draft.kind(), draft.key(), draft.sourceRef(), draft.content());
            return memories.findCurrentByHash(contextId, hash).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().item(new Written(MemoryView.of(existing, 0), false, null));
                }
                OffsetDateTime now = now();
                Memory memory = new Memory();
                memory.id = UUID.randomUUID();
                memory.contextId = contextId;
                memory.content = draft.content();
                memory.kind = draft.kind();
                memory.key = draft.key();
                memory.metadata = draft.metadata();
                memory.importance = (float) draft.importance();
                memory.contentHash = hash;
                memory.sourceRef = draft.sourceRef();
                memory.needsEmbedding = true;
                memory.createdBy = draft.createdBy();
                memory.createdAt = now;
                memory.occurredAt = draft.occurredAt() == null ? now : draft.occurredAt();
                memory.updatedAt = now;
                memory.contextualEmbedding = draft.contextualEmbedding();
                memory.changeVersion = version;
                // The old version is marked first: the unique index admits one current memory per key.
                Uni<UUID> superseded = draft.key() == null
                        ? Uni.createFrom().nullItem()
                        : memories.findCurrentByKey(contextId, draft.key())
                                .chain(old -> old == null
                                        ? Uni.createFrom().nullItem()
                                        : memories.supersede(contextId, draft.key(), memory.id, version, now)
                                                .replaceWith(old.id));
                return superseded.chain(oldId -> memories.persist(memory)
                        .chain(saved -> Panache.getSession().chain(session -> session.flush()))
                        .replaceWith(() -> new Written(MemoryView.of(memory, 0), true, oldId)));
            });
        });
    }

    public Uni<MemoryView> update(Viewer viewer, UUID contextId, UUID memoryId, MemoryRequests.UpdateMemory request) {
        if (request.content() != null) {
            requireContent(request.content());
        }
        json.requireObject("metadata", request.metadata());
        OffsetDateTime occurredAt = occurredAt(request.occurredAt());
        return Panache.withTransaction(() -> coordinator
                        .require(viewer, contextId, Access.WRITE)
                        .chain(() -> contexts.lockForWrite(contextId))
                        .chain(version -> memories.findById(memoryId).chain(memory -> {
                            if (memory == null || !memory.contextId.equals(contextId)) {
                                throw ProblemException.notFound("memory", memoryId);
                            }
                            if (memory.supersededAt != null) {
                                throw ProblemException.conflict("memory " + memoryId + " was superseded by "
                                        + memory.supersededBy + "; superseded memories are history and do not change");
                            }
                            String content = request.content() != null ? request.content() : memory.content;
                            String kind = request.kind() != null ? request.kind() : memory.kind;
                            boolean reembed = !content.equals(memory.content);
                            String hash = ContentHash.of(kind, memory.key, memory.sourceRef, content);
                            Uni<Void> unique = hash.equals(memory.contentHash)
                                    ? Uni.createFrom().voidItem()
                                    : memories.findCurrentByHash(contextId, hash)
                                            .invoke(other -> {
                                                if (other != null) {
                                                    throw ProblemException.conflict("memory " + other.id
                                                            + " in this context already holds exactly this content");
                                                }
                                            })
                                            .replaceWithVoid();
                            return unique.chain(() -> {
                                memory.content = content;
                                memory.kind = kind;
                                memory.contentHash = hash;
                                if (request.metadata() != null) {
                                    // An explicit null clears it, as in a merge patch; stored as the empty object a new
                                    // memory gets.
                                    memory.metadata = request.metadata().isNull()
                                            ? JsonNodeFactory.instance.objectNode()
                                            : request.metadata();
                                }
                                if (request.importance() != null) {
                                    memory.importance = request.importance().floatValue();
                                }
                                if (occurredAt != null) {
                                    memory.occurredAt = occurredAt;
                                }
                                memory.updatedAt = now();
                                memory.changeVersion = version;
                                if (!reembed) {
                                    return Panache.getSession()
                                            .chain(session -> session.flush())
                                            .replaceWith(memory);
                                }
                                memory.needsEmbedding = true;
                                memory.embeddingModel = null;
                                return Panache.getSession()
                                        .chain(session -> session.flush())
                                        .chain(() -> memories.clearEmbedding(memory.id))
                                        .replaceWith(memory);
                            });
                        })))
                .map(memory -> MemoryView.of(memory, 0))
                .invoke(this::wakeEmbedder);
    }

    /**
     * Deletes a memory. Deleting the current version of a key brings the version it superseded
     * back; deleting an older version keeps the chain of versions linked.
     */
    public Uni<Void> delete(Viewer viewer, UUID contextId, UUID memoryId) {
        return Panache.withTransaction(() -> coordinator
                .require(viewer, contextId, Access.WRITE)
                .chain(() -> contexts.lockForRemoval(contextId))
                .chain(version -> memories.findById(memoryId).chain(memory -> {
                    if (memory == null || !memory.contextId.equals(contextId)) {
                        throw ProblemException.notFound("memory", memoryId);
                    }
                    boolean wasCurrent = memory.supersededAt == null;
                    UUID successor = memory.supersededBy;
                    // Delete first: the version brought back must not meet this one in the unique key index.
                    return memories.supersededBy(memoryId)
                            .call(() -> memories.delete("id", memoryId))
                            .invoke(previous -> {
                                for (int i = 0; i < previous.size(); i++) {
                                    Memory older = previous.get(i);
                                    older.changeVersion = version;
                                    if (wasCurrent && i == 0) {
                                        older.supersededAt = null;
                                        older.supersededBy = null;
                                    } else {
                                        older.supersededBy = wasCurrent ? previous.get(0).id : successor;
                                    }
                                }
                            });
                }))
                .chain(() -> Panache.getSession().chain(session -> session.flush())));
    }

    /** Validates a write request and fills in defaults. */
    public Draft draft(MemoryRequests.WriteMemory request, String createdBy) {
        requireContent(request.content());
        json.requireObject("metadata", request.metadata());
        return new Draft(
                request.content(),
                request.kind() == null ? DEFAULT_KIND : request.kind(),
                request.key(),
                request.metadata() == null ? JsonNodeFactory.instance.objectNode() : request.metadata(),
                request.importance() == null ? DEFAULT_IMPORTANCE : request.importance(),
                null,
                createdBy,
                occurredAt(request.occurredAt()),
                request.contextualEmbedding());
    }

    private static OffsetDateTime occurredAt(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.invalidField(
                    "occurredAt", "must be an ISO-8601 date-time with offset, e.g. 2023-05-04T10:15:30Z");
        }
    }

    private void requireContent(String content) {
        if (content == null || content.isBlank()) {
            throw ProblemException.invalidField("content", "must not be blank");
        }
        if (content.length() > config.memories().maxContentChars()) {
            throw ProblemException.invalidField(
                    "content", "must be at most " + config.memories().maxContentChars() + " characters");
        }
    }

    private void wakeEmbedder(Object ignored) {
        embeddings.wake();
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
