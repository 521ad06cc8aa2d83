package dev.bluegreen.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.DaemonThreads;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.Drain;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link BlueGreenProxy}'s start and stop settle their futures (and hand them out, as {@link AdminEndpoint}'s do),
 * the check of a stop's grace period, and the quiet close of what the proxy registered on the admin object.
 */
public final class LifecycleFutures {

    private static final Logger log = LoggerFactory.getLogger(BlueGreenProxy.class);

    private LifecycleFutures() {
    }

    /**
     * Runs {@code completion} (completing the start or stop future once Netty has settled it) on a thread of its
     * own: completed on an event loop (or Netty's global executor), the future would run the caller's dependent stages
     * there, and a {@code stop().join()} chained on {@code start()} would wait for the very loop it blocks. One
     * short-lived thread per completion, at most two per proxy, so that a stage that blocks on one never holds up the
     * other.
     *
     * @param completion completes the future
     */
    public static void completeOffTheLoops(Runnable completion) {
        DaemonThreads.start("bluegreen-lifecycle", completion);
    }

    /**
     * A future of one caller's own that completes as {@code shared} does: with its value, or its exception as it is
     * (not wrapped in a {@code CompletionException}, as {@link CompletableFuture#copy()} would hand it to a
     * {@code handle} or {@code whenComplete} stage). The caller may cancel or complete it: that touches neither
     * {@code shared}, which the lifecycle itself waits on, nor the future any other caller was given (as
     * {@link Drain#completion()} hands out its own).
     *
     * @param shared the future the lifecycle completes
     * @return a new future, complete at once if {@code shared} is
     */
    public static <T> CompletableFuture<T> own(CompletableFuture<T> shared) {
        CompletableFuture<T> own = new CompletableFuture<>();
        shared.whenComplete((value, error) -> {
            if (error != null) {
                own.completeExceptionally(error);
            } else {
                own.complete(value);
            }
        });
        return own;
    }

    /**
     * Checks the grace period of a {@link BlueGreenProxy#stop(Duration)}: one beyond a year overflowed in the close
     * listener, and the stop's future never completed.
     *
     * @param gracePeriod the grace period
     * @return {@code gracePeriod}
     * @throws IllegalArgumentException if it is negative or longer than 365 days
     */
    public static Duration gracePeriod(Duration gracePeriod) {
        requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("gracePeriod: " + Texts.duration(gracePeriod) + " (expected: >= 0)");
        }
        return Texts.requireAtMostAYear("gracePeriod", gracePeriod);
    }

    /**
     * Closes a registration the proxy made on the admin object (its routing listener, its guards) at stop; a failure
     * is logged, never thrown, so that the stop goes on.
     *
     * @param closeable the registration
     */
    public static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("could not remove the proxy's routing listener", e);
        }
    }
}
