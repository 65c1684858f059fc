package ai.prometheus.registry.discovery;

import ai.prometheus.registry.catalog.CatalogCache;
import ai.prometheus.registry.catalog.CatalogVersionRepository;
import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.shared.platform.web.PageResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Supplier;

/**
 * A small per-replica cache of listing pages, keyed by the listing's SQL and arguments (which
 * carry everything the answer depends on: the caller's principals and grants, filters, order,
 * page), kept at the catalog version they were read at ({@link CatalogCache}): a change committed
 * through any replica is seen by the next listing on every replica. A hit costs one indexed read
 * instead of a ranked search; see the README's "Discovery performance".
 */
// Created at start, so its meters are exported before the first use.
@Startup
@ApplicationScoped
public class ListingCache {

    private final ObjectMapper json;
    private final CatalogCache<Key, Listing> pages;

    public ListingCache(
            CatalogVersionRepository catalog, ObjectMapper json, RegistryConfig config, MeterRegistry meters) {
        this.json = json;
        this.pages = new CatalogCache<>(
                catalog,
                meters,
                "prometheus.registry.discovery.cache.lookups",
                "Discovery listings answered from the replica's cache, or read from the database",
                config.discovery().cacheSize(),
                listing -> 1);
    }

    /** The page for this listing: cached if read at the current catalog version, else loaded and kept. */
    Uni<Listing> get(ToolListingRepository.Statement statement, Supplier<Uni<PageResult<ToolSummary>>> load) {
        Key key = new Key(
                statement.sql(),
                statement.args().stream().map(ListingCache::comparable).toList());
        return pages.get(key, () -> load.get().map(this::listing));
    }

    private Listing listing(PageResult<ToolSummary> page) {
        try {
            return new Listing(page, json.writeValueAsBytes(page));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a listing", e);
        }
    }

    private static Object comparable(Object arg) {
        return arg instanceof Object[] array ? List.of(array) : arg;
    }

    private record Key(String sql, List<Object> args) {}
}
