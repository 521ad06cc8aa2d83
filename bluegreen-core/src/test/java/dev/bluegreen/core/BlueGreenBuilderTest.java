package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.BLUE_1;
import static dev.bluegreen.core.Fixtures.GREEN_1;
import static dev.bluegreen.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlueGreenBuilderTest {

    @Test
    void build_defaults_areEmptyPoolsWithBlueLive() {
        try (BlueGreen blueGreen = BlueGreen.builder().build()) {
            RoutingSnapshot snapshot = blueGreen.snapshot();

            assertThat(snapshot.generation()).isZero();
            assertThat(snapshot.live()).isEqualTo(Colour.BLUE);
            assertThat(snapshot.blue()).isEqualTo(Environment.empty(Colour.BLUE));
            assertThat(snapshot.green()).isEqualTo(Environment.empty(Colour.GREEN));
            assertThat(snapshot.lastChange()).isEqualTo(ChangeKind.INITIAL);
            assertThat(snapshot.reason()).isEqualTo("initial");
            assertThat(snapshot.actor()).isEqualTo("system");
        }
    }

    @Test
    void build_givenPoolsLiveColourAndClock_makeTheInitialSnapshot() {
        try (BlueGreen blueGreen = BlueGreen.builder()
                .blue("v1", List.of(BLUE_1))
                .green("v2", GREEN_1)
                .live(Colour.GREEN)
                .clock(new MutableClock(T0))
                .build()) {
            RoutingSnapshot snapshot = blueGreen.snapshot();

            assertThat(snapshot.live()).isEqualTo(Colour.GREEN);
            assertThat(snapshot.blue()).isEqualTo(Environment.of(Colour.BLUE, "v1", List.of(BLUE_1)));
            assertThat(snapshot.green()).isEqualTo(Environment.of(Colour.GREEN, "v2", List.of(GREEN_1)));
            assertThat(snapshot.changedAt()).isEqualTo(T0);
        }
    }

    @Test
    void build_givesTheInitialSnapshotToTheStoreFactory() {
        AtomicReference<RoutingSnapshot> offered = new AtomicReference<>();
        try (BlueGreen blueGreen = BlueGreen.builder()
                .blue("v1", BLUE_1)
                .store(initial -> {
                    offered.set(initial);
                    return InMemoryRoutingStore.create(initial);
                })
                .build()) {
            assertThat(blueGreen.snapshot()).isSameAs(offered.get());
        }
    }

    @Test
    void build_keepsAStateTheStoreAlreadyHolds() {
        RoutingSnapshot existing = RoutingSnapshot.initial(Colour.GREEN, Environment.empty(Colour.BLUE),
                Environment.of(Colour.GREEN, "v9", List.of(GREEN_1)), T0);
        InMemoryRoutingStore store = InMemoryRoutingStore.create(existing);

        try (BlueGreen blueGreen = BlueGreen.builder().blue("v1", BLUE_1).store(initial -> store).build()) {
            assertThat(blueGreen.snapshot()).isSameAs(existing);
        }
    }

    @Test
    void build_emptyLivePool_isAllowed() {
        try (BlueGreen blueGreen = BlueGreen.builder().green("v2", GREEN_1).build()) {
            assertThat(blueGreen.snapshot().liveEnvironment().isEmpty()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 100_001})
    void historySize_outOfRange_isRefused(int size) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BlueGreen.builder().historySize(size))
                .withMessage("historySize: " + size + " (expected: 1-100000)");
    }

    @Test
    void options_setTwice_areIllegalState() {
        assertThatIllegalStateException().isThrownBy(() -> BlueGreen.builder().live(Colour.BLUE).live(Colour.GREEN))
                .withMessage("live was already set to BLUE");
        assertThatIllegalStateException().isThrownBy(() -> BlueGreen.builder().blue("v1").blue("v2"))
                .withMessageStartingWith("blue was already set");
        assertThatIllegalStateException().isThrownBy(() -> BlueGreen.builder().historySize(5).historySize(6))
                .withMessage("historySize was already set to 5");
    }

    @Test
    void options_null_nameTheParameter() {
        BlueGreen.Builder builder = BlueGreen.builder();

        assertThatNullPointerException().isThrownBy(() -> builder.live(null)).withMessage("colour");
        assertThatNullPointerException().isThrownBy(() -> builder.clock(null)).withMessage("clock");
        assertThatNullPointerException().isThrownBy(() -> builder.store(null)).withMessage("factory");
        assertThatNullPointerException().isThrownBy(() -> builder.listener(null)).withMessage("listener");
        assertThatNullPointerException().isThrownBy(() -> builder.blue("v1", (Backend[]) null))
                .withMessage("backends");
    }

    @Test
    void pools_badBackends_failWhenSet() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BlueGreen.builder().green("v2", GREEN_1, GREEN_1))
                .withMessageContaining("appears more than once in the GREEN pool");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BlueGreen.builder().blue(" ", BLUE_1))
                .withMessageStartingWith("version: ' '");
    }

    @Test
    void storeFactoryReturningNull_isReported() {
        assertThatNullPointerException()
                .isThrownBy(() -> BlueGreen.builder().store(initial -> null).build())
                .withMessage("the store factory returned null");
    }
}
