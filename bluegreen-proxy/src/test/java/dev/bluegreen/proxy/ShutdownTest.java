package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Behaviour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link BlueGreenProxy#stop(Duration)} on real sockets: refuse new work at once, let work under way finish. */
class ShutdownTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void stop_letsAnInFlightRequestFinish_andRefusesNewConnections() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            int port = fixture.port();
            Gate gate = fixture.blue().hold();
            client.request("GET", "/slow", Map.of());
            gate.awaitArrived(1, TIMEOUT);

            CompletableFuture<Void> stopped = fixture.proxy.stop(Duration.ofSeconds(5));

            // The listener closes on the accept loop, asynchronously.
            await().atMost(TIMEOUT).until(() -> connectionRefused(port));
            assertThat(stopped).as("the in-flight exchange holds the stop").isNotDone();
            assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isEqualTo(1);

            gate.release();
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("blue-1");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.isClosedByPeer()).isTrue();
            stopped.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isZero();
            fixture.blue().awaitOpenConnections(0, TIMEOUT);
        }
    }

    @Test
    void stop_answersARequestStillUnansweredAtTheEndOfTheGracePeriod_with504_andCloses() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            Gate neverReleased = new Gate();
            fixture.blue().behave(Behaviour.neverRespond().heldBy(neverReleased));
            client.request("GET", "/forever", Map.of());
            neverReleased.awaitArrived(1, TIMEOUT);
            long begin = System.nanoTime();

            CompletableFuture<Void> stopped = fixture.proxy.stop(Duration.ofMillis(300));

            stopped.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("the grace period was given")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            RawResponse answer = client.readResponse();
            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.bodyText()).contains("the proxy stopped");
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(client.isClosedByPeer(TIMEOUT)).as("the client connection was closed").isTrue();
            assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isZero();
            fixture.blue().awaitOpenConnections(0, TIMEOUT);
        }
    }

    @Test
    void stop_isIdempotent_eachCallCompletingWithTheStop() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            CompletableFuture<Void> first = fixture.proxy.stop(Duration.ofSeconds(1));
            CompletableFuture<Void> second = fixture.proxy.stop();

            assertThat(second).isNotSameAs(first);
            first.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
            second.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
            assertThat(fixture.proxy.stop(Duration.ZERO)).as("a stop after the stop").isCompleted();
        }
    }

    /** Each caller's future is its own: one that gives up on the stop leaves the others' to complete. */
    @Test
    void stop_cancelledByOneCaller_stillCompletesForAnother() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            int port = fixture.port();
            // A request under way holds the stop while a caller gives up on it: an idle proxy's stop can be over
            // before the cancel on a busy machine, and a future already completed can't be cancelled.
            Gate gate = fixture.blue().hold();
            client.request("GET", "/slow", Map.of());
            gate.awaitArrived(1, TIMEOUT);
            CompletableFuture<Void> givenUp = fixture.proxy.stop(Duration.ofSeconds(10));
            CompletableFuture<Void> awaited = fixture.proxy.stop(Duration.ofSeconds(10));

            assertThat(givenUp.cancel(true)).isTrue();
            gate.release();

            assertThat(client.readResponse().status()).isEqualTo(200);
            // Its connection closes after the response; the proxy waits for the client's end (up to 2 s) first.
            client.close();
            awaited.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(awaited).as("completed normally").isCompleted().isNotCancelled();
            assertThat(connectionRefused(port)).as("the proxy stopped all the same").isTrue();
            assertThat(fixture.proxy.stop()).as("a stop after the stop").isCompleted().isNotCancelled();
        }
    }

    @Test
    void stop_onANeverStartedProxy_completesAtOnce() {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 1)).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();

            CompletableFuture<Void> stopped = proxy.stop();

            assertThat(stopped).isCompleted();
            assertThat(proxy.stop()).isCompleted();
            assertThatThrownBy(proxy::start).as("a stopped proxy can't start")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("STOPPED");
        }
    }

    @Test
    void stop_whileStarting_stopsTheProxyOnceItListens() throws Exception {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 1)).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();
            CompletableFuture<BlueGreenProxy> started = proxy.start();

            CompletableFuture<Void> stopped = proxy.stop(Duration.ofSeconds(1));

            stopped.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(started).as("the start settled first").isCompleted();
            assertThat(connectionRefused(started.join().port())).as("nothing listens any more").isTrue();
        }
    }

    @Test
    void start_twice_throwsIllegalStateException() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            assertThatThrownBy(fixture.proxy::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RUNNING")
                    .hasMessageContaining("expected: NEW");
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").status()).as("the running proxy is unharmed").isEqualTo(200);
            }
        }
    }

    @Test
    void start_onAClosedBlueGreen_throwsIllegalStateException() {
        BlueGreen closed = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 9)).build();
        closed.close();
        assertThat(closed.isClosed()).isTrue();
        BlueGreenProxy proxy = BlueGreenProxy.builder(closed).listen("127.0.0.1", 0).build();

        assertThatThrownBy(proxy::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("admin: closed (expected: an open BlueGreen; a proxy follows its changes)");
    }

    @Test
    void aBlueGreenClosedWhileTheProxyBinds_endsTheStart_itNeverHangs() throws Exception {
        for (int i = 0; i < 5; i++) {
            BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 9)).build();
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();
            CompletableFuture<BlueGreenProxy> start = proxy.start();
            // Closed at once: most often before the bind completes, where the proxy adds its listener and guards.
            admin.close();

            Throwable failure = start.handle((started, error) -> error).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (failure != null) {
                assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
            } // else the bind won the race: the proxy runs, and stops as any does
            proxy.stop(Duration.ZERO).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void start_and_stop_completeOffNettyThreads_soThatStagesChainedOnThemMayBlock() throws Exception {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 9)).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();
            CompletableFuture<Thread> startedOn = proxy.start().thenApply(started -> Thread.currentThread());
            assertThat(startedOn.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isNotInstanceOf(FastThreadLocalThread.class);

            CompletableFuture<Thread> stoppedOn = proxy.stop().thenApply(stopped -> Thread.currentThread());

            assertThat(stoppedOn.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isNotInstanceOf(FastThreadLocalThread.class);
        }
    }

    @Test
    void stopJoinedInAStageChainedOnStart_doesNotDeadlock() throws Exception {
        // Completed on the accept loop, start() ran this stage there, and stop() waits for that loop to end.
        try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 9)).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();

            CompletableFuture<Void> startedThenStopped = proxy.start().thenRun(() -> proxy.stop().join());

            startedThenStopped.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
        }
    }

    @Test
    void stop_gracePeriodOutOfRange_isRefusedAndTheProxyKeepsRunning() throws Exception {
        // A grace period of Long.MAX_VALUE seconds overflowed in the close listener: the proxy stayed STOPPING and the
        // future never completed.
        try (ProxyFixture fixture = ProxyFixture.start()) {
            assertThatThrownBy(() -> fixture.proxy.stop(Duration.ofSeconds(Long.MAX_VALUE)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gracePeriod: 9223372036854775807s (expected: at most 365d)");
            assertThatThrownBy(() -> fixture.proxy.stop(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gracePeriod: -1s (expected: >= 0)");
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").status()).as("still serving").isEqualTo(200);
            }
            fixture.proxy.stop(Duration.ofDays(365)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** True if a connection attempt to 127.0.0.1:port is refused; an accepted one is closed at once. */
    private static boolean connectionRefused(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }
}
