package dev.bluegreen.spring.boot;

/**
 * The proxy or bluegreen's admin endpoint could not bind its address at startup (in use, or not this machine's):
 * {@link ListenFailureAnalyzer} turns it into Boot's failure report naming the property that sets the address.
 */
final class ListenFailedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The property that sets the address, such as {@code bluegreen.proxy.listen}. */
    private final String property;

    /**
     * A failure to listen.
     *
     * @param property the property that sets the address that could not be bound
     * @param cause what the proxy or the endpoint failed with; its message names the address and the reason
     */
    ListenFailedException(String property, Throwable cause) {
        super(cause.getMessage(), cause);
        this.property = property;
    }

    /** @return the property that sets the address, such as {@code bluegreen.proxy.listen} */
    String property() {
        return property;
    }
}
