package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Behaviour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.PatternSink;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proof of "nothing lost at the switch" (DESIGN.md invariants 1 and 2): keep-alive clients at full speed while
 * the live colour changes every millisecond or two, for seconds. Every response must be a 200, no client
 * connection may be closed under a client, and every response must come from the colour that was live at the
 * routing generation the proxy names in its routing header.
 */
class SwitchStormTest {

    private static final Duration STORM = Duration.ofSeconds(3);
    /** On a busy machine the storm goes on past {@link #STORM} until its minimums are met, but never past this. */
    private static final Duration HARD_LIMIT = Duration.ofSeconds(10);
    private static final long MIN_SWITCHES = 300;
    private static final int CLIENTS = 12;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final List<TestBackend> backends = new ArrayList<>();
    private BlueGreen admin;
    private BlueGreenProxy proxy;

    private void start(Behaviour behaviour, Duration drainTimeout) {
        for (String name : List.of("blue-1", "blue-2", "green-1", "green-2", "green-3")) {
            backends.add(TestBackend.start(name, behaviour));
        }
        admin = BlueGreen.builder()
                .blue("v1", backend(0), backend(1))
                .green("v2", backend(2), backend(3))
                .historySize(100_000)
                .build();
        proxy = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(2)
                .routingHeader("X-BlueGreen")
                .drainTimeout(drainTimeout)
                .build();
        proxy.start().orTimeout(5, TimeUnit.SECONDS).join();
    }

