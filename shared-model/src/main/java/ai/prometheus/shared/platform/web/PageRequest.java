package ai.prometheus.shared.platform.web;

import java.util.List;
import java.util.function.Function;

/**
 * The page a listing was asked for with {@code ?page=} (counted from 0) and {@code ?size=}, and how
 * it is fetched and answered: the query fetches {@link #rows()}, one row more than the page, and
 * {@link #answer} keeps the page and tells from the extra row whether another follows.
 */
public record PageRequest(int page, int size) {

    /** The size of a page when the request names none. */
    public static final int DEFAULT_SIZE = 50;

    /** Checks the parameters as sent (null: absent), failing with a 400 that names the wrong one. */
    public static PageRequest of(Integer page, Integer size) {
        return new PageRequest(Params.page(page), Params.size(size, DEFAULT_SIZE));
    }

    /** The first row of the page. */
    public int offset() {
        return page * size;
    }

    /** How many rows to fetch from {@link #offset()}: the page and one more. */
    public int rows() {
        return size + 1;
    }

    /** The page's answer from the {@link #rows()} fetched, each shown as {@code view} makes it. */
    public <E, T> PageResult<T> answer(List<E> fetched, Function<E, T> view) {
        return PageResult.of(fetched, page, size, view);
    }
}
