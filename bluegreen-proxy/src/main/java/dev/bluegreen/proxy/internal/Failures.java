package dev.bluegreen.proxy.internal;

import java.util.concurrent.CompletionException;

/** What went wrong in a {@code CompletableFuture} chain, without the wrapper the chain adds. */
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
}
