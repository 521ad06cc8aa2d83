package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code drill} command against demo backends. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrillCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final DemoBackend blue = DemoBackend.builder("blue").build();
    private DemoBackend green;

    @AfterEach
    void stop() throws Exception {
        blue.stop().get(10, TimeUnit.SECONDS);
        if (green != null) {
            green.stop().get(10, TimeUnit.SECONDS);
        }
    }

    private int run(String... args) {
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void twoHealthyBackends_hundredSwitches_zeroFailed_exit0() throws Exception {
        blue.start().get(10, TimeUnit.SECONDS);
        green = DemoBackend.builder("green").build();
        green.start().get(10, TimeUnit.SECONDS);

        int code = run("drill", "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(),
                "--path", "/", "--path", "GET /health", "--switches", "100", "--duration", "2s");

        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("100 switches, 0 failed", "latency: p50").doesNotContain("FAILED");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void greenAnswers503_exitsNonZero_namingGreen() throws Exception {
        blue.start().get(10, TimeUnit.SECONDS);
        green = DemoBackend.builder("green").startsDown().build();
        green.start().get(10, TimeUnit.SECONDS);

        int code = run("drill", "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(),
                "--switches", "6", "--duration", "1s", "--connections", "2");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("green GET /: status 503").containsPattern("FAILED: green failed \\d+")
                .doesNotContain("blue failed");
    }

    @Test
    void badOptions_exit2_namingTheOption() {
        assertThat(run("drill", "--blue", "127.0.0.1:1", "--green", "127.0.0.1:2", "--path", "orders")).isEqualTo(2);
        assertThat(err.toString()).contains("--path", "'orders'");

        assertThat(run("drill", "--blue", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option", "--green");

        assertThat(run("drill", "--blue", "127.0.0.1:1", "--green", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--green", "the same as blue");
    }
}
