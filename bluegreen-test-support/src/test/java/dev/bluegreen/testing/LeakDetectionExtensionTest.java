package dev.bluegreen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LeakDetectionExtensionTest {

    @Test
    void extension_isRegisteredAndResolvesTheRunsCollector(LeakReports leaks, LeakReports again) {
        assertThat(leaks).isNotNull().isSameAs(again);
    }

    @Test
    void verifyLevel_passesUnderTheBuildsConfiguration() {
        assertThatCode(LeakDetectionExtension::verifyLevel).doesNotThrowAnyException();
    }

    @Test
    void verifyLevel_failsWhenTheDetectorWasTurnedDown() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String property = System.getProperty(LeakDetectionExtension.LEVEL_PROPERTY);
        try {
            System.setProperty(LeakDetectionExtension.LEVEL_PROPERTY, "paranoid");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
            assertThatThrownBy(LeakDetectionExtension::verifyLevel)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SIMPLE")
                    .hasMessageContaining("expected: PARANOID");
        } finally {
            ResourceLeakDetector.setLevel(before);
            if (property == null) {
                System.clearProperty(LeakDetectionExtension.LEVEL_PROPERTY);
            } else {
                System.setProperty(LeakDetectionExtension.LEVEL_PROPERTY, property);
            }
        }
    }

    @Test
    void paranoidUnlessSet_withoutTheProperty_setsTheBuildsLevel() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String property = System.getProperty(LeakDetectionExtension.LEVEL_PROPERTY);
        try {
            System.clearProperty(LeakDetectionExtension.LEVEL_PROPERTY);
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);

            LeakDetectionExtension.paranoidUnlessSet();

            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
            assertThat(System.getProperty(LeakDetectionExtension.LEVEL_PROPERTY)).isEqualTo("paranoid");
            assertThatCode(LeakDetectionExtension::verifyLevel).doesNotThrowAnyException();
        } finally {
            ResourceLeakDetector.setLevel(before);
            restore(property);
        }
    }

    @Test
    void paranoidUnlessSet_leavesALevelTheRunSetAlone() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String property = System.getProperty(LeakDetectionExtension.LEVEL_PROPERTY);
        try {
            System.setProperty(LeakDetectionExtension.LEVEL_PROPERTY, "simple");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);

            LeakDetectionExtension.paranoidUnlessSet();

            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.SIMPLE);
            assertThatThrownBy(LeakDetectionExtension::verifyLevel).hasMessageContaining("=simple is set");
        } finally {
            ResourceLeakDetector.setLevel(before);
            restore(property);
        }
    }

    @Test
    void childJvmFlags_carryThisRunsLeakDetection() {
        assertThat(LeakDetectionExtension.childJvmFlags()).containsExactly(
                "-Dio.netty.leakDetection.level=" + System.getProperty(LeakDetectionExtension.LEVEL_PROPERTY),
                "-Dio.netty.leakDetection.targetRecords="
                        + System.getProperty(LeakDetectionExtension.TARGET_RECORDS_PROPERTY, "8"));
        assertThat(LeakDetectionExtension.childJvmFlags().get(0)).endsWithIgnoringCase("=paranoid");
    }

    private static void restore(String levelProperty) {
        if (levelProperty == null) {
            System.clearProperty(LeakDetectionExtension.LEVEL_PROPERTY);
        } else {
            System.setProperty(LeakDetectionExtension.LEVEL_PROPERTY, levelProperty);
        }
    }

    @Nested
    class LeakingScenario {

        @Test
        void unreleasedBuffer_failsTheCheckWithTheReport(LeakReports leaks) {
            assumeTrue(ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID,
                    "needs -Dio.netty.leakDetection.level=paranoid, as the build sets");
            leakOneBuffer();

            // The check this nested class's afterAll would run; called here so this module's build stays green.
            assertThatThrownBy(() -> leaks.assertNoLeaks("leaking scenario"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("1 Netty leak report(s) in leaking scenario")
                    .hasMessageContaining("LEAK: ByteBuf.release() was not called")
                    .hasMessageContaining("leakOneBuffer");
            assertThat(leaks.pending()).as("reports are cleared by the check").isZero();
        }

        private void leakOneBuffer() {
            ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(64);
            leaked.writeLong(42);
        }
    }

    @Nested
    class CleanScenario {

        @Test
        void releasedBuffers_passTheCheck(LeakReports leaks) {
            ByteBuf pooled = ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);
            ByteBuf unpooled = Unpooled.buffer(64).writeLong(42);
            ByteBuf shared = pooled.retainedDuplicate();
            shared.release();
            pooled.release();
            unpooled.release();

            assertThatCode(() -> leaks.assertNoLeaks("clean scenario")).doesNotThrowAnyException();
        }
    }
}
