package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryRoutingStoreTest {

    private final RoutingSnapshot initial = RoutingSnapshot.initial(Colour.BLUE,
            Environment.of(Colour.BLUE, "v1", List.of(Fixtures.BLUE_1)),
            Environment.of(Colour.GREEN, "v2", List.of(Fixtures.GREEN_1)), T0);
    private final InMemoryRoutingStore store = InMemoryRoutingStore.create(initial);

    private RoutingSnapshot next(RoutingSnapshot from, long generation) {
        return new RoutingSnapshot(generation, from.idle(), from.blue(), from.green(), from.live(), ChangeKind.SWITCH,
                T0, "switch " + from.live() + " -> " + from.idle(), "test");
    }

    @Test
    void compareAndSet_fromTheCurrentGeneration_storesAndPublishes() {
        List<RoutingSnapshot> seen = new ArrayList<>();
        store.subscribe(seen::add);
        RoutingSnapshot next = next(initial, 1);

        assertThat(store.compareAndSet(initial, next)).isTrue();

        assertThat(store.current()).isSameAs(next);
        assertThat(seen).containsExactly(next);
    }

    @Test
    void compareAndSet_fromAStaleGeneration_returnsFalseAndChangesNothing() {
        RoutingSnapshot first = next(initial, 1);
        store.compareAndSet(initial, first);
        List<RoutingSnapshot> seen = new ArrayList<>();
        store.subscribe(seen::add);

        assertThat(store.compareAndSet(initial, next(initial, 1))).isFalse();

        assertThat(store.current()).isSameAs(first);
        assertThat(seen).isEmpty();
    }

    @Test
    void compareAndSet_fromAnEqualCopy_succeeds() {
        RoutingSnapshot copy = new RoutingSnapshot(initial.generation(), initial.live(), initial.blue(),
                initial.green(), null, initial.lastChange(), initial.changedAt(), initial.reason(), initial.actor());

        assertThat(store.compareAndSet(copy, next(copy, 1))).isTrue();
    }

    @Test
    void compareAndSet_wrongNextGeneration_isAnIllegalArgument() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.compareAndSet(initial, next(initial, 2)))
                .withMessage("next.generation: 2 (expected: expected.generation + 1 = 1)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.compareAndSet(initial, initial));
        assertThat(store.current()).isSameAs(initial);
    }

    @Test
    void compareAndSet_afterClose_isRejectedByTheStore() {
        store.close();

        ChangeRefusedException refused = catchThrowableOfType(ChangeRefusedException.class,
                () -> store.compareAndSet(initial, next(initial, 1)));

        assertThat(refused.refusal()).isEqualTo(Refusal.STORE_REJECTED);
        assertThat(store.current()).isSameAs(initial);
    }

    @Test
    void storeRejection_propagatesFromTheAdminVerb() {
        try (BlueGreen blueGreen = BlueGreen.builder()
                .blue("v1", Fixtures.BLUE_1).green("v2", Fixtures.GREEN_1)
                .store(initial -> new Fixtures.RejectingStore(InMemoryRoutingStore.create(initial)))
                .build()) {
            Fixtures.assertRefusedAndUnchanged(blueGreen, Refusal.STORE_REJECTED, "store unavailable",
                    () -> blueGreen.switchTo(Colour.GREEN));
        }
    }

    @Test
    void throwingSubscriber_doesNotStopTheOthers() {
        List<Long> seen = new ArrayList<>();
        store.subscribe(snapshot -> {
            throw new IllegalStateException("subscriber bug");
        });
        store.subscribe(snapshot -> seen.add(snapshot.generation()));

        store.compareAndSet(initial, next(initial, 1));

        assertThat(seen).containsExactly(1L);
    }
}
