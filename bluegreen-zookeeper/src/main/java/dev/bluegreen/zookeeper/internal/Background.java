package dev.bluegreen.zookeeper.internal;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /**
     * Waits for an operation, at most {@code timeout}, on the calling thread.
     *
     * @param operation the operation's future, from {@link #call}
     * @param what what it does, for the refusal's message, such as {@code "write generation 7"}
     * @param timeout how long to wait
     * @return its event, whatever the result code
     * @throws ChangeRefusedException with {@link Refusal#STORE_REJECTED} if ZooKeeper did not answer in time, the
     *         wait was interrupted, or the operation could not be started
     */
    public static CuratorEvent await(CompletableFuture<CuratorEvent> operation, String what, Duration timeout) {
        try {
            return operation.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw rejected("ZooKeeper unreachable: it did not answer within " + timeout.toMillis() + " ms (" + what
                    + "; if that was a write, it may still be applied, and this instance follows whatever is)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw rejected("interrupted while waiting for ZooKeeper to " + what);
        } catch (ExecutionException e) {
            throw new ChangeRefusedException(Refusal.STORE_REJECTED, "ZooKeeper could not " + what + ": "
                    + e.getCause(), e.getCause());
        }
    }

    /**
     * A refusal by the store.
     *
     * @param message why, in words
     * @return a {@link ChangeRefusedException} with {@link Refusal#STORE_REJECTED}
     */
    public static ChangeRefusedException rejected(String message) {
        return new ChangeRefusedException(Refusal.STORE_REJECTED, message);
    }
}
