package ai.prometheus.memory.search;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A query's words as Postgres parses and stems them, kept for the words asked again. The parse is
 * a function of the words alone (the {@code english} configuration, as the stored lexemes use
 * it), so a repeated query needs no round trip; the least recently asked words leave first.
 */
@ApplicationScoped
public class ParsedWords {

    private static final int CAPACITY = 1024;

    private final Function<String, Uni<String>> postgres;
    private final Map<String, String> known;

    @Inject
    public ParsedWords(SearchRepository searches) {
        this(searches::parse, CAPACITY);
    }

    ParsedWords(Function<String, Uni<String>> postgres, int capacity) {
        this.postgres = postgres;
        this.known = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The {@code tsquery} text of {@code words}. */
    Uni<String> parse(String words) {
        String parsed;
        synchronized (known) {
            parsed = known.get(words);
        }
        if (parsed != null) {
            return Uni.createFrom().item(parsed);
        }
        return postgres.apply(words).invoke(answer -> {
            synchronized (known) {
                known.put(words, answer);
            }
        });
    }
}
