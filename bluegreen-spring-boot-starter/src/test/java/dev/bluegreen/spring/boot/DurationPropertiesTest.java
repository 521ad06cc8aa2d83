package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/** How a duration appears in a message. */
class DurationPropertiesTest {

    @Test
    void text_isTheLargestWholeUnit_asAPropertyIsWritten() {
        assertThat(DurationProperties.text(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationProperties.text(Duration.ofSeconds(-5))).isEqualTo("-5s");
        assertThat(DurationProperties.text(Duration.ofMillis(300))).isEqualTo("300ms");
        assertThat(DurationProperties.text(Duration.ofMillis(-1500))).isEqualTo("-1500ms");
        assertThat(DurationProperties.text(Duration.ofSeconds(60))).isEqualTo("1m");
        assertThat(DurationProperties.text(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(DurationProperties.text(Duration.ofNanos(1_500))).isEqualTo("1500ns");
        assertThat(DurationProperties.text(Duration.ofSeconds(Long.MAX_VALUE))).as("beyond nanoseconds")
                .isEqualTo(Duration.ofSeconds(Long.MAX_VALUE).toString());
    }

    @Test
    void text_readsBackAsTheSameDuration() {
        for (Duration duration : List.of(Duration.ofMillis(-1), Duration.ofSeconds(90), Duration.ofMinutes(-61),
                Duration.ofNanos(2_000), Duration.ofDays(3))) {
            assertThat(DurationStyle.detectAndParse(DurationProperties.text(duration))).isEqualTo(duration);
        }
    }
}
