package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Sticky sessions while the live colour flips every millisecond: with a drain deadline longer than the storm, every
 * session stays on the colour of its first request, whichever colour is live when its later requests arrive, and no
 * request fails.
 */
class StickySwitchStormTest {

    private static final int CLIENTS = 8;
    private static final int REQUESTS_PER_SESSION = 6;
    private static final long MIN_SWITCHES = 200;
    private static final long MIN_RESPONSES = 2_000;
    private static final Duration HARD_LIMIT = Duration.ofSeconds(10);

    @Test
    void switchStorm_everySessionStaysOnItsFirstColour() throws InterruptedException {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b
                .stickySessions(StickySessions.fromHeader("X-Session"))
                .drainTimeout(Duration.ofMinutes(5)))) {
            Map<String, String> firstBackendColour = new ConcurrentHashMap<>();
            Queue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicLong responses = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                String clientName = "client-" + c;
                Thread client = new Thread(() -> {
                    try (RawHttpClient connection = RawHttpClient.connect(fixture.port())) {
                        go.await();
                        for (int request = 0; running.get(); request++) {
                            // Each session makes a few requests, one after another; then the client starts another.
                            String session = clientName + "-s" + request / REQUESTS_PER_SESSION;
                            RawResponse response = connection.request("GET", "/", Map.of("X-Session", session))
                                    .readResponse();
                            String backend = response.header("X-Backend");
                            if (response.status() != 200 || backend == null) {
                                problems.add(session + ": " + response.status());
                                continue;
                            }
                            String colour = backend.substring(0, backend.indexOf('-'));
                            String first = firstBackendColour.putIfAbsent(session, colour);
                            if (first != null && !first.equals(colour)) {
                                problems.add(session + " started on " + first + ", then served by " + backend);
                            }
                            responses.incrementAndGet();
                        }
                    } catch (AssertionError | RuntimeException | InterruptedException e) {
                        problems.add(clientName + ": " + e);
                    } finally {
                        done.countDown();
                    }
                }, "sticky-storm-" + clientName);
                client.setDaemon(true);
                client.start();
            }

            go.countDown();
            long start = System.nanoTime();
            long switches = 0;
            // Switching for a while is the scenario itself, not a wait for something.
            while (System.nanoTime() - start < HARD_LIMIT.toNanos()
                    && (switches < MIN_SWITCHES || responses.get() < MIN_RESPONSES)) {
                fixture.admin.switchTo(fixture.admin.snapshot().idle());
                switches++;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            running.set(false);
            assertThat(done.await(10, TimeUnit.SECONDS)).as("clients finished").isTrue();

            assertThat(problems).as("problems").isEmpty();
            assertThat(responses.get()).isGreaterThan(CLIENTS);
            assertThat(firstBackendColour.values()).as("sessions started on both colours")
                    .contains(Colour.BLUE.label(), Colour.GREEN.label());
        }
    }
}
