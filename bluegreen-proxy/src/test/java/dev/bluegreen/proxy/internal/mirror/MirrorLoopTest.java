package dev.bluegreen.proxy.internal.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A loop's draw of the share and its pause of backends that refused, with times given, not read. */
class MirrorLoopTest {

    private final MirrorLoop loop = new MirrorLoop(null, null, 2);

    @Test
    void theDraw_picksExactlyTheShare_spreadEvenly() {
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            picks.append(loop.draw(30) ? 'x' : '.');
        }

        assertThat(picks.toString()).isEqualTo("...x..x..x");
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
