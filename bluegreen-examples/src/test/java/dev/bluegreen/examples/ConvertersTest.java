package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.examples.Converters.ListenAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

    @Test
    void parseDuration_acceptsTheShortForms() {
        assertThat(Converters.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Converters.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Converters.parseDuration(" 1m ")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Converters.parseDuration("1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Converters.parseDuration("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Converters.parseDuration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Converters.parseDuration("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(Converters.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void parseDuration_readsBackEveryDurationAMessageShows() {
        for (Duration duration : new Duration[] {Duration.ZERO, Duration.ofMillis(1500), Duration.ofMinutes(1),
                Duration.ofNanos(250_000), Duration.ofNanos(7), Duration.ofDays(2), Duration.ofHours(36)}) {
            assertThat(Converters.parseDuration(Texts.duration(duration))).as(Texts.duration(duration))
                    .isEqualTo(duration);
        }
    }

    @Test
    void parseDuration_refusesOtherText() {
        for (String bad : new String[] {"", "2", "s", "-2s", "2 days", "1.5s", "PT-1S", "9999999999s"}) {
            assertThatThrownBy(() -> Converters.parseDuration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + bad + "\"")
                    .hasMessageContaining("500ms");
        }
    }

    @Test
    void parseListenAddress_acceptsHostPortAndBracketedIpv6() {
        assertThat(Converters.parseListenAddress("127.0.0.1:0")).isEqualTo(new ListenAddress("127.0.0.1", 0));
        assertThat(Converters.parseListenAddress("localhost:8080")).isEqualTo(new ListenAddress("localhost", 8080));
        assertThat(Converters.parseListenAddress("[::1]:65535")).isEqualTo(new ListenAddress("::1", 65535));
        assertThat(new ListenAddress("::1", 80)).hasToString("[::1]:80");
    }

    @Test
    void parseListenAddress_refusesOtherText() {
        for (String bad : new String[] {"", "8080", ":8080", "host:", "host:-1", "host:65536", "host:+80", "::1:80",
                "[::1]", "[]:80"}) {
            assertThatThrownBy(() -> Converters.parseListenAddress(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("HOST:PORT");
        }
    }

    @Test
    void converters_turnBadInputIntoTypeConversionErrors() {
        assertThatThrownBy(() -> new Converters.BackendConverter().convert("nonsense"))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("nonsense");
        assertThatThrownBy(() -> new Converters.ColourConverter().convert("purple"))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("purple");
        assertThatThrownBy(() -> new Converters.PortConverter().convert("65536"))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("0-65535");
        assertThat(new Converters.BackendConverter().convert("10.0.0.1:80")).isEqualTo(Backend.of("10.0.0.1", 80));
        assertThat(new Converters.ColourConverter().convert("GREEN")).isEqualTo(Colour.GREEN);
        assertThat(new Converters.PortConverter().convert("0")).isZero();
    }
}
