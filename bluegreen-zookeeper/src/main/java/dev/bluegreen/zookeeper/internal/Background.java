package dev.bluegreen.zookeeper.internal;

import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;

/**
 * Runs one Curator operation in the background and returns its event as a future, so that a caller can wait for
 * it with a bound of its own instead of Curator's retry policy.
 *
 * <p>The future completes on Curator's event thread: stages chained to it without an executor must not block and
 * must not run user code (a listener that made a change from there would wait for the very thread it runs on).
 */
public final class Background {

    private Background() {
    }

    /** One operation, given the callback to pass to {@code inBackground}. */
    @FunctionalInterface
    public interface Operation {
        /**
         * Starts the operation.
         *
         * @param callback to pass to {@code inBackground(callback)}
         * @throws Exception as Curator's {@code forPath} does
         */
        void start(BackgroundCallback callback) throws Exception;
    }

    /**
     * Starts {@code operation}.
     *
     * @param operation the operation
     * @return its event, whatever the result code; failed if the operation could not even be started
     */
    public static CompletableFuture<CuratorEvent> call(Operation operation) {
        CompletableFuture<CuratorEvent> result = new CompletableFuture<>();
        try {
            operation.start((client, event) -> result.complete(event));
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
