package dev.bluegreen.proxy.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTableTest {

    private final FakeTicker ticker = new FakeTicker();
    private final SessionTable.Pin blue = new SessionTable.Pin(
            Environment.of(Colour.BLUE, "v1", List.of(Backend.of("127.0.0.1", 1))), 0);
    private final SessionTable.Pin green = new SessionTable.Pin(
            Environment.of(Colour.GREEN, "v2", List.of(Backend.of("127.0.0.1", 2))), 0);

    @Test
    void pinIfAbsent_keepsTheFirstPin() {
        SessionTable table = new SessionTable(10, Duration.ofMinutes(1), ticker);

        assertThat(table.pinIfAbsent("s", blue)).isNull();
        assertThat(table.pinIfAbsent("s", green)).as("the first pin wins").isSameAs(blue);
        assertThat(table.pinned("s")).isSameAs(blue);
    }

    @Test
    void pinned_expiresAfterTheIdleTtl_andEachUseRestartsIt() {
        SessionTable table = new SessionTable(10, Duration.ofMinutes(1), ticker);
        table.pinIfAbsent("s", blue);

        ticker.advance(Duration.ofSeconds(50));
        assertThat(table.pinned("s")).as("used within the TTL").isSameAs(blue);
        ticker.advance(Duration.ofSeconds(50));
        assertThat(table.pinned("s")).as("100 s after the pin, 50 s after its last use").isSameAs(blue);
        ticker.advance(Duration.ofSeconds(61));

        assertThat(table.pinned("s")).as("idle for longer than the TTL").isNull();
    }

    @Test
    void size_isBoundedByMaximumSize() {
        SessionTable table = new SessionTable(100, Duration.ofMinutes(1), ticker);

        for (int i = 0; i < 1_000; i++) {
            table.pinIfAbsent("session-" + i, i % 2 == 0 ? blue : green);
        }
        table.cleanUp();

        assertThat(table.estimatedSize()).isLessThanOrEqualTo(100);
    }

    @Test
    void key_keepsShortNames_andDigestsLongOnes() {
        String shortName = "a".repeat(SessionTable.MAX_KEY_LENGTH);
        String longName = "b".repeat(4_000);

        assertThat(SessionTable.key(shortName)).isSameAs(shortName);
        assertThat(SessionTable.key(longName)).hasSize(43).isEqualTo(SessionTable.key("b".repeat(4_000)))
                .isNotEqualTo(SessionTable.key("b".repeat(3_999) + "c"));
    }

    @Test
    void key_ofALongName_isItsSha256InUnpaddedBase64url() {
        // Pinned: a change of encoding would orphan every long-named session a running proxy holds.
        assertThat(SessionTable.key("b".repeat(4_000))).isEqualTo("SIw8CqR8brPk8BVPbQ_3R86qV9Cm66rwDAoDzlytuws");
    }
}
