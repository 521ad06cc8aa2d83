package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Switching costs nothing (DESIGN.md, invariant 2): a colour that stopped being live keeps its idle upstream
 * connections warm for the rollback window, so that a rollback within it opens no connection, switching back and
 * forth under load opens none either (and leaves no sockets in TIME_WAIT behind), while its drain still ends as soon
 * as its exchanges have.
 */
class RollbackWindowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void rollbackWithinTheWindow_opensNoConnection_andTheDrainDoesNotWaitForTheWarmOnes() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            List<RawHttpClient> clients = connect(fixture, 4);
            try {
                for (RawHttpClient client : clients) {
                    assertThat(client.get("/warm").header("X-Backend")).isEqualTo("blue-1");
                }
                await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 0);
                int blueAccepted = fixture.blue().connectionsAccepted();

                fixture.admin.switchTo(Colour.GREEN);
                for (RawHttpClient client : clients) {
                    assertThat(client.get("/green").header("X-Backend")).isEqualTo("green-1");
                }
                DrainReport drained = fixture.proxy.drain(Colour.BLUE).orElseThrow().completion()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(drained.outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
                assertThat(fixture.proxy.idleUpstreamConnections(Colour.BLUE)).as("warm for a rollback")
                        .isPositive();

                fixture.admin.rollback();

                for (RawHttpClient client : clients) {
                    RawResponse response = client.get("/back");
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).isEqualTo("blue-1");
                }
                assertThat(fixture.blue().connectionsAccepted()).as("the rollback opened no connection")
                        .isEqualTo(blueAccepted);
            } finally {
                clients.forEach(RawHttpClient::close);
            }
        }
    }

    @Test
    void windowEnd_closesTheOldColoursIdleConnections() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.rollbackWindow(Duration.ofMillis(300)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/warm").header("X-Backend")).isEqualTo("blue-1");
            await().atMost(TIMEOUT).until(() -> fixture.proxy.idleUpstreamConnections(Colour.BLUE) == 1);

            fixture.admin.switchTo(Colour.GREEN);
            assertThat(client.get("/green").header("X-Backend")).isEqualTo("green-1");

            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isZero();
                assertThat(fixture.blue().openConnections()).isZero();
            });
        }
    }

    @Test
    void redeployingTheOldColour_closesItsWarmConnections() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/warm").header("X-Backend")).isEqualTo("blue-1");
            await().atMost(TIMEOUT).until(() -> fixture.proxy.idleUpstreamConnections(Colour.BLUE) == 1);
            fixture.admin.switchTo(Colour.GREEN);
            assertThat(client.get("/green").header("X-Backend")).isEqualTo("green-1");
            assertThat(fixture.proxy.idleUpstreamConnections(Colour.BLUE)).isOne();

            fixture.admin.deploy(Colour.BLUE, "v3", ProxyFixture.backends(fixture.blue));

            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isZero();
                assertThat(fixture.blue().openConnections()).isZero();
            });
        }
    }

    @Test
    void switchingBackAndForthUnderLoad_opensNoNewConnections_andLeavesNothingInTimeWait() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            int clients = 8;
            // Each client warms both colours' pools on its loop first: from then on no switch needs a connect.
            List<RawHttpClient> connections = connect(fixture, clients);
            try {
                warmBothColours(fixture, connections);
                int accepted = fixture.blue().connectionsAccepted() + fixture.green().connectionsAccepted();

                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong responses = new AtomicLong();
                Queue<String> problems = new ConcurrentLinkedQueue<>();
                CountDownLatch done = new CountDownLatch(clients);
                for (RawHttpClient connection : connections) {
                    Thread thread = new Thread(() -> {
                        try {
                            while (running.get()) {
                                RawResponse response = connection.get("/load");
                                if (response.status() != 200) {
                                    problems.add("status " + response.status());
                                }
                                responses.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            problems.add(e.toString());
                        } finally {
                            done.countDown();
                        }
                    });
                    thread.setDaemon(true);
                    thread.start();
                }
                int switches = 0;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                // Switching every 2 ms for a while is the scenario itself, not a wait for something.
                while (switches < 200 || System.nanoTime() < until) {
                    fixture.admin.switchTo(fixture.admin.snapshot().idle());
                    switches++;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
                running.set(false);
                assertThat(done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

                assertThat(problems).isEmpty();
                assertThat(responses.get()).isPositive();
                // Without the window every switch closes the old colour's idle connections: hundreds of new ones
                // here. With it, a colour needs at most one connection per client at once, whatever the switches.
                int opened = fixture.blue().connectionsAccepted() + fixture.green().connectionsAccepted() - accepted;
                assertThat(opened).as("connections opened during %d switches", switches)
                        .isLessThanOrEqualTo(2 * clients);
                assertThat(timeWaitTowards(fixture)).as("sockets in TIME_WAIT towards the backends")
                        .isLessThanOrEqualTo(2 * clients);
            } finally {
                connections.forEach(RawHttpClient::close);
            }
        }
    }

    private static void warmBothColours(ProxyFixture fixture, List<RawHttpClient> connections) {
        for (int round = 0; round < 2; round++) {
            for (RawHttpClient connection : connections) {
                assertThat(connection.get("/warm").status()).isEqualTo(200);
            }
            fixture.admin.switchTo(fixture.admin.snapshot().idle());
        }
    }

    /**
     * Sockets in TIME_WAIT whose remote end is one of the fixture's backends, from {@code /proc/net/tcp} (Linux; 0
     * where it does not exist). The side that closes a TCP connection first keeps it in TIME_WAIT.
     */
    private static int timeWaitTowards(ProxyFixture fixture) throws IOException {
        Path table = Path.of("/proc/net/tcp");
        if (!Files.isReadable(table)) {
            return 0;
        }
        List<String> ports = new ArrayList<>();
        for (int port : new int[] {fixture.blue().port(), fixture.green().port()}) {
            ports.add(String.format(":%04X", port));
        }
        int count = 0;
        for (String line : Files.readAllLines(table)) {
            String[] fields = line.trim().split("\\s+");
            // sl local_address rem_address st ...; state 06 is TIME_WAIT.
            if (fields.length > 3 && "06".equals(fields[3])
                    && ports.stream().anyMatch(port -> fields[2].endsWith(port))) {
                count++;
            }
        }
        return count;
    }

    private static List<RawHttpClient> connect(ProxyFixture fixture, int count) {
        List<RawHttpClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(RawHttpClient.connect(fixture.port()));
        }
        return clients;
    }
}