    private Backend backend(int index) {
        return Backend.of("127.0.0.1", backends.get(index).port());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
            admin.close();
        }
        backends.forEach(TestBackend::close);
    }

    /** What the clients saw. */
    private static final class Tally {
        final AtomicLong responses = new AtomicLong();
        final Queue<String> problems = new ConcurrentLinkedQueue<>();
        final AtomicLong blue = new AtomicLong();
        final AtomicLong green = new AtomicLong();
        /** Each response as (routing generation, colour named by the proxy, backend that answered). */
        final Queue<Routed> routed = new ConcurrentLinkedQueue<>();
    }

    private record Routed(long generation, String colour, String backend) {
    }

    /**
     * Runs {@link #CLIENTS} keep-alive clients, each on one connection for the whole storm, doing {@code exchange}
     * in a loop, while {@code switcher} changes the routing state; returns what they saw.
     */
    private Tally storm(BiConsumer<RawHttpClient, Tally> exchange, Runnable switcher, long minResponses)
            throws InterruptedException {
        Tally tally = new Tally();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            Thread client = new Thread(() -> {
                try (RawHttpClient connection = RawHttpClient.connect(proxy.port())) {
                    go.await();
                    while (running.get()) {
                        exchange.accept(connection, tally);
                        tally.responses.incrementAndGet();
                    }
                } catch (AssertionError | RuntimeException | InterruptedException e) {
                    tally.problems.add(e.toString());
                } finally {
                    done.countDown();
                }
            }, "storm-client-" + i);
            client.setDaemon(true);
            client.start();
        }
        go.countDown();
        long start = System.nanoTime();
        long switches = 0;
        // Switching for a while is the scenario itself, not a wait for something.
        while (System.nanoTime() - start < HARD_LIMIT.toNanos() && (System.nanoTime() - start < STORM.toNanos()
                || switches < MIN_SWITCHES || tally.responses.get() <= minResponses)) {
            switcher.run();
            switches++;
            LockSupport.parkNanos(PAUSE_NANOS);
        }
        running.set(false);
        assertThat(done.await(10, TimeUnit.SECONDS)).as("clients finished").isTrue();
        return tally;
    }

    /**
     * Checks one response: a 200 from a backend of the colour the proxy says it routed to; whether that colour was
     * live at that generation is checked against the history once the storm is over (a listener may hear of a
     * change after the proxy has already routed by it).
     */
    private void check(RawResponse response, Tally tally) {
        String backend = response.header("X-Backend");
        String routing = response.header("X-BlueGreen");
        if (response.status() != 200 || backend == null || routing == null) {
            tally.problems.add("bad response: " + response.status() + " " + backend + " " + routing);
            return;
        }
        String colour = routing.substring(0, routing.indexOf(';'));
        long generation = Long.parseLong(routing.substring(routing.indexOf('=') + 1));
        tally.routed.add(new Routed(generation, colour, backend));
        (colour.equals("blue") ? tally.blue : tally.green).incrementAndGet();
    }

    private void assertNothingLost(Tally tally, long minResponses) {
        assertThat(tally.problems).as("problems").isEmpty();
        Map<Long, Colour> liveAt = new HashMap<>();
        liveAt.put(0L, Colour.BLUE);
        admin.history().forEach(change -> liveAt.put(change.generation(), change.to()));
        assertThat(tally.routed).allSatisfy(response -> {
            assertThat(response.backend()).startsWith(response.colour() + "-");
            assertThat(liveAt.get(response.generation())).as("live at generation %d", response.generation())
                    .isNotNull()
                    .extracting(Colour::label).isEqualTo(response.colour());
        });
        assertThat(tally.responses.get()).isGreaterThan(minResponses);
        assertThat(tally.blue.get()).as("blue served").isPositive();
        assertThat(tally.green.get()).as("green served").isPositive();
        for (TestBackend backend : backends) {
            assertThat(backend.requests()).allSatisfy(seen ->
                    assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                proxy.activeExchanges(Colour.BLUE) + proxy.activeExchanges(Colour.GREEN) == 0);
    }

    @Test
    void switchEveryMillisecond_failsNothing_andEveryResponseComesFromTheColourLiveWhenItWasRouted()
            throws InterruptedException {
        start(Behaviour.reply(), Duration.ofSeconds(30));
        Tally tally = storm((client, seen) -> check(client.get("/"), seen),
                () -> admin.switchTo(admin.snapshot().live().other()), 500);
        assertNothingLost(tally, 500);
        assertThat(admin.snapshot().generation()).as("switches").isGreaterThanOrEqualTo(MIN_SWITCHES);
    }

    @Test
    void rollbacksAndRedeploysOfTheIdlePool_failNothing() throws InterruptedException {
        start(Behaviour.reply(), Duration.ofSeconds(30));
        AtomicLong step = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Tally tally = storm((client, seen) -> check(client.get("/"), seen), () -> {
            try {
                long n = step.incrementAndGet();
                if (n % 3 == 0 && admin.snapshot().idle() == Colour.GREEN) {
                    // Redeploy the idle pool: green alternates between two and three backends.
                    List<Backend> green = n % 2 == 0 ? List.of(backend(2), backend(3))
                            : List.of(backend(2), backend(3), backend(4));
                    admin.deploy(Colour.GREEN, "v2." + n, green);
                } else if (n % 2 == 0) {
                    admin.rollback();
                } else {
                    admin.promote();
                }
            } catch (ChangeRefusedException e) {
                refused.incrementAndGet();
            }
        }, 500);
        assertNothingLost(tally, 500);
        assertThat(admin.history()).extracting(change -> change.kind().name())
                .contains("ROLLBACK", "PROMOTE", "DEPLOY");
    }

    @Test
    void slowBackends_holdingEveryRequestAcrossSwitches_failNothing() throws InterruptedException {
        Gate gate = new Gate();
        start(Behaviour.reply().heldBy(gate), Duration.ofSeconds(30));
        AtomicBoolean releasing = new AtomicBoolean(true);
        // The backends answer only when the gate lets requests through, every few milliseconds: each request is
        // still at its backend while switches happen, the way a slow backend keeps it.
        Thread releaser = new Thread(() -> {
            while (releasing.get()) {
                gate.release(gate.waiting());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));
            }
        }, "slow-backends");
        releaser.setDaemon(true);
        releaser.start();
        try {
            Tally tally = storm((client, seen) -> check(client.get("/"), seen),
                    () -> admin.switchTo(admin.snapshot().live().other()), 300);
            assertNothingLost(tally, 300);
        } finally {
            releasing.set(false);
            gate.release();
        }
    }

    @Test
    void uploadsAndDownloadsInFlight_completeWholeAcrossSwitches() throws InterruptedException {
        start(Behaviour.echo(), Duration.ofSeconds(30));
        int size = 200_000;
        Tally tally = storm((client, seen) -> {
            client.request("POST", "/echo", Map.of("Content-Length", Integer.toString(size)));
            client.sendPattern(size);
            PatternSink sink = new PatternSink();
            RawResponse response = client.readResponse(sink);
            sink.verify(size);
            check(response, seen);
        }, () -> admin.switchTo(admin.snapshot().live().other()), 100);
        // 200 kB each way per exchange: fewer exchanges, each one spanning several switches.
        assertNothingLost(tally, 100);
    }

    @Test
    void webSocketOpenAcrossTheStorm_keepsWorking_thenGetsGoingAwayAfterTheLastSwitch() throws Exception {
        try (WebSocketBackend blueSocket = new WebSocketBackend("blue-ws");
             WebSocketBackend greenSocket = new WebSocketBackend("green-ws")) {
            backends.add(TestBackend.start("unused"));
            admin = BlueGreen.builder()
                    .blue("v1", Backend.of("127.0.0.1", blueSocket.port()))
                    .green("v2", Backend.of("127.0.0.1", greenSocket.port()))
                    .build();
            proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(2)
                    .drainTimeout(Duration.ofMillis(500)).build();
            proxy.start().orTimeout(5, TimeUnit.SECONDS).join();
            try (WebSocketClient socket = new WebSocketClient(proxy.port())) {
                assertThat(socket.echo("before", Duration.ofSeconds(5))).isEqualTo("blue-ws: before");
                long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                int messages = 0;
                // Blue comes back within each drain deadline, so its WebSocket stays.
                while (System.nanoTime() - deadline < 0) {
                    admin.switchTo(admin.snapshot().live().other());
                    assertThat(socket.echo("m" + messages, Duration.ofSeconds(5))).isEqualTo("blue-ws: m" + messages);
                    messages++;
                }
                if (admin.snapshot().live() == Colour.BLUE) {
                    admin.switchTo(Colour.GREEN);
                }
                assertThat(socket.closeStatusReceived.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
                assertThat(blueSocket.closeStatusReceived.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
                assertThat(messages).isGreaterThan(10);
            }
        }
    }
}
