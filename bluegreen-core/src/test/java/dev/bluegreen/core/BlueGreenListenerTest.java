package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Listeners, their isolation from each other, and the bounded history. */
class BlueGreenListenerTest {

    private final MutableClock clock = new MutableClock(T0);

    @Test
    void builderListener_hearsEveryChangeInOrder() {
        List<Change> heard = new ArrayList<>();
        try (BlueGreen blueGreen = bothPools(clock).listener(heard::add).build()) {
            RoutingSnapshot initial = blueGreen.snapshot();
            RoutingSnapshot switched = blueGreen.switchTo(Colour.GREEN);
            RoutingSnapshot rolledBack = blueGreen.rollback();

            assertThat(heard).extracting(Change::generation).containsExactly(1L, 2L);
            assertThat(heard.get(0).previous()).isSameAs(initial);
            assertThat(heard.get(0).current()).isSameAs(switched);
            assertThat(heard.get(1).previous()).isSameAs(switched);
            assertThat(heard.get(1).current()).isSameAs(rolledBack);
            assertThat(heard).extracting(Change::kind).containsExactly(ChangeKind.SWITCH, ChangeKind.ROLLBACK);
        }
    }

    @Test
    void throwingListener_doesNotStopTheChangeNorTheNextListener() {
        List<Long> heardAfter = new ArrayList<>();
        try (BlueGreen blueGreen = bothPools(clock)
                .listener(change -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(change -> {
                    throw new AssertionError("listener error");
                })
                .listener(change -> heardAfter.add(change.generation()))
                .build()) {

            RoutingSnapshot after = blueGreen.switchTo(Colour.GREEN);

            assertThat(after.live()).isEqualTo(Colour.GREEN);
            assertThat(blueGreen.snapshot()).isSameAs(after);
            assertThat(heardAfter).containsExactly(1L);
            assertThat(blueGreen.history()).hasSize(1);
        }
    }

    @Test
    void addListener_hearsLaterChangesUntilClosed() throws Exception {
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            blueGreen.switchTo(Colour.GREEN);
            List<Long> heard = new ArrayList<>();
            AutoCloseable registration = blueGreen.addListener(change -> heard.add(change.generation()));

            blueGreen.rollback();
            registration.close();
            blueGreen.switchTo(Colour.GREEN);
            registration.close();

            assertThat(heard).containsExactly(2L);
        }
    }

