package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestChecksTest {

    @ParameterizedTest
    @ValueSource(strings = {"shop.example", "shop.example:8080", "SHOP.Example.", "127.0.0.1", "127.0.0.1:1",
            "[::1]", "[::1]:8080", "[2001:db8::7]", "xn--bcher-kva.example", "a_b.example", "shop.example:",
            "[::ffff:192.0.2.1]", "[2001:db8:0:0:0:0:0:7]:443", "caf%C3%A9.example"})
    void isValidHost_acceptsRfc3986Hosts(String host) {
        assertThat(RequestChecks.isValidHost(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "shop example", "u@shop.example", "shop.example:99999", "shop.example:8o",
            "shop.example:123456", ":80", "[::g]", "[::1", "[::1]x", "[]", "shop/example", "shop\texample",
            "b\u00fccher.example", "\"quoted\"", "[:::::]", "[1:2:3:4:5:6:7:8:9]", "[::1.2.3]", "%zz.example",
            "shop%4", "shop%"})
    void isValidHost_rejectsAnythingElse(String host) {
        assertThat(RequestChecks.isValidHost(host)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Shop.Example", "shop.example:8080", "shop.example.", "SHOP.EXAMPLE.:1"})
    void hostName_isLowerCaseWithoutPortOrTrailingDot(String host) {
        assertThat(RequestChecks.hostName(host)).isEqualTo("shop.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1]", "[0:0:0:0:0:0:0:1]", "[0::1]:8080"})
    void hostName_ofAnIpv6Literal_isCompressed(String host) {
        assertThat(RequestChecks.hostName(host)).isEqualTo("[::1]");
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource({
        "OPTIONS, http://shop.example:8001, *",
        "OPTIONS, HTTP://shop.example, *",
        "OPTIONS, http://shop.example/, /",
        "OPTIONS, http://shop.example?q=1, /?q=1",
        "GET, http://shop.example:8001, /",
        "GET, http://shop.example?q=1, /?q=1",
        "GET, http://shop.example/a?b, /a?b"})
    void absoluteForm_becomesOriginForm_orAsteriskForOptionsWithAnEmptyPathAndNoQuery(String method, String target,
                                                                                      String forwarded) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), target);
        request.headers().set(HttpHeaderNames.HOST, "other.example");

        assertThat(RequestChecks.check(request, RequestRules.defaults(), ClientProtocol.HTTP_1)).isNull();
        assertThat(request.uri()).isEqualTo(forwarded);
        assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualToIgnoringCase(
                target.substring(target.indexOf("//") + 2).split("[/?]")[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a#frag", "/#", "/a?b=1#c", "http://shop.example#frag", "http://shop.example/a#b"})
    void targetWithAFragment_is400NamingIt(String target) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        request.headers().set(HttpHeaderNames.HOST, "shop.example");

        RequestRejectedException rejected = RequestChecks.check(request, RequestRules.defaults(),
                ClientProtocol.HTTP_1);
        assertThat(rejected).isNotNull();
        assertThat(rejected.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejected.getMessage()).contains("fragment");
        assertThat(rejected.malformed()).isTrue();
    }

    @Test
    void allowList_isKeptInTheFormHostNameGives() {
        assertThat(RequestRules.allowedHosts(List.of("Shop.Example.", "[0:0::1]", "10.0.0.1", "shop.example")))
                .containsExactlyInAnyOrder("shop.example", "[::1]", "10.0.0.1");
    }
}
