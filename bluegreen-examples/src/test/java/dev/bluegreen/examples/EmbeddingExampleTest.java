package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddingExampleTest {

    private final Http http = new Http();
    private final DemoBackend blue = DemoBackend.builder("blue").version("v1").build();
    private final DemoBackend green = DemoBackend.builder("green").version("v2").build();
    private EmbeddingExample.Running running;

    @BeforeEach
    void startBackends() throws Exception {
        CompletableFuture.allOf(blue.start(), green.start()).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (running != null) {
            CompletableFuture.runAsync(() -> EmbeddingExample.stop(running)).get(20, TimeUnit.SECONDS);
        }
        CompletableFuture.allOf(blue.stop(), green.stop()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void failedSmokeTest_rollsBackToBlue() throws Exception {
        running = EmbeddingExample.start(List.of(blue.backend()), List.of(green.backend()), 0, 0);
        String proxy = StandaloneProxy.url(running.proxy().localAddress()) + "/";
        assertThat(http.body(proxy)).isEqualTo("hello from blue (v1)\n");
        AtomicReference<String> duringSmokeTest = new AtomicReference<>();

        EmbeddingExample.release(running.admin(), () -> {
            duringSmokeTest.set(bodyOrFailure(proxy));
            return false;
        });

        assertThat(duringSmokeTest.get()).isEqualTo("hello from green (v2)\n");
        assertThat(http.body(proxy)).isEqualTo("hello from blue (v1)\n");
        assertThat(running.admin().history()).extracting(Change::kind)
                .containsExactly(ChangeKind.SWITCH, ChangeKind.ROLLBACK);
    }

    @Test
    void passedSmokeTest_leavesGreenLive() throws Exception {
        running = EmbeddingExample.start(List.of(blue.backend()), List.of(green.backend()), 0, 0);
        String proxy = StandaloneProxy.url(running.proxy().localAddress()) + "/";

        EmbeddingExample.release(running.admin(), () -> bodyOrFailure(proxy).contains("v2"));

        assertThat(running.admin().snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(http.body(proxy)).isEqualTo("hello from green (v2)\n");
        String status = http.body(StandaloneProxy.url(running.endpoint().localAddress()) + "/status");
        assertThat(status).contains("\"live\":\"green\"", "\"generation\":1");
    }

    @Test
    void main_runsTheWholeExampleAndReturns() throws Exception {
        CompletableFuture.runAsync(() -> EmbeddingExample.main(new String[] {"0", "0"})).get(30, TimeUnit.SECONDS);
    }

    private String bodyOrFailure(String url) {
        try {
            return http.body(url);
        } catch (Exception e) {
            throw new AssertionError("GET " + url + " failed", e);
        }
    }
}
