package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.exchange.BackendLoads.Permits;
import dev.bluegreen.proxy.internal.routing.ServerIdentity;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * One request waiting in {@link BackendLoads}' queue for a permit of a backend of its pool. It leaves the queue once,
 * whichever comes first: a permit granted by whoever gave one back (on any thread; the request hears of it on its own
 * event loop), or withdrawn by its exchange (its queue timeout, its end, a backend it found itself).
 */
final class QueuedRequest {

    private final Colour colour;
    /** The backends of the pool it was routed to. */
    private final List<Backend> pool;
    /** When it joined the queue ({@link System#nanoTime()}). */
    private final long since = System.nanoTime();
    private final Predicate<Backend> takes;
    private final Executor eventLoop;
    private final BiConsumer<QueuedRequest, Permits> granted;
    /** Whether it left the queue, granted or withdrawn. */
    private final AtomicBoolean left = new AtomicBoolean();

    /**
     * @param colour    the colour of the pool it waits for
     * @param pool      the backends of that pool, as the request was routed to it
     * @param takes     whether a backend's permit would do: one of its pool, usable, not one it tried and left
     *                  (asked on the thread that gives a permit back)
     * @param eventLoop its exchange's loop, where {@code granted} runs
     * @param granted   takes this request and the permit granted to it, which it then holds (and must give back)
     */
    QueuedRequest(Colour colour, List<Backend> pool, Predicate<Backend> takes, Executor eventLoop,
                  BiConsumer<QueuedRequest, Permits> granted) {
        this.colour = colour;
        this.pool = pool;
        this.takes = takes;
        this.eventLoop = eventLoop;
        this.granted = granted;
    }

    Colour colour() {
        return colour;
    }

    List<Backend> pool() {
        return pool;
    }

    /**
     * Whether {@code backend}'s server is of its pool, usable or not: a permit's record is the pool's now, which a
     * redeploy may have given another weight or limit since the request was routed.
     */
    boolean waitsFor(Backend backend) {
        return ServerIdentity.indexIn(pool, backend) >= 0;
    }

    long since() {
        return since;
    }

    /** Whether a permit of {@code backend} would do. */
    boolean accepts(Backend backend) {
        return takes.test(backend);
    }

    /** Whether it left the queue, granted or withdrawn, and is only waiting to be unlinked. */
    boolean hasLeft() {
        return left.get();
    }

    /**
     * Takes it out of the queue for a grant, unless it left already: then {@link #deliver} hands it the permit.
     *
     * @return whether it was still waiting
     */
    boolean claim() {
        return left.compareAndSet(false, true);
    }

    /**
     * Hands the permit {@code permit}, held by the caller, to the request {@link #claim}ed for it, on its event loop.
     *
     * @return {@code false} when its loop is shutting down (and its exchange with it): the caller still holds the
     *         permit, for the next request
     */
    boolean deliver(Permits permit) {
        try {
            eventLoop.execute(() -> granted.accept(this, permit));
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }

    /** Takes it out of the queue. @return {@code false} when it was granted a permit first */
    boolean withdraw() {
        return left.compareAndSet(false, true);
    }
}
