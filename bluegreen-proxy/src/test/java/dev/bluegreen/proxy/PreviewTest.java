package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Preview traffic on real sockets: it reaches the idle colour, and never the live one. */
class PreviewTest {

    private static RawResponse get(int port, Map<String, String> headers) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.request("GET", "/", headers).readResponse();
        }
    }

    @Test
    void previewHeader_reachesTheIdleColour_andTheRoutingHeaderSaysSo() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b
                .preview(PreviewRule.header("X-Preview"))
                .routingHeader("X-BlueGreen"))) {
            RawResponse preview = get(fixture.port(), Map.of("X-Preview", "1"));
            RawResponse plain = get(fixture.port(), Map.of());

            assertThat(preview.header("X-Backend")).isEqualTo("green-1");
            assertThat(preview.header("X-BlueGreen")).isEqualTo("green; generation=0; via=preview");
            assertThat(plain.header("X-Backend")).isEqualTo("blue-1");
            assertThat(plain.header("X-BlueGreen")).isEqualTo("blue; generation=0");
        }
    }

    @Test
    void previewSecret_neverReachesABackend_andAWrongOneGoesToTheLiveColour() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b
                .preview(PreviewRule.cookie("preview").withSecret("s3cret")))) {
            RawResponse right = get(fixture.port(), Map.of("Cookie", "app=1; preview=s3cret"));
            RawResponse wrong = get(fixture.port(), Map.of("Cookie", "preview=guess; app=2"));

            assertThat(right.header("X-Backend")).isEqualTo("green-1");
            assertThat(wrong.header("X-Backend")).isEqualTo("blue-1");
            assertThat(fixture.green().requests()).singleElement()
                    .satisfies(seen -> assertThat(seen.headers("Cookie")).containsExactly("app=1"));
            assertThat(fixture.blue().requests()).singleElement()
                    .satisfies(seen -> assertThat(seen.headers("Cookie")).containsExactly("app=2"));
        }
    }

    @Test
    void preview_withTheIdlePoolDown_getsTheError_neverTheLiveColour() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b
                .preview(PreviewRule.header("X-Preview"))
                // Even with the safety net in its window (just switched), preview must not fall back.
                .safetyNet(Duration.ofMinutes(5)))) {
            fixture.admin.switchTo(Colour.GREEN);
            fixture.blue().close();

            RawResponse response = get(fixture.port(), Map.of("X-Preview", "1"));

            assertThat(response.status()).isEqualTo(502);
            assertThat(fixture.green().requestCount()).as("the live colour never serves preview").isZero();
        }
    }

    @Test
    void preview_withAnEmptyIdlePool_gets503() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.preview(PreviewRule.header("X-Preview")))) {
            fixture.admin.deploy(Colour.GREEN, "none", List.of());

            RawResponse response = get(fixture.port(), Map.of("X-Preview", "1"));

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.bodyText()).contains("idle pool (green)");
            assertThat(fixture.blue().requestCount()).isZero();
        }
    }

    @Test
    void previewListener_servesTheIdleColour_andFollowsTheSwitch() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.previewListen("127.0.0.1", 0))) {
            int previewPort = fixture.proxy.previewAddress().orElseThrow().getPort();
            assertThat(previewPort).isNotEqualTo(fixture.port());

            try (RawHttpClient client = RawHttpClient.connect(previewPort)) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("green-1");
                fixture.admin.switchTo(Colour.GREEN);
                assertThat(client.get("/").header("X-Backend")).as("the same connection, after the switch")
                        .isEqualTo("blue-1");
            }
            assertThat(get(fixture.port(), Map.of()).header("X-Backend")).isEqualTo("green-1");
        }
    }

    @Test
    void previewListener_isClosedWithTheProxy_andAbsentUnlessConfigured() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            assertThat(fixture.proxy.previewAddress()).isEmpty();
        }
        ProxyFixture fixture = ProxyFixture.start(b -> b.previewListen("127.0.0.1", 0));
        int previewPort = fixture.proxy.previewAddress().orElseThrow().getPort();
        fixture.close();

        assertThat(fixture.proxy.previewAddress()).isEmpty();
        assertThat(PortProbe.isRefused(previewPort)).as("nothing listens on the preview port any more").isTrue();
    }
}
