package dev.bluegreen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * What {@link PlainJUnitRunTest} runs in a JVM of its own, started as an IDE would start it: without the build's
 * flags or configuration parameters. Its name matches no surefire pattern, so the build does not run it directly;
 * run anywhere else, it passes as well.
 */
class LeakLevelProbe {

    /** Resolving {@link LeakReports} proves that {@link LeakDetectionExtension} was registered. */
    @Test
    void everyBufferIsTracked_andOneLeakIsReported(LeakReports leaks) {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(System.getProperty(LeakDetectionExtension.LEVEL_PROPERTY)).isEqualToIgnoringCase("paranoid");
        assertThat(System.getProperty(LeakDetectionExtension.TARGET_RECORDS_PROPERTY)).isNotNull();

        leakOneBuffer();

        // At the default level (SIMPLE, one buffer in 128 tracked) this one leak would almost never be reported.
        assertThatThrownBy(() -> leaks.assertNoLeaks("the probe"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 Netty leak report(s) in the probe");
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeLong(42);
    }
}
