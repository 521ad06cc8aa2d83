package dev.bluegreen.testing;

import static org.assertj.core.api.Assertions.assertThat;

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
}
