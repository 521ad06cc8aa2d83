package dev.bluegreen.proxy.internal.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A loop's draws of the share and its pause of backends that refused, with times given, not read. */
class MirrorLoopTest {

    private final MirrorLoop loop = new MirrorLoop(null, null, 2, new SplittableRandom(42)::nextDouble);

    @Test
    void theDraw_followsNoPattern_soEveryResourceOfAPeriodicPageIsMirrored() {
        // A page of five resources loaded 400 times in order, at 20 %: a counter picks the same one every time.
        int[] picked = new int[5];
        for (int i = 0; i < 2_000; i++) {
            if (loop.draw(20)) {
                picked[i % 5]++;
            }
        }

        // 80 each and 400 in all expected; the bounds are more than four standard deviations away.
        assertThat(IntStream.of(picked).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(45, 115));
        assertThat(IntStream.of(picked).sum()).isBetween(320, 480);
    }

    @Test
    void theDraw_isTheShareAsAProbability_andTheWholeShareTakesEveryRequest() {
        assertThat(new MirrorLoop(null, null, 2, () -> 0.099).draw(10)).isTrue();
        assertThat(new MirrorLoop(null, null, 2, () -> 0.1).draw(10)).isFalse();
        assertThat(new MirrorLoop(null, null, 2, () -> Math.nextDown(1.0)).draw(100)).isTrue();
    }

    @Test
    void aBackendThatRefused_isLeftOutForThePause_thenTriedAgain() {
        Backend a = Backend.of("127.0.0.1", 1);
        Backend b = Backend.of("127.0.0.1", 2);
        List<Backend> pool = List.of(a, b);
        assertThat(loop.recentlyDown(pool, 0)).isZero();

        loop.connectFailed(b, 1_000);

        assertThat(loop.recentlyDown(pool, 1_000)).isEqualTo(0b10);
        assertThat(loop.recentlyDown(pool, 1_000 + MirrorLoop.DOWN_PAUSE_NANOS - 1)).isEqualTo(0b10);
        assertThat(loop.recentlyDown(pool, 1_000 + MirrorLoop.DOWN_PAUSE_NANOS)).isZero();
    }

    @Test
    void theBound_admitsAtMostItsNumberOfCalls_andAnEndedCallFreesItsPlace() {
        // The loop only counts and keeps its calls here; what they are does not matter.
        assertThat(loop.admit(null)).isTrue();
        assertThat(loop.admit(null)).isTrue();
        assertThat(loop.admit(null)).isFalse();
        assertThat(loop.inFlight()).isEqualTo(2);

        loop.remove(null);

        assertThat(loop.inFlight()).isEqualTo(1);
        assertThat(loop.admit(null)).isTrue();
    }
}
