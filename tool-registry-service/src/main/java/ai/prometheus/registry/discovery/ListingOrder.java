package ai.prometheus.registry.discovery;

/** The orders a listing may ask for by name ({@code sort=}); a leading {@code -} reverses. */
public enum ListingOrder {
    NAME("name"),
    NAME_DESCENDING("-name"),
    CREATED("created"),
    CREATED_DESCENDING("-created"),
    UPDATED("updated"),
    UPDATED_DESCENDING("-updated"),
    RELEVANCE("relevance");

    private final String sort;

    ListingOrder(String sort) {
        this.sort = sort;
    }

    /** The order called {@code sort}, or null if there is none of that name. */
    static ListingOrder named(String sort) {
        for (ListingOrder order : values()) {
            if (order.sort.equals(sort)) {
                return order;
            }
        }
        return null;
    }
}
