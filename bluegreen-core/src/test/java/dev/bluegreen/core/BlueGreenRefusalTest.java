package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.BLUE_1;
import static dev.bluegreen.core.Fixtures.BLUE_2;
import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Refused attempts as audit events: recorded once, told to listeners once, bounded, and never a side effect. */
class BlueGreenRefusalTest {

    private static final Instant REFUSED_AT = T0.plusSeconds(42);

    private final MutableClock clock = new MutableClock(T0);

    /** A way to be refused: how to build the admin object, what to do first, and the attempt that is refused. */
    private record Scenario(BlueGreen.Builder builder, Consumer<BlueGreen> setUp, String attempt,
                            Function<BlueGreen.Attributed, RoutingSnapshot> call) {
    }

    private Scenario scenario(Refusal refusal) {
        // A switch expression without default: a new Refusal fails to compile here until it has a scenario.
        return switch (refusal) {
            case STALE_GENERATION -> new Scenario(bothPools(clock), admin -> admin.switchTo(Colour.GREEN),
                    "switch to BLUE", verbs -> verbs.switchTo(Colour.BLUE, 0));
            case ALREADY_LIVE -> new Scenario(bothPools(clock), admin -> { }, "switch to BLUE",
                    verbs -> verbs.switchTo(Colour.BLUE));
            case NO_CHANGE -> new Scenario(bothPools(clock), admin -> admin.shift(Colour.GREEN, 10),
                    "shift 10% to GREEN", verbs -> verbs.shift(Colour.GREEN, 10));
            case EMPTY_POOL -> new Scenario(BlueGreen.builder().blue("v1", BLUE_1).clock(clock), admin -> { },
                    "promote", BlueGreen.Attributed::promote);
            case NO_ROLLBACK_TARGET -> new Scenario(bothPools(clock), admin -> { }, "rollback",
                    BlueGreen.Attributed::rollback);
            case LIVE_POOL_NOT_FORCED -> new Scenario(bothPools(clock), admin -> { }, "deploy to BLUE",
                    verbs -> verbs.deploy(Colour.BLUE, "v1.1", List.of(BLUE_2)));
            case STORE_REJECTED -> new Scenario(bothPools(clock)
                    .store(initial -> new Fixtures.RejectingStore(InMemoryRoutingStore.create(initial))),
                    admin -> { }, "switch to GREEN", verbs -> verbs.switchTo(Colour.GREEN));
            case GUARD_FAILED -> new Scenario(bothPools(clock).guard(new SwitchGuard() {
                @Override
                public String name() {
                    return "never";
                }

                @Override
                public java.util.concurrent.CompletionStage<GuardVerdict> check(GuardContext context) {
                    return java.util.concurrent.CompletableFuture.completedFuture(GuardVerdict.fail("not ready"));
                }
            }), admin -> { }, "promote", BlueGreen.Attributed::promote);
        };
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void everyRefusal_isRecordedOnceAndHeardOnceByEachListener(Refusal refusal) {
        Scenario scenario = scenario(refusal);
        Recorder recorder = new Recorder();
        try (BlueGreen blueGreen = scenario.builder().listener(recorder).build()) {
            scenario.setUp().accept(blueGreen);
            List<Change> changesBefore = List.copyOf(recorder.changes);
            RoutingSnapshot before = blueGreen.snapshot();
            clock.advance(Duration.ofSeconds(42));

            ChangeRefusedException thrown = catchThrowableOfType(ChangeRefusedException.class,
                    () -> scenario.call().apply(blueGreen.as("alice", "release 2.3")));

            assertThat(thrown).as("expected a refusal").isNotNull();
            assertThat(thrown.refusal()).isEqualTo(refusal);
            RefusedChange expected = new RefusedChange(REFUSED_AT, "alice", "release 2.3", scenario.attempt(),
                    refusal, thrown.getMessage(), before.generation(), before.live());
            assertThat(blueGreen.refusals()).containsExactly(expected);
            assertThat(recorder.refusals).containsExactly(expected);
            assertThat(recorder.changes).isEqualTo(changesBefore);
            assertThat(blueGreen.snapshot()).isSameAs(before);
        }
    }

    @Test
    void plainVerbRefusal_recordsTheAppActorAndTheAttemptAsReason() {
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            assertThatThrownBy(() -> blueGreen.switchTo(Colour.BLUE)).isInstanceOf(ChangeRefusedException.class);

            RefusedChange refused = blueGreen.refusals().get(0);
            assertThat(refused.actor()).isEqualTo("app");
            assertThat(refused.reason()).isEqualTo("switch to BLUE");
            assertThat(refused.attempt()).isEqualTo("switch to BLUE");
            assertThat(refused.message()).isEqualTo("switch to BLUE refused: BLUE is already live");
            assertThat(refused.at()).isEqualTo(T0);
        }
    }

