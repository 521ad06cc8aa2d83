package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Http2Options}: defaults, copies, and bad values refused with the value and the range. */
class Http2OptionsTest {

    @Test
    void defaults() {
        Http2Options options = Http2Options.defaults();

        assertThat(options.enabled()).isTrue();
        assertThat(options.cleartext()).isTrue();
        assertThat(options.maxConcurrentStreams()).isEqualTo(100);
        assertThat(options.maxHeaderListSize()).isEqualTo(16 * 1024);
        assertThat(options.initialWindowSize()).isEqualTo(65_535);
        assertThat(options.maxResetStreams()).isEqualTo(200);
        assertThat(options.resetWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Http2Options.disabled().enabled()).isFalse();
        assertThat(Http2Options.disabled().cleartext()).isFalse();
    }

    @Test
    void withers_returnCopies() {
        Http2Options defaults = Http2Options.defaults();
        Http2Options changed = defaults.withMaxConcurrentStreams(128).withMaxHeaderListSize(8192)
                .withInitialWindowSize(1 << 20).withMaxResetStreams(50, Duration.ofSeconds(10)).withCleartext(false);

        assertThat(changed.maxConcurrentStreams()).isEqualTo(128);
        assertThat(changed.maxHeaderListSize()).isEqualTo(8192);
        assertThat(changed.initialWindowSize()).isEqualTo(1 << 20);
        assertThat(changed.maxResetStreams()).isEqualTo(50);
        assertThat(changed.resetWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(changed.cleartext()).isFalse();
        assertThat(defaults.maxConcurrentStreams()).isEqualTo(100);
    }

    @Test
    void badValues_areRefused() {
        Http2Options options = Http2Options.defaults();

        assertThatThrownBy(() -> options.withMaxConcurrentStreams(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 (expected: 1-1000)");
        assertThatThrownBy(() -> options.withMaxHeaderListSize(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100 (expected");
        assertThatThrownBy(() -> options.withInitialWindowSize(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 (expected");
        assertThatThrownBy(() -> options.withMaxResetStreams(0, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxResetStreams");
        assertThatThrownBy(() -> options.withMaxResetStreams(10, Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reset window");
    }
}
