package dev.bluegreen.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JUnit run outside Maven (an IDE's launcher: no argLine, no surefire configuration parameters) still registers
 * {@link LeakDetectionExtension}, runs Netty's leak detector at PARANOID and has the build's default timeout, from
 * this module's {@code junit-platform.properties} and the extension alone. Checked in a child JVM started with this
 * JVM's class path and nothing else.
 */
class PlainJUnitRunTest {

    @Test
    void aPlainJUnitRun_registersTheLeakCheck_atParanoid_withTheBuildsTimeout() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                PlainJUnitRun.class.getName()))
                .redirectErrorStream(true);
        // Flags the child would otherwise take from the environment, not from its command line.
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process child = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(child.getInputStream()));

        boolean exited = child.waitFor(50, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String printed = output.get(10, TimeUnit.SECONDS);

        assertThat(exited).as("the child finished; it printed:%n%s", printed).isTrue();
        assertThat(printed).contains("level-property-at-start=unset", "autodetection=true", "default-timeout=60 s",
                "succeeded=1 failed=0");
        assertThat(child.exitValue()).as("its output:%n%s", printed).isZero();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
