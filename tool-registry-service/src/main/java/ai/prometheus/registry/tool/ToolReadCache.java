package ai.prometheus.registry.tool;

import ai.prometheus.registry.catalog.CatalogCache;
import ai.prometheus.registry.catalog.CatalogVersionRepository;
import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.registry.permission.ToolOwnership;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * What {@code GET /tools/{name}} found, per replica, kept at the catalog version it was read at
 * ({@link CatalogCache}, as discovery's listings): a change to any tool committed through any
 * replica (a new version, status, ACL, deletion) is seen by the next read on every replica. An
 * entry is the answer before any caller's permissions: the tool's owner and ACL, decided on for
 * each request by {@link ToolService#read}, and its JSON written once with the ACL (for those who
 * may manage the tool) and once without (for its other readers), so a hit neither reads the tool
 * and its versions through Hibernate nor writes JSON.
 */
// Created at start, so its meters are exported before the first use.
@Startup
@ApplicationScoped
public class ToolReadCache {

    /** Bytes counted for an entry besides its answers (the key, the record, the ACL). */
    private static final int ENTRY_OVERHEAD = 256;

    /** What a read found: {@code ownership} null when there is no such tool. */
    record Found(ToolOwnership ownership, byte[] withAcl, byte[] withoutAcl) {

        static final Found NONE = new Found(null, new byte[0], new byte[0]);

        int bytes() {
            return ENTRY_OVERHEAD + withAcl.length + withoutAcl.length;
        }
    }

    private record Key(String name, boolean includeDeleted) {}

    private final ObjectMapper json;
    private final CatalogCache<Key, Found> reads;

    public ToolReadCache(
            CatalogVersionRepository catalog, ObjectMapper json, RegistryConfig config, MeterRegistry meters) {
        this.json = json;
        this.reads = new CatalogCache<>(
                catalog,
                meters,
                "prometheus.registry.tool.cache.lookups",
                "Single-tool reads answered from the replica's cache, or read from the database",
                config.tools().readCacheSize().asLongValue(),
                Found::bytes);
    }

    /**
     * What a read of {@code name} finds: cached if read at the current catalog version, else
     * {@code load}ed (the tool's detail with its ACL, null when there is none) and kept.
     */
    Uni<Found> get(String name, boolean includeDeleted, Supplier<Uni<ToolViews.Detail>> load) {
        return reads.get(new Key(name, includeDeleted), () -> load.get().map(this::found));
    }

    private Found found(ToolViews.Detail detail) {
        if (detail == null) {
            return Found.NONE;
        }
        try {
            return new Found(
                    new ToolOwnership(detail.name(), detail.owner(), detail.permissions()),
                    json.writeValueAsBytes(detail),
                    json.writeValueAsBytes(detail.withoutPermissions()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write tool " + detail.name(), e);
        }
    }
}