    @Test
    void attributedRefusalWithoutReason_recordsTheAttemptAsReason() {
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            assertThatThrownBy(() -> blueGreen.as("deploy-bot", null).rollback())
                    .isInstanceOf(ChangeRefusedException.class);

            assertThat(blueGreen.refusals()).extracting(RefusedChange::actor, RefusedChange::reason)
                    .containsExactly(tuple("deploy-bot", "rollback"));
        }
    }

    @Test
    void throwingOnRefusedListener_doesNotStopTheRefusalNorTheOtherListeners() {
        Recorder after = new Recorder();
        try (BlueGreen blueGreen = bothPools(clock)
                .listener(new ChangeListener() {
                    @Override
                    public void onChange(Change change) {
                    }

                    @Override
                    public void onRefused(RefusedChange refused) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .listener(new ChangeListener() {
                    @Override
                    public void onChange(Change change) {
                    }

                    @Override
                    public void onRefused(RefusedChange refused) {
                        throw new AssertionError("listener error");
                    }
                })
                .listener(after)
                .build()) {

            ChangeRefusedException thrown = catchThrowableOfType(ChangeRefusedException.class,
                    () -> blueGreen.as("alice", "release 2.3").switchTo(Colour.BLUE));

            assertThat(thrown).isNotNull();
            assertThat(thrown.refusal()).isEqualTo(Refusal.ALREADY_LIVE);
            assertThat(thrown).hasMessage("switch to BLUE refused: BLUE is already live");
            assertThat(after.refusals).hasSize(1);
            assertThat(blueGreen.refusals()).hasSize(1);
            // The admin object still works, and listeners still hear applied changes.
            blueGreen.switchTo(Colour.GREEN);
            assertThat(after.changes).hasSize(1);
        }
    }

    @Test
    void lambdaListener_ignoresRefusals() {
        List<Change> heard = new ArrayList<>();
        try (BlueGreen blueGreen = bothPools(clock).listener(heard::add).build()) {
            assertThatThrownBy(blueGreen::rollback).isInstanceOf(ChangeRefusedException.class);

            assertThat(heard).isEmpty();
            assertThat(blueGreen.refusals()).hasSize(1);
        }
    }

    @Test
    void addedListener_hearsRefusalsUntilClosed() throws Exception {
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            Recorder recorder = new Recorder();
            AutoCloseable registration = blueGreen.addListener(recorder);

            assertThatThrownBy(blueGreen::rollback).isInstanceOf(ChangeRefusedException.class);
            registration.close();
            assertThatThrownBy(blueGreen::rollback).isInstanceOf(ChangeRefusedException.class);

            assertThat(recorder.refusals).hasSize(1);
            assertThat(blueGreen.refusals()).hasSize(2);
        }
    }

    @Test
    void refusals_keepOnlyTheLastHistorySizeOnes() {
        try (BlueGreen blueGreen = bothPools(clock).historySize(3).build()) {
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofSeconds(1));
                assertThatThrownBy(blueGreen::rollback).isInstanceOf(ChangeRefusedException.class);
            }

            assertThat(blueGreen.refusals()).extracting(RefusedChange::at)
                    .containsExactly(T0.plusSeconds(3), T0.plusSeconds(4), T0.plusSeconds(5));
        }
    }

    @Test
    void refusals_isEmptyAtStartImmutableAndOldestFirst() {
        try (BlueGreen blueGreen = bothPools(clock).build()) {
            assertThat(blueGreen.refusals()).isEmpty();

            assertThatThrownBy(blueGreen::rollback).isInstanceOf(ChangeRefusedException.class);
            List<RefusedChange> first = blueGreen.refusals();
            assertThatThrownBy(() -> blueGreen.switchTo(Colour.BLUE)).isInstanceOf(ChangeRefusedException.class);

            assertThat(first).hasSize(1);
            assertThat(blueGreen.refusals()).extracting(RefusedChange::refusal)
                    .containsExactly(Refusal.NO_ROLLBACK_TARGET, Refusal.ALREADY_LIVE);
            assertThatThrownBy(() -> blueGreen.refusals().clear())
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void badInputAndClosedObject_areNotRefusals() {
        Recorder recorder = new Recorder();
        BlueGreen blueGreen = bothPools(clock).listener(recorder).build();

        assertThatIllegalArgumentException().isThrownBy(() -> blueGreen.switchTo(Colour.GREEN, -2));
        assertThatIllegalArgumentException().isThrownBy(() -> blueGreen.as("alice", null).promote(-5));
        blueGreen.close();
        assertThatIllegalStateException().isThrownBy(() -> blueGreen.as("alice", "release 2.3").promote());

        assertThat(blueGreen.refusals()).isEmpty();
        assertThat(recorder.refusals).isEmpty();
    }

    @Test
    void refusedChange_validatesItsComponents() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RefusedChange(T0, "alice", "release", "rollback", Refusal.NO_ROLLBACK_TARGET,
                        "rollback refused", -1, Colour.BLUE))
                .withMessage("generation: -1 (expected: >= 0)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RefusedChange(T0, "al\0ice", "release", "rollback",
                        Refusal.NO_ROLLBACK_TARGET, "rollback refused", 0, Colour.BLUE))
                .withMessageStartingWith("actor: 'al\\u0000ice'");
    }

    @Test
    void refusedChange_namesTheKindItsAttemptWordsSay() {
        assertThat(Stream.of("switch to GREEN", "promote", "rollback", "shift 20% to GREEN", "deploy to BLUE",
                "restart everything").map(attempt -> new RefusedChange(T0, "alice", "release", attempt,
                Refusal.STORE_REJECTED, "refused", 0, Colour.BLUE).kind().orElse(null)))
                .containsExactly(ChangeKind.SWITCH, ChangeKind.PROMOTE, ChangeKind.ROLLBACK, ChangeKind.SHIFT,
                        ChangeKind.DEPLOY, null);
    }

    @Test
    void storeRejectionWithoutMessage_isRecordedWithAMessage() {
        try (BlueGreen blueGreen = bothPools(clock).store(initial -> new SilentlyRejectingStore(initial)).build()) {
            assertThatThrownBy(blueGreen::promote).isInstanceOf(ChangeRefusedException.class);

            assertThat(blueGreen.refusals()).extracting(RefusedChange::message)
                    .containsExactly("promote refused: STORE_REJECTED");
        }
    }

    /** Keeps what it hears; used from one thread in these tests. */
    private static final class Recorder implements ChangeListener {
        final List<Change> changes = new ArrayList<>();
        final List<RefusedChange> refusals = new ArrayList<>();

        @Override
        public void onChange(Change change) {
            changes.add(change);
        }

        @Override
        public void onRefused(RefusedChange refused) {
            refusals.add(refused);
        }
    }

    /** A store that refuses every write with a null message, as a careless implementation might. */
    private static final class SilentlyRejectingStore implements RoutingStore {
        private final RoutingSnapshot current;

        SilentlyRejectingStore(RoutingSnapshot current) {
            this.current = current;
        }

        @Override
        public RoutingSnapshot current() {
            return current;
        }

        @Override
        public boolean compareAndSet(RoutingSnapshot expected, RoutingSnapshot next) {
            throw new ChangeRefusedException(Refusal.STORE_REJECTED, null);
        }

        @Override
        public void subscribe(Consumer<RoutingSnapshot> subscriber) {
        }
    }
}
