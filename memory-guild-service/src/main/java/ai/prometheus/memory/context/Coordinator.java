package ai.prometheus.memory.context;

import ai.prometheus.memory.config.JsonLimits;
import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The Coordinator of the Memory Guild: keeps the context tree (inheritance, lineage, moves without
 * cycles, deletion policies) and decides who sees what (ownership, shares, token permissions).
 *
 * <p>Size: ~350 lines because access is decided along the lineage (ownership and shares reach down
 * the tree), so moves, deletion policies and access checks follow one rule; move the share
 * endpoints (grant, shares, revoke) to their own class if sharing grows.
 */
@ApplicationScoped
public class Coordinator {

    /** What happens to the children of a deleted context. */
    public enum DeletePolicy {
        /** Refuse while the context has children. */
        REFUSE,
        /** Delete the whole subtree with its memories. */
        CASCADE,
        /** Hand the children to the deleted context's parent (they become roots if it had none). */
        REPARENT
    }

    private final MemoryContextRepository contexts;
    private final ShareRepository shares;
    private final MemoryConfig config;
    private final JsonLimits json;

    public Coordinator(MemoryContextRepository contexts, ShareRepository shares, MemoryConfig config, JsonLimits json) {
        this.contexts = contexts;
        this.shares = shares;
        this.config = config;
        this.json = json;
    }

    /** The context's lineage with the viewer's access, failing 404/403 unless the viewer has {@code needed}. */
    public Uni<ContextLineage> require(Viewer viewer, UUID contextId, Access needed) {
        return contexts.lineage(contextId, viewer).map(lineage -> lineage.require(needed));
    }

    /**
     * The lineage of a context named as a new parent, which the viewer must be able to write. One
     * that does not exist (or that the viewer cannot see) is a bad field of the request, not a
     * missing resource of the URL: 400 naming {@code parentContextId}.
     */
    private Uni<ContextLineage> requireParent(Viewer viewer, UUID parentId) {
        return contexts.lineage(parentId, viewer).map(lineage -> {
            if (lineage.access() == Access.NONE) {
                throw ProblemException.invalidField("parentContextId", "context " + parentId + " does not exist");
            }
            return lineage.require(Access.WRITE);
        });
    }

    /** The lineage without a check, for callers that decide themselves (an event with no caller). */
    public Uni<ContextLineage> lineage(Viewer viewer, UUID contextId) {
        return contexts.lineage(contextId, viewer);
    }

    /** The contexts a read of {@code contextId} covers under {@code scope}; needs read access to the context. */
    public Uni<ResolvedScope> scope(Viewer viewer, UUID contextId, Scope scope) {
        return require(viewer, contextId, Access.READ).chain(lineage -> switch (scope) {
            case CONTEXT -> Uni.createFrom().item(new ResolvedScope(lineage, scope, List.of(lineage.self())));
            case LINEAGE -> Uni.createFrom().item(new ResolvedScope(lineage, scope, lineage.visible()));
            case SHARED ->
                contexts.sharedWith(viewer).map(shared -> {
                    List<LineageEntry> entries = new java.util.ArrayList<>(lineage.visible());
                    java.util.Set<UUID> seen = new java.util.HashSet<>();
                    entries.forEach(entry -> seen.add(entry.id()));
                    shared.stream().filter(entry -> seen.add(entry.id())).forEach(entries::add);
                    return new ResolvedScope(lineage, scope, List.copyOf(entries));
                });
        });
    }

    @WithTransaction
    public Uni<ContextView> create(Viewer viewer, ContextRequests.CreateContext request) {
        // Both are stored as JSON objects: anything else (a string, an array, JSON null) is a 400, not a failed insert.
        json.requireObject("metadata", request.metadata());
        json.requireObject("contextData", request.contextData());
        Uni<Void> parentCheck = request.parentContextId() == null
                ? Uni.createFrom().voidItem()
                : requireParent(viewer, request.parentContextId())
                        .invoke(parent -> {
                            // The parent's lineage holds the parent and its ancestors: the child sits one level below.
                            int childDepth = parent.entries().size();
                            if (childDepth > config.contexts().maxDepth()) {
                                throw ProblemException.invalidField(
                                        "parentContextId",
                                        "the context would be deeper than the limit of "
                                                + config.contexts().maxDepth() + " levels");
                            }
                        })
                        .replaceWithVoid();
        return parentCheck.chain(() -> {
            MemoryContext context = new MemoryContext();
            context.id = UUID.randomUUID();
            context.name = blankToNull(request.name());
            context.parentContextId = request.parentContextId();
            context.agentId = request.agentId();
            context.contextData = objectOrEmpty(request.contextData());
            context.metadata = objectOrEmpty(request.metadata());
            context.contextualEmbedding = request.contextualEmbedding();
            context.owner = viewer.subject();
            context.createdAt = now();
            context.updatedAt = context.createdAt;
            return contexts.persist(context).map(saved -> ContextView.of(saved, Access.MANAGE));
        });
    }

