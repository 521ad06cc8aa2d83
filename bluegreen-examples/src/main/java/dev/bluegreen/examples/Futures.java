package dev.bluegreen.examples;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers for the futures that start and stop things. Stateless. */
final class Futures {

    private Futures() {
    }

    /**
     * The failure a future's wrappers were hiding: strips {@link CompletionException} and
     * {@link ExecutionException} layers that have a cause.
     */
    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** {@code failure} as an unchecked exception to throw from a stage, without wrapping it twice. */
    static CompletionException asCompletionException(Throwable failure) {
        return failure instanceof CompletionException completion ? completion : new CompletionException(failure);
    }
}
