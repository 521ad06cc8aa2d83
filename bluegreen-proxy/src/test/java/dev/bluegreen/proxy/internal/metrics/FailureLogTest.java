package dev.bluegreen.proxy.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bluegreen.proxy.internal.routing.FakeTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The failure log's periods on a fake clock: one WARN line per kind and period, the rest summed up. */
class FailureLogTest {

    private static final Duration PERIOD = Duration.ofSeconds(10);

    private final FakeTicker ticker = new FakeTicker();
    private final FailureLog failures = new FailureLog(PERIOD, ticker::read);
    private final Logger logger = (Logger) LoggerFactory.getLogger(FailureLog.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void listen() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(appender);
    }

    private List<String> warnings() {
        return appender.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void controlCharactersOfABackendOrClient_areEscaped() {
        // A backend's status line as the codec quotes it, with a terminal escape; a line break of a forged line.
        String status = "status code: '2\u001b[2J0' (expected: three digits, 100-999)";
        failures.warn(FailureLog.Kind.BAD_RESPONSE, "502: bad response from {}: {}", "b1", status);
        failures.warn(FailureLog.Kind.BAD_RESPONSE, "502: bad response from {}: {}", "b1\r\nINFO forged", 7);

        assertThat(warnings()).containsExactly(
                "502: bad response from b1: status code: '2\\u001b[2J0' (expected: three digits, 100-999)");
        assertThat(appender.list).filteredOn(event -> event.getLevel() == Level.DEBUG)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("502: bad response from b1\\u000d\\u000aINFO forged: 7");
    }

    @Test
    void aThrowableArgument_keepsItsTrace() {
        IllegalStateException cause = new IllegalStateException("boom");
        failures.warn(FailureLog.Kind.BAD_RESPONSE, "502 from {}", "b1", cause);
        assertThat(appender.list).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).isEqualTo("502 from b1");
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("boom");
        });
    }

    @Test
    void aStormOfOneKind_isOneWarnWithItsDetail_thenOneSummaryPerPeriod() {
        for (int i = 0; i < 1000; i++) {
            failures.warn(FailureLog.Kind.NO_CONNECTION, "502: no backend accepted {}", "GET /" + i);
        }
        failures.flush();
        assertThat(warnings()).containsExactly("502: no backend accepted GET /0");
        assertThat(appender.list).filteredOn(event -> event.getLevel() == Level.DEBUG).hasSize(999)
                .last().extracting(ILoggingEvent::getFormattedMessage).isEqualTo("502: no backend accepted GET /999");

        ticker.advance(PERIOD);
        failures.flush();
        failures.flush();

        assertThat(warnings()).hasSize(2).last().asString()
                .isEqualTo("999 more 502s: no backend of the pool accepted a connection in the last 10 s "
                        + "(each logged at DEBUG)");
    }

    @Test
    void aFailureAfterAQuietPeriod_isLoggedAtOnce_andKindsAreLimitedApart() {
        failures.warn(FailureLog.Kind.SILENT_BACKEND, "504 {}", 1);
        failures.warn(FailureLog.Kind.EMPTY_POOL, "503 {}", 1);
        failures.warn(FailureLog.Kind.SILENT_BACKEND, "504 {}", 2);
        ticker.advance(PERIOD.minusMillis(1));
        failures.flush();
        assertThat(warnings()).containsExactly("504 1", "503 1");

        ticker.advance(Duration.ofMillis(1));
        failures.warn(FailureLog.Kind.SILENT_BACKEND, "504 {}", 3);

        assertThat(warnings()).containsExactly("504 1", "503 1",
                "1 more 504s: the backend was silent past the response timeout in the last 10 s (each logged at DEBUG)",
                "504 3");
    }
}