    @Test
    void addListener_sameListenerTwice_closingOneKeepsTheOther() throws Exception {
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            List<Long> heard = new ArrayList<>();
            ChangeListener listener = change -> heard.add(change.generation());
            AutoCloseable first = blueGreen.addListener(listener);
            blueGreen.addListener(listener);

            blueGreen.switchTo(Colour.GREEN);
            first.close();
            blueGreen.rollback();

            assertThat(heard).containsExactly(1L, 1L, 2L);
        }
    }

    @Test
    void listener_makingAChange_isToldOfItAfterTheCurrentOne() {
        List<String> heard = new ArrayList<>();
        BlueGreen[] self = new BlueGreen[1];
        try (BlueGreen blueGreen = bothPools(clock)
                .listener(change -> {
                    heard.add("enter " + change.generation());
                    if (change.kind() == ChangeKind.SWITCH) {
                        self[0].rollback();
                    }
                    heard.add("exit " + change.generation());
                })
                .build()) {
            self[0] = blueGreen;

            blueGreen.switchTo(Colour.GREEN);

            assertThat(heard).containsExactly("enter 1", "exit 1", "enter 2", "exit 2");
            assertThat(blueGreen.snapshot().live()).isEqualTo(Colour.BLUE);
        }
    }

    @Test
    void listenerWaitingForAnAsyncVerb_onAnAsyncChange_isNotQueuedBehindItself() throws Exception {
        CompletableFuture<RoutingSnapshot> rolledBack = new CompletableFuture<>();
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            blueGreen.addListener(change -> {
                if (change.kind() == ChangeKind.SWITCH) {
                    // Heard on the change thread: the rollback was queued there, behind this very listener.
                    rolledBack.complete(blueGreen.rollbackAsync().orTimeout(10, TimeUnit.SECONDS).join());
                }
            });

            RoutingSnapshot switched = blueGreen.switchToAsync(Colour.GREEN).get(15, TimeUnit.SECONDS);

            assertThat(switched.generation()).isEqualTo(1);
            assertThat(rolledBack.get(15, TimeUnit.SECONDS).live()).isEqualTo(Colour.BLUE);
            assertThat(blueGreen.history()).extracting(Change::kind)
                    .containsExactly(ChangeKind.SWITCH, ChangeKind.ROLLBACK);
        }
    }

    @Test
    void listenerWaitingForAGuardedAsyncVerb_onAnAsyncChange_isNotQueuedBehindItself() throws Exception {
        CompletableFuture<RoutingSnapshot> switched = new CompletableFuture<>();
        try (BlueGreen blueGreen = bothPools(clock).guard(new PassingGuard()).build()) {
            blueGreen.addListener(change -> {
                if (change.kind() == ChangeKind.DEPLOY) {
                    switched.complete(blueGreen.switchToAsync(Colour.GREEN).orTimeout(10, TimeUnit.SECONDS).join());
                }
            });

            blueGreen.applyAsync(ChangeRequest.deploy(Colour.GREEN, "v3", List.of(Fixtures.GREEN_2)))
                    .get(15, TimeUnit.SECONDS);

            assertThat(switched.get(15, TimeUnit.SECONDS).liveEnvironment().version()).isEqualTo("v3");
        }
    }

    /** A guard that passes at once. */
    private static final class PassingGuard implements SwitchGuard {
        @Override
        public String name() {
            return "passing";
        }

        @Override
        public CompletionStage<GuardVerdict> check(GuardContext context) {
            return CompletableFuture.completedFuture(GuardVerdict.pass());
        }
    }

    @Test
    void history_isEmptyAtStartAndOldestFirst() {
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            assertThat(blueGreen.history()).isEmpty();

            blueGreen.switchTo(Colour.GREEN);
            clock.advance(Duration.ofSeconds(10));
            blueGreen.rollback();

            assertThat(blueGreen.history()).extracting(Change::reason)
                    .containsExactly("switch BLUE -> GREEN", "rollback GREEN -> BLUE");
            assertThat(blueGreen.history()).extracting(Change::at).containsExactly(T0, T0.plusSeconds(10));
            assertThatThrownBy(() -> blueGreen.history().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void history_keepsOnlyTheLastChanges() {
        try (BlueGreen blueGreen = bothPools(clock).historySize(3).build()) {
            for (int i = 0; i < 5; i++) {
                blueGreen.promote();
            }

            assertThat(blueGreen.snapshot().generation()).isEqualTo(5);
            assertThat(blueGreen.history()).extracting(Change::generation).containsExactly(3L, 4L, 5L);
            assertThat(blueGreen.history().get(0).previous().generation()).isEqualTo(2);
        }
    }

    @Test
    void history_sizeOne_keepsTheLatest() {
        try (BlueGreen blueGreen = bothPools(clock).historySize(1).build()) {
            blueGreen.promote();
            blueGreen.promote();

            assertThat(blueGreen.history()).extracting(Change::generation).containsExactly(2L);
        }
    }

    @Test
    void close_stopsListeners() {
        List<Long> heard = new ArrayList<>();
        BlueGreen blueGreen = bothPools(clock).listener(change -> heard.add(change.generation())).build();
        blueGreen.switchTo(Colour.GREEN);

        blueGreen.close();
        blueGreen.close();

        assertThat(heard).containsExactly(1L);
        assertThat(blueGreen.snapshot().generation()).isEqualTo(1);
    }

    @Test
    void addListener_afterClose_isRefusedNamingTheState_ratherThanNeverCalled() throws Exception {
        BlueGreen blueGreen = bothPools(clock).build();
        AutoCloseable before = blueGreen.addListener(change -> { });
        blueGreen.close();

        assertThatThrownBy(() -> blueGreen.addListener(change -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("addListener refused: this BlueGreen is closed (expected: an open BlueGreen; the listener"
                        + " would never be called)");
        before.close();
        assertThatThrownBy(() -> blueGreen.addListener(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("listener");
    }
}
