package dev.bluegreen.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steady request load for switch-under-load tests: {@code connections} threads, each sending {@code GET path}
 * in a loop on its own keep-alive {@link RawHttpClient}, until {@link #stop()}.
 *
 * <pre>{@code
 * try (HttpLoad load = HttpLoad.start(proxyPort, 8, "/")) {
 *     load.awaitResponses(1_000, Duration.ofSeconds(10));
 *     proxy.switchTo(GREEN);
 *     load.awaitResponses(load.responses() + 1_000, Duration.ofSeconds(10));
 *     HttpLoad.Summary summary = load.stop();
 *     assertThat(summary.failures()).isZero();
 * }
 * }</pre>
 *
 * <p>A response counts by its {@code X-Backend} header ({@code "?"} when absent) and by status. A failure is
 * an exception (connect refused, connection closed or reset, timeout) or a status of 400 and above; after an
 * exception the thread reconnects. A connection the server closes with {@code Connection: close} is simply
 * replaced. Thread-safe.
 */
public final class HttpLoad implements AutoCloseable {

    private static final int MAX_FAILURE_SAMPLES = 20;

    private final int port;
    private final String path;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong responses = new AtomicLong();
    private final LongAdder failures = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final Map<String, LongAdder> byBackend = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final List<String> failureSamples = new CopyOnWriteArrayList<>();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private Summary summary;

    private HttpLoad(int port, String path) {
        this.port = port;
        this.path = path;
    }

    /**
     * Starts {@code connections} request loops against {@code 127.0.0.1:port}.
     *
     * @throws IllegalArgumentException if {@code connections} is not positive
     */
    public static HttpLoad start(int port, int connections, String path) {
        requireNonNull(path, "path");
        if (connections < 1) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 1)");
        }
        HttpLoad load = new HttpLoad(port, path);
        for (int i = 0; i < connections; i++) {
            Thread thread = new Thread(load::loop, "http-load-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
        }
        load.threads.forEach(Thread::start);
        return load;
    }

    /** Returns how many responses arrived so far, failed ones included. */
    public long responses() {
        return responses.get();
    }

    /** Returns how many failures happened so far. */
    public long failures() {
        return failures.sum();
    }

    /**
     * Blocks until at least {@code count} responses arrived in total.
     *
     * @throws AssertionError if they did not within {@code timeout}
     */
    public void awaitResponses(long count, Duration timeout) {
        requireNonNull(timeout, "timeout");
        Waiter waiter = new Waiter(count, new CountDownLatch(1));
        waiters.add(waiter);
        try {
            if (responses.get() >= count) {
                return;
            }
            if (!waiter.latch().await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("responses: " + responses.get() + " (expected: " + count + " within "
                        + timeout + "); failures: " + failures.sum() + " " + failureSamples);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + count + " responses", e);
        } finally {
            waiters.remove(waiter);
        }
    }

    /**
     * Stops the loops after their current request (each bounded by the client's read timeout) and returns what
     * they saw. Idempotent: later calls return the same summary.
     */
    public synchronized Summary stop() {
        if (summary == null) {
            running = false;
            for (Thread thread : threads) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            summary = new Summary(responses.get(), failures.sum(), connectionsOpened.sum(), sums(byBackend),
                    sums(byStatus), List.copyOf(failureSamples));
        }
        return summary;
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void loop() {
        RawHttpClient client = null;
        while (running) {
            try {
                if (client == null) {
                    client = RawHttpClient.connect(port);
                    connectionsOpened.increment();
                }
                RawResponse response = client.request("GET", path, Map.of()).readResponse(BodySink.discard());
                String backend = response.header(TestBackend.X_BACKEND.toString());
                byBackend.computeIfAbsent(backend == null ? "?" : backend, k -> new LongAdder()).increment();
                byStatus.computeIfAbsent(response.status(), k -> new LongAdder()).increment();
                if (response.status() >= 400) {
                    fail("status " + response.status() + " from " + backend);
                }
                if ("close".equalsIgnoreCase(response.header("Connection"))) {
                    client.close();
                    client = null;
                }
                counted();
            } catch (RuntimeException e) {
                fail(e.toString() + (e.getCause() != null ? " caused by " + e.getCause() : ""));
                if (client != null) {
                    client.close();
                    client = null;
                }
            }
        }
        if (client != null) {
            client.close();
        }
    }

    private void counted() {
        long total = responses.incrementAndGet();
        for (Waiter waiter : waiters) {
            if (total >= waiter.target()) {
                waiter.latch().countDown();
            }
        }
    }

    private void fail(String what) {
        failures.increment();
        if (failureSamples.size() < MAX_FAILURE_SAMPLES) {
            failureSamples.add(Thread.currentThread().getName() + ": " + what);
        }
    }

    private static <K> Map<K, Long> sums(Map<K, LongAdder> adders) {
        Map<K, Long> sums = new TreeMap<>();
        adders.forEach((key, adder) -> sums.put(key, adder.sum()));
        return Collections.unmodifiableMap(sums);
    }

    private record Waiter(long target, CountDownLatch latch) {
    }

    /**
     * What a load run saw.
     *
     * @param responses responses received, failed statuses included
     * @param failures exceptions plus responses with a status of 400 and above
     * @param connectionsOpened connections opened, reconnections included
     * @param byBackend responses per {@code X-Backend} value ({@code "?"} when absent)
     * @param byStatus responses per status code
     * @param failureSamples the first few failures, described
     */
    public record Summary(long responses, long failures, long connectionsOpened, Map<String, Long> byBackend,
                          Map<Integer, Long> byStatus, List<String> failureSamples) {
    }
}
