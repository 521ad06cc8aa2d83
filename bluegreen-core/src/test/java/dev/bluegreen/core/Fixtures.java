package dev.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared test data, a store that refuses every write, and the "refused and changed nothing" assertion. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    static final Backend BLUE_1 = Backend.of("10.0.0.1", 8080);
    static final Backend BLUE_2 = Backend.of("10.0.0.2", 8080);
    static final Backend GREEN_1 = Backend.of("10.0.1.1", 8080);
    static final Backend GREEN_2 = Backend.of("10.0.1.2", 8080);

    private Fixtures() {
    }

    /** Blue v1 live with two backends, green v2 idle with one, stamped by {@code clock}. */
    static BlueGreen.Builder bothPools(MutableClock clock) {
        return BlueGreen.builder()
                .blue("v1", BLUE_1, BLUE_2)
                .green("v2", GREEN_1)
                .clock(clock);
    }

    /**
     * Runs {@code call}, expects a refusal of the given kind whose message contains {@code messagePart}, and
     * checks that neither the snapshot nor the history changed, and that exactly one refusal was recorded for it,
     * against the state before the call.
     */
    static ChangeRefusedException assertRefusedAndUnchanged(BlueGreen blueGreen, Refusal refusal, String messagePart,
                                                            ThrowingCallable call) {
        RoutingSnapshot before = blueGreen.snapshot();
        List<Change> historyBefore = blueGreen.history();
        List<RefusedChange> refusalsBefore = blueGreen.refusals();
        ChangeRefusedException refused = catchThrowableOfType(ChangeRefusedException.class, call);
        assertThat(refused).as("expected a refusal").isNotNull();
        assertThat(refused.refusal()).isEqualTo(refusal);
        assertThat(refused).hasMessageContaining(messagePart);
        assertThat(blueGreen.snapshot()).isSameAs(before);
        assertThat(blueGreen.history()).isSameAs(historyBefore);
        List<RefusedChange> refusals = blueGreen.refusals();
        assertThat(refusals).hasSize(refusalsBefore.size() + 1);
        RefusedChange recorded = refusals.get(refusals.size() - 1);
        assertThat(recorded.refusal()).isEqualTo(refusal);
        assertThat(recorded.message()).isEqualTo(refused.getMessage());
        assertThat(recorded.generation()).isEqualTo(before.generation());
        assertThat(recorded.live()).isEqualTo(before.live());
        return refused;
    }

    /** A store that is always unavailable for writes: every compare-and-set is refused with "store unavailable". */
    static final class RejectingStore implements RoutingStore {
        private final RoutingStore delegate;

        RejectingStore(RoutingStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public RoutingSnapshot current() {
            return delegate.current();
        }

        @Override
        public boolean compareAndSet(RoutingSnapshot expected, RoutingSnapshot next) {
            throw new ChangeRefusedException(Refusal.STORE_REJECTED, "store unavailable");
        }

        @Override
        public void subscribe(Consumer<RoutingSnapshot> subscriber) {
            delegate.subscribe(subscriber);
        }
    }
}
