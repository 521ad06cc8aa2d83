package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoTest {

    private final Http http = new Http();
    private Demo demo;
    private String proxy;
    private String admin;

    @BeforeEach
    void startDemo() throws Exception {
        // Green starts down in the demo; most tests here want it up from the start.
        demo = Demo.create(0, 0);
        demo.green().up();
        demo = demo.start().get(15, TimeUnit.SECONDS);
        proxy = demo.proxy().proxyUrl();
        admin = demo.proxy().adminUrl().orElseThrow();
    }

    @AfterEach
    void stopDemo() throws Exception {
        demo.stop().get(20, TimeUnit.SECONDS);
    }

    @Test
    void switchToGreen_thenRollback_movesTrafficThereAndBack() throws Exception {
        assertThat(http.body(proxy + "/")).isEqualTo("hello from blue (v1)\n");

        HttpResponse<String> switched = http.post(admin + "/switch?to=green");
        assertThat(switched.statusCode()).isEqualTo(200);
        assertThat(switched.body()).contains("\"live\":\"green\"");
        assertThat(http.body(proxy + "/")).isEqualTo("hello from green (v2)\n");

        HttpResponse<String> rolledBack = http.post(admin + "/rollback");
        assertThat(rolledBack.statusCode()).isEqualTo(200);
        assertThat(rolledBack.body()).contains("\"live\":\"blue\"");
        assertThat(http.body(proxy + "/")).isEqualTo("hello from blue (v1)\n");
        assertThat(demo.proxy().admin().snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void responses_sayWhichBackendAnswered() throws Exception {
        HttpResponse<String> response = http.get(proxy + "/anything?at=all");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Backend")).hasValue("blue");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(demo.blue().served()).isEqualTo(1);
        assertThat(demo.green().served()).isZero();
    }

    @Test
    void metrics_areScrapedInPrometheusFormat_afterTraffic() throws Exception {
        assertThat(http.body(proxy + "/")).startsWith("hello from blue");

        // The request is counted as its exchange ends, just after its last bytes are written: wait for it.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> scrape = http.get(admin + "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains("bluegreen_requests_total{colour=\"blue\",source=\"backend\",status=\"2xx\"} 1.0")
                    .contains("bluegreen_live{colour=\"blue\"} 1.0");
        });
    }

    @Test
    void statusPage_isServed() throws Exception {
        HttpResponse<String> page = http.get(admin + "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"live-colour\"");
    }

    @Test
    void switchToLiveColour_isRefusedWith409AndAReason() throws Exception {
        HttpResponse<String> refused = http.post(admin + "/switch?to=blue");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("\"refusal\":\"ALREADY_LIVE\"").contains("\"error\":");
        assertThat(http.body(proxy + "/")).contains("blue");
    }

    @Test
    void switchToUnknownColour_is400() throws Exception {
        HttpResponse<String> bad = http.post(admin + "/switch?to=purple");

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("purple");
        assertThat(demo.proxy().admin().snapshot().generation()).isZero();
    }

    @Test
    void status_showsBothPools() throws Exception {
        HttpResponse<String> status = http.get(admin + "/status");

        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"live\":\"blue\"", "\"generation\":0", "\"version\":\"v1\"",
                "\"version\":\"v2\"");
    }

    @Test
    void instructions_nameTheAddressesInUse() {
        assertThat(demo.instructions())
                .first().isEqualTo("bluegreen demo: proxy on " + proxy + ", admin on " + admin);
        assertThat(demo.instructions())
                .contains("  curl -s -X POST " + admin + "/rollback")
                .anySatisfy(line -> assertThat(line).startsWith("  curl -s -X POST '" + admin + "/switch?to=green' ")
                        .endsWith("# 409: refused, green is down"))
                .anySatisfy(line -> assertThat(line).startsWith("  curl -s -X POST http://127.0.0.1:"
                        + demo.green().port() + "/demo/up "))
                .anySatisfy(line -> assertThat(line).startsWith("  curl -s " + proxy + "/ ").endsWith("# now green (v2)"))
                .last().isEqualTo("Ctrl-C stops it.");
    }

    @Test
    void guardedSwitch_isRefusedWhileGreenIsDown_andAcceptedOnceItIsUp() throws Exception {
        Demo fresh = Demo.create(0, 0).start().get(15, TimeUnit.SECONDS);
        try {
            String freshAdmin = fresh.proxy().adminUrl().orElseThrow();
            String freshProxy = fresh.proxy().proxyUrl();
            assertThat(fresh.green().isUp()).as("green starts down in the demo").isFalse();

            HttpResponse<String> refused = http.post(freshAdmin + "/switch?to=green");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("\"refusal\":\"GUARD_FAILED\"", "\"guard\":\"healthy-target\"",
                    "green has 0 healthy backends of 1 (need 1)", "status 503");
            assertThat(http.body(freshProxy + "/")).isEqualTo("hello from blue (v1)\n");

            HttpResponse<String> up = http.post("http://127.0.0.1:" + fresh.green().port() + "/demo/up");
            assertThat(up.statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> http.post(freshAdmin + "/switch?to=green").statusCode() == 200);
            assertThat(http.body(freshProxy + "/")).isEqualTo("hello from green (v2)\n");
            assertThat(http.body(freshAdmin + "/status")).contains("\"state\":\"HEALTHY\"");
        } finally {
            fresh.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void start_onAPortInUse_failsAndStopsWhatStarted() throws Exception {
        int taken = demo.proxy().proxy().port();
        Demo second = Demo.create(taken, 0);

        Throwable failure = second.start().handle((ok, error) -> error).get(15, TimeUnit.SECONDS);

        assertThat(Futures.unwrap(failure)).hasMessageContaining("cannot listen");
        second.stop().get(15, TimeUnit.SECONDS);
        assertThat(http.body(proxy + "/")).contains("blue");
    }
}
