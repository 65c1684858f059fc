package ai.prometheus.memory.search;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Function;

/**
 * A query's words as Postgres parses and stems them, kept for the words asked again. The parse is
 * a function of the words alone (the {@code english} configuration, as the stored lexemes use
 * it), so a repeated query needs no round trip. Bounded by Caffeine's size policy: words asked
 * often stay while a stream of one-off queries passes through.
 */
@ApplicationScoped
public class ParsedWords {

    private static final int CAPACITY = 1024;

    private final Function<String, Uni<String>> postgres;
    private final Cache<String, String> known;

    @Inject
    public ParsedWords(SearchRepository searches) {
        this(searches::parse, CAPACITY);
    }

    ParsedWords(Function<String, Uni<String>> postgres, int capacity) {
        this.postgres = postgres;
        // Evictions on the caller: a few map operations, not worth a hand-off to another pool.
        this.known = Caffeine.newBuilder()
                .maximumSize(capacity)
                .executor(Runnable::run)
                .build();
    }

    /** The {@code tsquery} text of {@code words}. */
    Uni<String> parse(String words) {
        String parsed = known.getIfPresent(words);
        if (parsed != null) {
            return Uni.createFrom().item(parsed);
        }
        return postgres.apply(words).invoke(answer -> known.put(words, answer));
    }
}
