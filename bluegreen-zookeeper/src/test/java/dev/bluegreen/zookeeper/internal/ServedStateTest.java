package dev.bluegreen.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

class ServedStateTest {

    private static final Environment BLUE = Environment.of(Colour.BLUE, "v1", List.of(Backend.of("10.0.0.1", 80)));
    private static final Environment GREEN = Environment.of(Colour.GREEN, "v2", List.of(Backend.of("10.0.0.2", 80)));
    private static final RoutingSnapshot FIRST = RoutingSnapshot.initial(Colour.BLUE, BLUE, GREEN, Instant.EPOCH);
    private static final RoutingSnapshot SWITCHED = new RoutingSnapshot(1, Colour.GREEN, BLUE, GREEN, Colour.BLUE,
            ChangeKind.SWITCH, Instant.EPOCH, "switch", "ops");

    /** The store's thread, held: what it was asked to run waits here until the test runs it. */
    private final Queue<Runnable> storeThread = new ArrayDeque<>();
    private final List<Long> told = new CopyOnWriteArrayList<>();

    private ServedState openedAt(RoutingSnapshot snapshot) {
        ServedState state = new ServedState("/bluegreen/routing", StoredNode.written(stat(1), snapshot),
                storeThread::add, () -> { });
        state.subscribe(applied -> told.add(applied.generation()));
        return state;
    }

    @Test
    void theWritersOwnChange_isToldOnItsThread_evenWhenTheWatchReadItFirst() {
        ServedState state = openedAt(FIRST);
        // The watch's read of the write lands before the writer's own offer: applied, its telling queued.
        state.read(stat(2), SnapshotCodec.encode(SWITCHED));
        assertThat(state.current()).isEqualTo(SWITCHED);
        assertThat(told).isEmpty();

        state.offer(SWITCHED);

        assertThat(told).as("told before the writer's verb returns").containsExactly(1L);
        storeThread.forEach(Runnable::run);
        assertThat(told).as("each generation told once").containsExactly(1L);
    }

    @Test
    void aSnapshotReadFromZooKeeper_isToldOnTheStoresThread() {
        ServedState state = openedAt(FIRST);

        state.read(stat(2), SnapshotCodec.encode(SWITCHED));

        assertThat(told).isEmpty();
        storeThread.forEach(Runnable::run);
        assertThat(told).containsExactly(1L);
    }

    @Test
    void anOfferOlderThanTheServedSnapshot_isNeitherServedNorTold() {
        ServedState state = openedAt(SWITCHED);

        state.offer(FIRST);

        assertThat(state.current()).isEqualTo(SWITCHED);
        assertThat(told).isEmpty();
    }

    private static Stat stat(long mzxid) {
        Stat stat = new Stat();
        stat.setMzxid(mzxid);
        stat.setVersion((int) mzxid);
        return stat;
    }
}
