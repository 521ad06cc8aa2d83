package dev.bluegreen.proxy.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The INFO line that says a backend came back: it names the slow start when there is one, and only then. */
class SlowStartLogTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Backend STEADY = new Backend("10.0.0.1", 8080, "steady", 1, 0);
    private static final Backend BACK = new Backend("10.0.0.2", 8080, "back", 1, 0);
    private static final OutlierEjection ONE_FAILURE = OutlierEjection.defaults().withConsecutiveFailures(1)
            .withEjectionTime(Duration.ofSeconds(10), Duration.ofSeconds(10)).withMaxEjectedShare(0.5);
    private static final String NOTE = "; its share of new requests grows over 90s (slow start)";

    private final Logger logger = (Logger) LoggerFactory.getLogger(HealthRegistry.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AtomicLong ticker = new AtomicLong(-SECOND);
    private final List<Runnable> scheduled = new ArrayList<>();

    SlowStartLogTest() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
    }

    private HealthRegistry registry(Duration slowStart) {
        HealthRegistry registry = new HealthRegistry(
                new HealthSettings(HealthCheckSettings.defaults().withThresholds(1, 1), ONE_FAILURE, 0, 0, 0,
                        slowStart),
                ticker::get, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                (task, delay) -> scheduled.add(task));
        registry.sync(RoutingSnapshot.initial(Colour.BLUE, Environment.of(Colour.BLUE, "v", List.of(STEADY, BACK)),
                Environment.empty(Colour.GREEN), Instant.EPOCH));
        return registry;
    }

    private static void check(HealthRegistry registry, boolean passed) {
        registry.recordCheck(registry.tracker(Colour.BLUE, BACK), passed, passed ? "status 200" : "status 503");
    }

    private List<String> infoLines() {
        return appender.list.stream().filter(event -> event.getLevel() == Level.INFO)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void healthyAgain_namesTheSlowStart() {
        HealthRegistry registry = registry(Duration.ofSeconds(90));
        check(registry, true);
        check(registry, false);
        check(registry, true);

        assertThat(infoLines()).containsExactly("health: blue/back is HEALTHY (status 200)",
                "health: blue/back is HEALTHY (status 200)" + NOTE);
    }

    @Test
    void healthyAgainWhileEjected_namesTheSlowStartAtTheEjectionsEnd() {
        HealthRegistry registry = registry(Duration.ofSeconds(90));
        check(registry, true);
        registry.requestFailed(registry.tracker(Colour.BLUE, BACK), "status 503");
        check(registry, false);
        check(registry, true);
        assertThat(infoLines()).as("still ejected: its ramp has not begun").last()
                .isEqualTo("health: blue/back is HEALTHY (status 200)");

        ticker.addAndGet(10 * SECOND);
        scheduled.forEach(Runnable::run);
        assertThat(infoLines()).last().isEqualTo("health: blue/back ejection ended" + NOTE);
    }

    @Test
    void anEjectionEndingWhileUnhealthy_isNoReturn() {
        HealthRegistry registry = registry(Duration.ofSeconds(90));
        registry.requestFailed(registry.tracker(Colour.BLUE, BACK), "status 503");
        check(registry, false);

        ticker.addAndGet(10 * SECOND);
        scheduled.forEach(Runnable::run);
        assertThat(infoLines()).containsExactly("health: blue/back ejection ended");
    }

    @Test
    void withoutSlowStart_theLinesSayNothingOfIt() {
        HealthRegistry registry = registry(Duration.ZERO);
        check(registry, false);
        check(registry, true);
        registry.requestFailed(registry.tracker(Colour.BLUE, BACK), "status 503");
        ticker.addAndGet(10 * SECOND);
        scheduled.forEach(Runnable::run);

        assertThat(infoLines()).containsExactly("health: blue/back is HEALTHY (status 200)",
                "health: blue/back ejection ended");
    }
}
