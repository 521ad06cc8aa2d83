package dev.bluegreen.proxy.internal;

import java.util.concurrent.CompletionException;

/** What went wrong, without the wrappers: a {@code CompletableFuture} chain's, or all of a failure's causes. */
public final class Failures {

    private Failures() {
    }

    /**
     * The failure a dependent stage reports, unwrapped: a {@link CompletionException}'s cause, or the failure itself.
     *
     * @param failure what {@code whenComplete} or {@code handle} received
     * @return the underlying failure, never {@code null} for a non-null argument
     */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * The innermost cause of {@code failure}: TLS engines, for one, wrap the reason (an untrusted chain, a wrong name,
     * a cleartext peer's bytes) in generic errors such as "General OpenSslEngine problem".
     *
     * @param failure a failure
     * @return the last of its causes, or {@code failure} itself if it has none
     */
    public static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
