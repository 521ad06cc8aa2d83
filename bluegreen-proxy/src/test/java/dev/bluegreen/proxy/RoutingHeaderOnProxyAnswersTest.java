package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proxy's own answers in place of a backend's (502, 503, 504) name the colour the request was routed to in the routing
 * header, as a backend's answer does: whoever reads the failure (an operator, the switch drill) knows which colour
 * failed without guessing from when the request was sent.
 */
class RoutingHeaderOnProxyAnswersTest {

    private static RawResponse get(int port, Map<String, String> headers) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.request("GET", "/", headers).readResponse();
        }
    }

    @Test
    void a502FromABackendThatClosed_namesTheColourItWasRoutedTo() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.routingHeader("X-BlueGreen")
                .preview(PreviewRule.header("X-Preview")))) {
            fixture.green().closeOnRequest();
            fixture.admin.switchTo(Colour.GREEN);

            RawResponse live = get(fixture.port(), Map.of());
            RawResponse preview = get(fixture.port(), Map.of("X-Preview", "1"));

            assertThat(live.status()).isEqualTo(502);
            assertThat(live.header("X-BlueGreen")).isEqualTo("green; generation=1");
            assertThat(preview.status()).isEqualTo(200);
            assertThat(preview.header("X-BlueGreen")).isEqualTo("blue; generation=1; via=preview");
        }
    }

    @Test
    void a504FromASilentBackend_namesTheColour_andNoSessionCookie() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.routingHeader("X-BlueGreen")
                .stickySessions(StickySessions.proxyCookie("bg"))
                .responseTimeout(Duration.ofMillis(200)))) {
            fixture.blue().neverRespond();

            RawResponse silent = get(fixture.port(), Map.of());

            assertThat(silent.status()).isEqualTo(504);
            assertThat(silent.header("X-BlueGreen")).isEqualTo("blue; generation=0");
            assertThat(silent.header("Set-Cookie")).isNull();
        }
    }

    @Test
    void a503ForAnEmptyPool_namesTheColour() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 0, b -> b.routingHeader("X-BlueGreen")
                .preview(PreviewRule.header("X-Preview")))) {
            RawResponse preview = get(fixture.port(), Map.of("X-Preview", "1"));

            assertThat(preview.status()).isEqualTo(503);
            assertThat(preview.header("X-BlueGreen")).isEqualTo("green; generation=0; via=preview");
        }
    }

    @Test
    void withoutARoutingHeader_theProxysAnswersNameNoColour() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b)) {
            fixture.blue().closeOnRequest();

            RawResponse failed = get(fixture.port(), Map.of());

            assertThat(failed.status()).isEqualTo(502);
            assertThat(failed.header("X-BlueGreen")).isNull();
        }
    }
}
