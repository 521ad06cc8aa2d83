package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder's options as an application sets them: a bad value is refused at the call that takes it. */
class BlueGreenProxyBuilderTest {

    private final BlueGreen admin = BlueGreen.builder().blue("v1", Backend.parse("127.0.0.1:9")).build();

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "transfer-encoding", "Connection", "Upgrade", "Set-Cookie", "Via"})
    void routingHeader_fieldTheResponseReliesOn_refusedNamingIt(String name) {
        // The proxy sets the routing header, replacing the backend's field: Content-Length would become
        // "blue; generation=0" and the client could no longer find the end of the response.
        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).routingHeader(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("routingHeader: '" + name + "' (expected: a header of its own");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-BlueGreen", "X-Served-By"})
    void routingHeader_headerOfItsOwn_accepted(String name) {
        assertThat(BlueGreenProxy.builder(admin).routingHeader(name).build()).isNotNull();
    }

    @Test
    void loadBalancing_roundRobinByDefault_leastRequestsWhenSet_neverNull() {
        assertThat(BlueGreenProxy.builder(admin).build().loadBalancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
        assertThat(BlueGreenProxy.builder(admin).loadBalancing(LoadBalancing.LEAST_REQUESTS).build().loadBalancing())
                .isEqualTo(LoadBalancing.LEAST_REQUESTS);
        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).loadBalancing(null))
                .isInstanceOf(NullPointerException.class).hasMessage("loadBalancing");
    }

    @Test
    void anAffinityCookie_namedAsTheStickySessionsOrPreviewCookie_isRefused_anotherNameOrAHeaderIsNot() {
        LoadBalancing affinity = LoadBalancing.affinityCookie("SRV");

        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).loadBalancing(affinity)
                .stickySessions(StickySessions.fromCookie("SRV")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loadBalancing: affinity-cookie:SRV (expected: a cookie other than the sticky sessions'"
                        + " 'SRV')");
        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).loadBalancing(affinity)
                .stickySessions(StickySessions.proxyCookie("SRV")).build())
                .hasMessageContaining("sticky sessions' 'SRV'");
        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).loadBalancing(affinity)
                .preview(PreviewRule.cookie("SRV")).build())
                .hasMessage("loadBalancing: affinity-cookie:SRV (expected: a cookie other than the preview rule's"
                        + " 'SRV')");
        assertThat(BlueGreenProxy.builder(admin).loadBalancing(affinity).stickySessions(StickySessions.fromHeader(
                "SRV")).preview(PreviewRule.cookie("srv")).build().loadBalancing()).isEqualTo(affinity);
    }

    @Test
    void trustedProxies_nullEntry_refusedNamingIt() {
        List<String> entries = Arrays.asList("10.0.0.0/8", null);

        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).trustedProxies(entries))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trustedProxies: null (expected: an IP address or CIDR block)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0"})
    void previewListen_onTheListenersPort_refusedAtBuild(String previewHost) {
        // Else the start failed with a bare "Address already in use" naming neither setting.
        BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin).listen("127.0.0.1", 23011)
                .previewListen(previewHost, 23011);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("previewListen: " + previewHost + ":23011 (expected: a port other than listen's"
                        + " 127.0.0.1:23011)");
    }

    @Test
    void previewListen_onAnotherPortOrPortZero_accepted() {
        assertThat(BlueGreenProxy.builder(admin).listen("127.0.0.1", 23011).previewListen("127.0.0.1", 23012).build())
                .isNotNull();
        assertThat(BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).previewListen("127.0.0.1", 0).build())
                .isNotNull();
    }

    @Test
    void badNames_areShownEscaped_soThatTheMessageStaysOneLine() {
        // The message echoed the value raw: a CR LF in a configured name split the log line that reports it.
        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).routingHeader("X-A\r\nX-Forged: 1"))
                .hasMessage("routingHeader: 'X-A\\u000d\\u000aX-Forged: 1' (expected: a token, RFC 9110 §5.6.2)");
        assertThatThrownBy(() -> HealthCheckSettings.defaults().withPath("/health\r\nX-Forged: 1"))
                .hasMessage("path: '/health\\u000d\\u000aX-Forged: 1' (expected: starts with /, visible ASCII)");
        assertThatThrownBy(() -> BackendProtocol.parse("h2\nforged"))
                .hasMessage("backendProtocol: 'h2\\u000aforged' (expected: http1, h2c or h2)");
        assertThatThrownBy(() -> MirrorSettings.percent(10).withMethods(List.of("GET\r\n")))
                .hasMessage("methods: 'GET\\u000d\\u000a' (expected: a token, e.g. GET)");
    }
}
