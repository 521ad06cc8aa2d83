package dev.bluegreen.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Holds requests at a {@link TestBackend} until the test lets them go, to keep an exchange in flight across a
 * switch.
 *
 * <p>A request <em>arrives</em> when its head reached the backend. It then waits until a permit is available:
 * {@link #release(int)} adds permits, used by held requests in arrival order (including requests that arrive
 * later), and {@link #release()} opens the gate for good. What a released request does depends on the
 * {@link Behaviour} the gate was attached to (by default, the normal name reply once its body was read).
 *
 * <pre>{@code
 * Gate gate = backend.hold();
 * client.request("GET", "/slow", Map.of());
 * gate.awaitArrived(1, Duration.ofSeconds(5));
 * proxy.switchTo(GREEN);
 * gate.release();
 * assertThat(client.readResponse().header("X-Backend")).isEqualTo("blue-1");
 * }</pre>
 *
 * <p>Thread-safe. Release callbacks run on the releasing thread and only hand work to an event loop.
 */
public final class Gate {

    private final Object lock = new Object();
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int arrived;
    private long permits;
    private boolean open;

    /** Creates a closed gate with no permits. */
    public Gate() {
    }

    /**
     * Blocks until at least {@code count} requests have arrived in total.
     *
     * @param count how many arrivals to wait for
     * @param timeout how long to wait at most
     * @throws AssertionError if fewer requests arrived within the timeout, or the thread was interrupted
     */
    public void awaitArrived(int count, Duration timeout) {
        requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (arrived < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("requests arrived at the gate: " + arrived + " (expected: at least "
                            + count + " within " + timeout + ")");
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + count + " arrivals", e);
                }
            }
        }
    }

    /** Returns how many requests have arrived so far, released or not. */
    public int arrived() {
        synchronized (lock) {
            return arrived;
        }
    }

    /** Returns how many arrived requests are still held. */
    public int waiting() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** Opens the gate for good: every held request and every later one passes. */
    public void release() {
        synchronized (lock) {
            open = true;
        }
        runReleased();
    }

    /**
     * Lets the next {@code count} requests pass, held ones first in arrival order, then later arrivals.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public void release(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
        }
        synchronized (lock) {
            permits += count;
        }
        runReleased();
    }

    /**
     * Records an arrival.
     *
     * @param onRelease run once when the request is released later; not run when it passes at once
     * @return true if the request passes at once
     */
    boolean arrive(Runnable onRelease) {
        synchronized (lock) {
            arrived++;
            lock.notifyAll();
            if (open) {
                return true;
            }
            if (permits > 0) {
                permits--;
                return true;
            }
            waiting.add(onRelease);
            return false;
        }
    }

    /** Forgets a held request whose connection closed, so it uses no permit. */
    void cancel(Runnable onRelease) {
        synchronized (lock) {
            waiting.remove(onRelease);
        }
    }

    private void runReleased() {
        while (true) {
            Runnable next;
            synchronized (lock) {
                if (waiting.isEmpty() || (!open && permits == 0)) {
                    return;
                }
                next = waiting.poll();
                if (!open) {
                    permits--;
                }
            }
            next.run();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Gate[arrived=" + arrived + ", waiting=" + waiting.size() + ", permits=" + permits
                    + ", open=" + open + "]";
        }
    }
}
