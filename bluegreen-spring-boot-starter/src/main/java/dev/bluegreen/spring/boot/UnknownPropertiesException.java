package dev.bluegreen.spring.boot;

/**
 * {@code bluegreen.*} keys that name no property of the starter, found at startup ({@link UnknownProperties}):
 * {@link UnknownPropertiesFailureAnalyzer} turns it into Boot's failure report. The message names each key, where it
 * was set and, when one is close, the property it most likely meant; never a value, as a misspelled key may hold a
 * secret ({@code bluegreen.admin.tokn}).
 */
final class UnknownPropertiesException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The first key's likely property, or {@code null}. */
    private final String meant;

    /**
     * The refusal.
     *
     * @param message the keys, where each was set, and the property the first most likely meant
     * @param meant the property the first key most likely meant, or {@code null}
     */
    UnknownPropertiesException(String message, String meant) {
        super(message);
        this.meant = meant;
    }

    /** @return the property the first key most likely meant, or {@code null} */
    String meant() {
        return meant;
    }
}
