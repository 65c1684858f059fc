package ai.prometheus.shared.platform.web;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing: the items, where the page is, and whether another page follows. Every
 * list endpoint of the suite answers in this shape.
 */
public record PageResult<T>(List<T> items, int page, int size, boolean hasMore) {

    /**
     * Builds a page from a query that fetched {@code size + 1} rows: the extra row only tells
     * whether there is more, so no separate count query is needed.
     */
    public static <E, T> PageResult<T> of(List<E> fetched, int page, int size, Function<E, T> view) {
        boolean hasMore = fetched.size() > size;
        List<E> items = hasMore ? fetched.subList(0, size) : fetched;
        return new PageResult<>(items.stream().map(view).toList(), page, size, hasMore);
    }
}
