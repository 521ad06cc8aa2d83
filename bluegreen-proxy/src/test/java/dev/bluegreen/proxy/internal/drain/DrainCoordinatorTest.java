package dev.bluegreen.proxy.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
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

        @Override
        public int closeReplaced(Colour colour, long generation) {
            return 0;
        }
    };

    /** Colours the router still sends requests to (sticky sessions on them, say). */
    private final Set<Colour> stillRouted = ConcurrentHashMap.newKeySet();

    private DrainCoordinator coordinator(Duration timeout) {
        return coordinator(timeout, List.of(participant), stillRouted::contains);
    }

    private DrainCoordinator coordinator(Duration timeout, List<DrainParticipant> loops,
                                         Predicate<Colour> routedTo) {
        return new DrainCoordinator(timeout, counters, loops, loop, () -> new ProxyRecorder() {
            @Override
            public void drainEnded(DrainReport report) {
                recorded.add(report);
            }
        }, routedTo);
    }

    /** A loop of its own, whose exchanges are counted by the test. */
    private static DrainParticipant participantOn(EventLoop worker) {
        return participantOn(worker, 0);
    }

    /** As {@link #participantOn(EventLoop)}, saying at a deadline that it closed {@code closedAtDeadline}. */
    private static DrainParticipant participantOn(EventLoop worker, int closedAtDeadline) {
        return new DrainParticipant() {
            @Override
            public EventLoop eventLoop() {
                return worker;
            }

            @Override
            public int closeColour(Colour colour) {
                return closedAtDeadline;
            }

            @Override
            public int closeReplaced(Colour colour, long generation) {
                return 0;
            }
        };
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
        // The report is recorded once the drain's future has completed, right after: wait for it.
        await().atMost(Duration.ofSeconds(5)).until(() -> !recorded.isEmpty());
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

        Drain drain = drains.latest(Colour.BLUE);
        assertThat(drain.forcedClosed()).as("before the deadline").isZero();
        DrainReport report = drain.completion().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DEADLINE);
        assertThat(report.forcedClosed()).isOne();
        assertThat(drain.forcedClosed()).isOne();
        assertThat(closedAtDeadline).containsExactly(Colour.BLUE);
    }

    @Test
    void aDrainThatOutlivesItsDeadline_tellsWhatTheDeadlineClosed_beforeItsReport() {
        // A loop whose closed exchange takes its time to let go (a tunnel flushing, say): the colour is not empty yet.
        DrainParticipant slowToLetGo = participantOn(loop, 1);
        DrainCoordinator drains = coordinator(Duration.ofMillis(100), List.of(slowToLetGo), stillRouted::contains);
        counters.exchangeStarted(Colour.BLUE);

        drains.onChange(switchTo(Colour.GREEN));
        Drain drain = drains.latest(Colour.BLUE);

        await().atMost(Duration.ofSeconds(5)).until(() -> drain.forcedClosed() == 1);
        assertThat(drain.isDone()).isFalse();
        counters.exchangeEnded(Colour.BLUE);
        assertThat(drain.completion().orTimeout(5, TimeUnit.SECONDS).join().forcedClosed()).isOne();
    }

    @Test
    void drain_endsOnlyOnceEveryLoopHasRunATaskQueuedAfterItFoundTheColourEmpty() throws Exception {
        EventLoop worker = new DefaultEventLoop();
        try {
            DrainCoordinator drains = coordinator(Duration.ofSeconds(30), List.of(participantOn(worker)),
                    colour -> false);
            // A request on the worker read the snapshot before the switch: its exchange on blue is counted later in
            // the same task, which the switch catches in between.
            CountDownLatch routed = new CountDownLatch(1);
            CountDownLatch switched = new CountDownLatch(1);
            worker.execute(() -> {
                routed.countDown();
                awaitQuietly(switched);
                counters.exchangeStarted(Colour.BLUE);
            });
            routed.await(5, TimeUnit.SECONDS);

            drains.onChange(switchTo(Colour.GREEN));
            DrainTracker drain = drains.latest(Colour.BLUE);
            await().atMost(Duration.ofSeconds(5)).until(() -> drain.isSealed() || drain.isDone());

            assertThat(drain.isDone()).as("the counters say blue is empty, but a loop may yet count on it").isFalse();
            assertThat(drain.closedToNewWork()).as("sealed: nothing new goes to blue meanwhile").isTrue();
            switched.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> !drain.isSealed());
            assertThat(drain.isDone()).as("the exchange counted in time keeps the drain open").isFalse();
            assertThat(drain.closedToNewWork()).isFalse();

            counters.exchangeEnded(Colour.BLUE);
            assertThat(drain.completion().orTimeout(5, TimeUnit.SECONDS).join().outcome())
                    .isEqualTo(DrainReport.Outcome.DRAINED);
            assertThat(drain.closedToNewWork()).isTrue();
        } finally {
            worker.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void drain_waitsWhileTheSafetyNetMaySendItRequests_unlessItsDeadlinePassed() {
        AtomicBoolean reaches = new AtomicBoolean(true);
        AtomicInteger asked = new AtomicInteger();
        DrainCoordinator drains = coordinator(Duration.ofSeconds(30), List.of(participant), colour -> {
            asked.incrementAndGet();
            return reaches.get();
        });
        drains.onChange(switchTo(Colour.GREEN));
        DrainTracker drain = drains.latest(Colour.BLUE);
        // Three checks found blue empty, and asked.
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() >= 3);
        assertThat(drain.isDone()).isFalse();
        assertThat(drain.closedToNewWork()).isFalse();

        reaches.set(false);

        assertThat(drain.completion().orTimeout(5, TimeUnit.SECONDS).join().outcome())
                .isEqualTo(DrainReport.Outcome.DRAINED);

        DrainCoordinator past = coordinator(Duration.ofMillis(100), List.of(participant), colour -> true);
        past.onChange(switchTo(Colour.BLUE));
        assertThat(past.latest(Colour.GREEN).completion().orTimeout(5, TimeUnit.SECONDS).join().outcome())
                .as("the deadline ends it whatever the safety net").isEqualTo(DrainReport.Outcome.DEADLINE);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
