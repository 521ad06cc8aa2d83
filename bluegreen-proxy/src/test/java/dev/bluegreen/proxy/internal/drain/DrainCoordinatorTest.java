package dev.bluegreen.proxy.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.Drain;
import dev.bluegreen.proxy.DrainReport;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DrainCoordinator} alone: a colour that stops being live drains until it has no exchange and no connection,
 * or until its deadline closes what is left on every loop; a rollback cancels it.
 */
class DrainCoordinatorTest {

    private final EventLoop loop = new DefaultEventLoop();
    private final ProxyCounters counters = new ProxyCounters();
    private final List<Colour> closedAtDeadline = new CopyOnWriteArrayList<>();
    private final List<DrainReport> recorded = new CopyOnWriteArrayList<>();
    private final BlueGreen admin = BlueGreen.builder()
            .blue("v1", Backend.of("127.0.0.1", 1)).green("v2", Backend.of("127.0.0.1", 2)).build();

    private final DrainParticipant participant = new DrainParticipant() {
        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public int closeColour(Colour colour) {
            closedAtDeadline.add(colour);
            // What a loop does at the deadline: its exchanges on the colour end.
            long open = counters.activeExchanges(colour);
            for (long i = 0; i < open; i++) {
                counters.exchangeEnded(colour);
            }
            return (int) open;
        }
    };

    /** Colours the router still sends requests to (sticky sessions on them, say). */
    private final Set<Colour> stillRouted = ConcurrentHashMap.newKeySet();

    private DrainCoordinator coordinator(Duration timeout) {
        return new DrainCoordinator(timeout, counters, List.of(participant), loop, () -> new ProxyRecorder() {
            @Override
            public void drainEnded(DrainReport report) {
                recorded.add(report);
            }
        }, stillRouted::contains);
    }

    private Change switchTo(Colour colour) {
        RoutingSnapshot before = admin.snapshot();
        return new Change(before, admin.switchTo(colour));
    }

    @AfterEach
    void close() {
        admin.close();
        loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    @Test
    void colourWithNothingUnderWay_drainsAtOnce() {
        DrainCoordinator drains = coordinator(Duration.ofSeconds(30));

        drains.onChange(switchTo(Colour.GREEN));

        DrainReport report = drains.latest(Colour.BLUE).completion().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
        assertThat(drains.liveColourChanges()).isOne();
        assertThat(closedAtDeadline).isEmpty();
    }

    @Test
    void drain_waitsForTheLastExchange() {
        DrainCoordinator drains = coordinator(Duration.ofSeconds(30));
        counters.exchangeStarted(Colour.BLUE);

        drains.onChange(switchTo(Colour.GREEN));
        Drain drain = drains.latest(Colour.BLUE);
        assertThat(drain.exchangesAtStart()).isOne();
        assertThat(drain.completion()).isNotDone();

        counters.exchangeEnded(Colour.BLUE);

        assertThat(drain.completion().orTimeout(5, TimeUnit.SECONDS).join().outcome())
                .isEqualTo(DrainReport.Outcome.DRAINED);
        assertThat(recorded).extracting(DrainReport::colour).containsExactly(Colour.BLUE);
    }

    @Test
    void idleConnectionsKeptWarm_doNotHoldTheDrainUp_butBusyOnesDo() {
        DrainCoordinator drains = coordinator(Duration.ofSeconds(30));
        counters.connectionOpened(Colour.BLUE);
        counters.connectionOpened(Colour.BLUE);
        counters.idleAdded(Colour.BLUE);

        drains.onChange(switchTo(Colour.GREEN));
        Drain drain = drains.latest(Colour.BLUE);
        assertThat(drain.connectionsAtStart()).as("busy ones only").isOne();
        assertThat(drain.completion()).isNotDone();

        counters.idleAdded(Colour.BLUE);

        assertThat(drain.completion().orTimeout(5, TimeUnit.SECONDS).join().outcome())
                .isEqualTo(DrainReport.Outcome.DRAINED);
        assertThat(drain.openConnections()).isZero();
        assertThat(counters.openConnections(Colour.BLUE)).as("still open, warm for a rollback").isEqualTo(2);
    }

    @Test
    void colourTheRouterStillSendsRequestsTo_hasNotDrained() {
        DrainCoordinator drains = coordinator(Duration.ofSeconds(30));
        stillRouted.add(Colour.BLUE);
        drains.onChange(switchTo(Colour.GREEN));
        Drain drain = drains.latest(Colour.BLUE);
        // A few of the coordinator's checks run meanwhile (every 10 ms): none may end the drain.
        CompletableFuture<Void> checked = new CompletableFuture<>();
        loop.schedule(() -> checked.complete(null), 50, TimeUnit.MILLISECONDS);
        checked.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(drain.completion()).isNotDone();

        stillRouted.remove(Colour.BLUE);

        assertThat(drain.completion().orTimeout(5, TimeUnit.SECONDS).join().outcome())
                .isEqualTo(DrainReport.Outcome.DRAINED);
    }

    @Test
    void deadline_closesWhatIsLeftOnEveryLoop() {
        DrainCoordinator drains = coordinator(Duration.ofMillis(200));
        counters.exchangeStarted(Colour.BLUE);

        drains.onChange(switchTo(Colour.GREEN));

        DrainReport report = drains.latest(Colour.BLUE).completion().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DEADLINE);
        assertThat(report.forcedClosed()).isOne();
        assertThat(closedAtDeadline).containsExactly(Colour.BLUE);
    }

    @Test
    void rollback_cancelsTheDrainOfTheColourThatIsLiveAgain() {
        DrainCoordinator drains = coordinator(Duration.ofSeconds(30));
        counters.exchangeStarted(Colour.BLUE);
        drains.onChange(switchTo(Colour.GREEN));
        Drain blue = drains.latest(Colour.BLUE);

        drains.onChange(switchTo(Colour.BLUE));

        assertThat(blue.completion().orTimeout(5, TimeUnit.SECONDS).join().outcome())
                .isEqualTo(DrainReport.Outcome.CANCELLED);
        assertThat(drains.latest(Colour.GREEN)).as("green drains now").isNotNull();
        counters.exchangeEnded(Colour.BLUE);
    }
}
