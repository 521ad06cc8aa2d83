package dev.bluegreen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class CapturedLogTest {

    private static final Logger log = LoggerFactory.getLogger(CapturedLogTest.class);

    @Test
    void messages_areTheFormattedLinesLoggedWhileOpen_andNoneAfterClose() {
        List<String> whileOpen;
        CapturedLog captured = CapturedLog.of(CapturedLogTest.class);
        try (captured) {
            log.warn("first {}", 1);
            log.error("second {}", "two");
            whileOpen = captured.messages();
        }
        log.warn("after close");

        assertThat(whileOpen).containsExactly("first 1", "second two");
        assertThat(captured.messages()).containsExactly("first 1", "second two");
    }

    @Test
    void warnings_areTheLinesAtWarnOrAbove() {
        // This module's logback file lets WARN through only: DEBUG here, so that there are lines to leave out.
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) log;
        logger.setLevel(Level.DEBUG);
        try (CapturedLog captured = CapturedLog.of(CapturedLogTest.class)) {
            log.debug("detail");
            log.info("news");
            log.warn("trouble");
            log.error("failure");

            assertThat(captured.messages()).containsExactly("detail", "news", "trouble", "failure");
            assertThat(captured.warnings()).containsExactly("trouble", "failure");
        } finally {
            logger.setLevel(null);
        }
    }
}