    @WithSession
    public Uni<ContextView> get(Viewer viewer, UUID contextId) {
        return require(viewer, contextId, Access.READ)
                .chain(lineage -> contexts.findById(contextId)
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.notFound("context", contextId))
                        .map(context -> ContextView.of(context, lineage.access())));
    }

    /** The visible steps from the context up to its root, nearest first. */
    public Uni<List<ContextView.Step>> lineageSteps(Viewer viewer, UUID contextId) {
        return require(viewer, contextId, Access.READ)
                .map(lineage ->
                        lineage.visible().stream().map(ContextView.Step::of).toList());
    }

    @WithSession
    public Uni<PageResult<ContextView>> children(Viewer viewer, UUID contextId, int page, int size) {
        return require(viewer, contextId, Access.READ)
                .chain(lineage -> contexts.children(contextId, page * size, size + 1)
                        // Access flows down: the children are visible with at least the parent's access.
                        .map(found -> PageResult.of(
                                found,
                                page,
                                size,
                                child -> ContextView.of(
                                        child,
                                        Access.max(
                                                lineage.access(),
                                                child.owner != null && child.owner.equals(viewer.subject())
                                                        ? Access.MANAGE
                                                        : Access.NONE)))));
    }

    @WithSession
    public Uni<PageResult<ContextView>> list(Viewer viewer, UUID agentId, int page, int size) {
        return contexts.listVisible(viewer, agentId, page * size, size + 1)
                .map(found -> PageResult.of(found, page, size, context -> ContextView.of(context, null)));
    }

    /**
     * Changes name, contextData or metadata (write access), or moves the context under another
     * parent (manage access on the context, write access on the new parent). Fields absent from
     * {@code patch} stay as they are; {@code "parentContextId": null} makes the context a root.
     */
    @WithTransaction
    public Uni<ContextView> update(Viewer viewer, UUID contextId, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ProblemException.invalidField("body", "must be a JSON object");
        }
        boolean moves = patch.has("parentContextId");
        UUID newParent = moves ? parseUuid("parentContextId", patch.get("parentContextId")) : null;
        return require(viewer, contextId, moves ? Access.MANAGE : Access.WRITE)
                .chain(lineage -> moves
                        ? checkMove(viewer, contextId, newParent).replaceWith(lineage)
                        : Uni.createFrom().item(lineage))
                .chain(lineage -> contexts.findById(contextId)
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.notFound("context", contextId))
                        .chain(context -> {
                            if (patch.has("name")) {
                                JsonNode name = patch.get("name");
                                if (!name.isNull()
                                        && (!name.isTextual() || name.asText().length() > 200)) {
                                    throw ProblemException.invalidField(
                                            "name", "must be a string of at most 200 characters");
                                }
                                context.name = name.isNull() ? null : blankToNull(name.asText());
                            }
                            if (patch.has("contextData")) {
                                json.requireObject("contextData", patch.get("contextData"));
                                context.contextData = objectOrEmpty(patch.get("contextData"));
                            }
                            if (patch.has("metadata")) {
                                JsonNode metadata = patch.get("metadata");
                                json.requireObject("metadata", metadata.isNull() ? null : metadata);
                                context.metadata = metadata.isNull() ? JsonNodeFactory.instance.objectNode() : metadata;
                            }
                            if (patch.has("contextualEmbedding")) {
                                JsonNode contextual = patch.get("contextualEmbedding");
                                if (!contextual.isNull() && !contextual.isBoolean()) {
                                    throw ProblemException.invalidField(
                                            "contextualEmbedding", "must be true, false or null");
                                }
                                // Vectors already stored stay as they are; new memories follow the setting.
                                context.contextualEmbedding = contextual.isNull() ? null : contextual.asBoolean();
                            }
                            if (moves) {
                                context.parentContextId = newParent;
                            }
                            context.updatedAt = now();
                            return Panache.getSession()
                                    .chain(session -> session.flush())
                                    .onFailure()
                                    .transform(TreeErrors::translate)
                                    .replaceWith(ContextView.of(context, lineage.access()));
                        }));
    }

    // A friendly check before the trigger's final word: the new parent must be writable and the
    // subtree must still fit under the depth limit. Cycles are refused by the database trigger.
    private Uni<Void> checkMove(Viewer viewer, UUID contextId, UUID newParent) {
        if (newParent == null) {
            return Uni.createFrom().voidItem();
        }
        if (newParent.equals(contextId)) {
            throw ProblemException.conflict(
                    "the move would create a cycle: context " + contextId + " cannot be its own parent");
        }
        return requireParent(viewer, newParent)
                .chain(parent -> {
                    if (parent.entries().stream().anyMatch(entry -> entry.id().equals(contextId))) {
                        return Uni.createFrom()
                                .failure(ProblemException.conflict(
                                        "the move would create a cycle: " + newParent + " is below " + contextId));
                    }
                    return contexts.height(contextId).invoke(height -> {
                        int deepest = parent.entries().size() + height;
                        if (deepest > config.contexts().maxDepth()) {
                            throw ProblemException.invalidField(
                                    "parentContextId",
                                    "the subtree would reach depth " + deepest + ", deeper than the limit of "
                                            + config.contexts().maxDepth());
                        }
                    });
                })
                .replaceWithVoid();
    }

    @WithTransaction
    public Uni<Void> delete(Viewer viewer, UUID contextId, DeletePolicy policy) {
        return require(viewer, contextId, Access.MANAGE)
                .chain(lineage -> contexts.countChildren(contextId).chain(children -> {
                    if (children == 0) {
                        return contexts.deleteById(contextId).replaceWithVoid();
                    }
                    return switch (policy) {
                        case REFUSE ->
                            Uni.createFrom()
                                    .failure(ProblemException.conflict("context " + contextId + " has "
                                            + children
                                            + " child contexts; delete with policy=cascade to remove them too, or"
                                            + " policy=reparent to hand them to its parent"));
                        case CASCADE ->
                            contexts.wholeSubtree(contextId)
                                    .chain(ids -> contexts.delete("id in ?1", ids))
                                    .replaceWithVoid();
                        case REPARENT ->
                            contexts.update(
                                            "parentContextId = ?1, updatedAt = ?2 where parentContextId = ?3",
                                            lineage.self().parentId(),
                                            now(),
                                            contextId)
                                    .chain(() -> contexts.deleteById(contextId))
                                    .replaceWithVoid();
                    };
                }));
    }

    // --- Sharing ----------------------------------------------------------------------------

    @WithTransaction
    public Uni<ShareView> grant(Viewer viewer, UUID contextId, ContextRequests.GrantShare request) {
        if (request.expiresAt() != null && !request.expiresAt().isAfter(OffsetDateTime.now())) {
            throw ProblemException.invalidField("expiresAt", "must be in the future");
        }
        return require(viewer, contextId, Access.MANAGE)
                .chain(() -> shares.find(contextId, request.granteeType(), request.grantee()))
                .chain(existing -> {
                    Share share = existing != null ? existing : new Share();
                    if (existing == null) {
                        share.id = UUID.randomUUID();
                        share.contextId = contextId;
                        share.granteeType = request.granteeType();
                        share.grantee = request.grantee();
                    }
                    share.access = request.access();
                    share.expiresAt = request.expiresAt();
                    share.createdBy = viewer.subject();
                    share.createdAt = now();
                    return shares.persist(share).map(ShareView::of);
                });
    }

    @WithSession
    public Uni<List<ShareView>> shares(Viewer viewer, UUID contextId) {
        return require(viewer, contextId, Access.MANAGE)
                .chain(() -> shares.ofContext(contextId))
                .map(found -> found.stream().map(ShareView::of).toList());
    }

    @WithTransaction
    public Uni<Void> revoke(Viewer viewer, UUID contextId, UUID shareId) {
        return require(viewer, contextId, Access.MANAGE)
                .chain(() -> shares.delete("id = ?1 and contextId = ?2", shareId, contextId))
                .invoke(deleted -> {
                    if (deleted == 0) {
                        throw ProblemException.notFound("share", shareId);
                    }
                })
                .replaceWithVoid();
    }

    // --- helpers ----------------------------------------------------------------------------

    private static UUID parseUuid(String field, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return UUID.fromString(value.asText());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField(field, "must be a UUID or null");
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    /** Absent and JSON null both mean an empty object. */
    private static JsonNode objectOrEmpty(JsonNode value) {
        return value == null || value.isNull() ? JsonNodeFactory.instance.objectNode() : value;
    }
}
