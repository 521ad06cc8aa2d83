package dev.bluegreen.proxy.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The registry keeps one tracker per server (id and address): a redeploy that changes only a backend's weight or limit
 * keeps its health and ejection, and adds or removes no tracker (so its checks' schedule goes on); a new address is
 * another server.
 */
class HealthRegistryRedeployTest {

    private static final OutlierEjection TWO_IN_A_ROW = OutlierEjection.defaults().withConsecutiveFailures(2)
            .withEjectionTime(Duration.ofSeconds(10), Duration.ofSeconds(25)).withMaxEjectedShare(0.5);

    private final AtomicLong ticker = new AtomicLong(1_000_000_000_000L);
    private final HealthRegistry registry = new HealthRegistry(
            new HealthSettings(null, TWO_IN_A_ROW, 0, 0, 0, Duration.ZERO), ticker::get,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), (task, delay) -> { });
    private final Backend first = Backend.of("10.0.0.1", 8080);
    private final Backend second = Backend.of("10.0.0.2", 8080);

    private HealthRegistry.Delta bluePoolIs(Backend... backends) {
        return registry.sync(RoutingSnapshot.initial(Colour.BLUE, Environment.of(Colour.BLUE, "v", List.of(backends)),
                Environment.empty(Colour.GREEN), Instant.EPOCH));
    }

    @Test
    void aNewWeightOrLimit_keepsTheServersTrackerAndItsEjection() {
        bluePoolIs(first, second);
        BackendHealthTracker tracker = registry.tracker(Colour.BLUE, first);
        registry.requestFailed(tracker, "status 503");
        registry.requestFailed(tracker, "status 503");
        assertThat(registry.health(Colour.BLUE, first).ejected()).isTrue();

        Backend heavier = new Backend(first.host(), first.port(), first.id(), 4, 10);
        HealthRegistry.Delta delta = bluePoolIs(heavier, second);

        assertThat(delta.added()).isEmpty();
        assertThat(delta.removed()).isEmpty();
        assertThat(registry.tracker(Colour.BLUE, heavier)).isSameAs(tracker);
        assertThat(tracker.backend()).as("it follows the new record").isEqualTo(heavier);
        assertThat(registry.health(Colour.BLUE, heavier).ejected()).isTrue();
        assertThat(registry.health(Colour.BLUE, heavier).backend()).isEqualTo(heavier);
        assertThat(registry.usable(Colour.BLUE, first)).as("a request routed before the deploy").isFalse();
        assertThat(registry.unusableMask(Colour.BLUE, List.of(heavier, second))).isEqualTo(0b01);
        assertThat(registry.unusableMask(Colour.BLUE, List.of(first, second))).isEqualTo(0b01);
    }

    @Test
    void aNewAddressUnderTheSameId_isAnotherServer() {
        bluePoolIs(first, second);
        BackendHealthTracker tracker = registry.tracker(Colour.BLUE, first);
        Backend moved = new Backend("10.0.0.9", first.port(), first.id(), 1);

        HealthRegistry.Delta delta = bluePoolIs(moved, second);

        assertThat(delta.removed()).containsExactly(tracker);
        assertThat(delta.added()).singleElement().satisfies(added -> assertThat(added.backend()).isEqualTo(moved));
        assertThat(registry.tracker(Colour.BLUE, first)).isNull();
    }
}
