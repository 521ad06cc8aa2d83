package dev.bluegreen.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.proxy.internal.request.Authority;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private static final Authority HOST = Authority.parse("127.0.0.1:8081");

    private final OriginPolicy own = new OriginPolicy(Set.of(), "http");
    private final OriginPolicy withProxy = new OriginPolicy(Set.of("https://admin.example.com"), "http");

    @Test
    void withoutOriginOrFetchMetadata_aChangePasses_asCurlSendsIt() {
        assertThat(own.refusal(post(), HOST)).isNull();
        assertThat(own.refusal(post(), null)).as("HTTP/1.0 without Host").isNull();
    }

    @Test
    void ownOrigin_sameOrigin_passes() {
        assertThat(own.refusal(post("Origin", "http://127.0.0.1:8081", "Sec-Fetch-Site", "same-origin"), HOST))
                .isNull();
        assertThat(own.refusal(post("Origin", "HTTP://localhost"), Authority.parse("localhost:80")))
                .as("the default port is the same origin").isNull();
    }

    @Test
    void foreignOrigin_isRefused_namingItAndTheOwnOne() {
        String refusal = own.refusal(post("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"), HOST);

        assertThat(refusal).isEqualTo("cross-origin request refused: Origin 'http://evil.example' is not this "
                + "endpoint's (expected: http://127.0.0.1:8081 or an origin the application allows)");
    }

    @Test
    void sameHostOtherPortOrScheme_isAnotherOrigin() {
        assertThat(own.refusal(post("Origin", "http://127.0.0.1:3000"), HOST)).isNotNull();
        assertThat(own.refusal(post("Origin", "https://127.0.0.1:8081"), HOST)).isNotNull();
    }

    @Test
    void overTls_theOwnOriginIsHttps() {
        OriginPolicy overTls = new OriginPolicy(Set.of(), "https");

        assertThat(overTls.refusal(post("Origin", "https://127.0.0.1:8081", "Sec-Fetch-Site", "same-origin"), HOST))
                .isNull();
        assertThat(overTls.refusal(post("Origin", "http://127.0.0.1:8081"), HOST))
                .contains("expected: https://127.0.0.1:8081");
    }

    @Test
    void originNull_isRefused() {
        assertThat(own.refusal(post("Origin", "null"), HOST)).contains("Origin 'null'");
    }

    @Test
    void malformedOrRepeatedOrigin_isRefused() {
        assertThat(own.refusal(post("Origin", "http://127.0.0.1:8081/path"), HOST)).contains("without path");
        assertThat(own.refusal(post("Origin", "http://127.0.0.1:8081", "Origin", "http://127.0.0.1:8081"), HOST))
                .contains("2 Origin");
    }

    @Test
    void fetchMetadata_onlySameOriginOrNone_pass() {
        assertThat(own.refusal(post("Sec-Fetch-Site", "none"), HOST)).isNull();
        assertThat(own.refusal(post("Sec-Fetch-Site", "Same-Origin"), HOST)).isNull();
        assertThat(own.refusal(post("Sec-Fetch-Site", "same-site"), HOST)).contains("'same-site'");
        assertThat(own.refusal(post("Sec-Fetch-Site", "cross-site"), HOST)).contains("'cross-site'");
        assertThat(own.refusal(post("Origin", "http://127.0.0.1:8081", "Sec-Fetch-Site", "cross-site"), HOST))
                .as("both are checked").isNotNull();
    }

    @Test
    void anAllowedOrigin_passesWhateverTheFetchMetadataSays() {
        assertThat(withProxy.refusal(post("Origin", "https://admin.example.com", "Sec-Fetch-Site", "cross-site"),
                HOST)).isNull();
        assertThat(withProxy.refusal(post("Origin", "https://ADMIN.example.com:443"), HOST)).isNull();
        assertThat(withProxy.refusal(post("Origin", "http://admin.example.com"), HOST)).isNotNull();
        assertThat(withProxy.refusal(post("Sec-Fetch-Site", "cross-site"), HOST))
                .as("without an Origin, nothing vouches for it").isNotNull();
    }

    @Test
    void safeMethods_areNotChecked_anyOtherMethodIs() {
        HttpRequest get = request(HttpMethod.GET, "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site");
        HttpRequest delete = request(HttpMethod.DELETE, "Origin", "http://evil.example");
        HttpRequest put = request(HttpMethod.PUT, "Sec-Fetch-Site", "cross-site");

        assertThat(own.refusal(get, HOST)).isNull();
        assertThat(own.refusal(request(HttpMethod.HEAD, "Origin", "null"), HOST)).isNull();
        assertThat(own.refusal(delete, HOST)).isNotNull();
        assertThat(own.refusal(put, HOST)).isNotNull();
    }

    @Test
    void canonicalOrigin_dropsTheDefaultPort_andRefusesWhatIsNoOrigin() {
        assertThat(OriginPolicy.canonicalOrigin("HTTPS://Admin.Example.com:443")).isEqualTo("https://admin.example.com");
        assertThat(OriginPolicy.canonicalOrigin("http://[0:0::1]:8081")).isEqualTo("http://[::1]:8081");
        for (String bad : new String[] {"*", "null", "ftp://x", "admin.example.com", "https://", "https://a/"}) {
            assertThatThrownBy(() -> OriginPolicy.canonicalOrigin(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme://host[:port]");
        }
    }

    private static HttpRequest post(String... headers) {
        return request(HttpMethod.POST, headers);
    }

    private static HttpRequest request(HttpMethod method, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/switch");
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }
}
