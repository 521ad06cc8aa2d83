package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestChecksTest {

    @ParameterizedTest
    @ValueSource(strings = {"shop.example", "shop.example:8080", "SHOP.Example.", "127.0.0.1", "127.0.0.1:1",
            "[::1]", "[::1]:8080", "[2001:db8::7]", "xn--bcher-kva.example", "a_b.example", "shop.example:"})
    void isValidHost_acceptsRfc3986Hosts(String host) {
        assertThat(RequestChecks.isValidHost(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "shop example", "u@shop.example", "shop.example:99999", "shop.example:8o",
            "shop.example:123456", ":80", "[::g]", "[::1", "[::1]x", "[]", "shop/example", "shop\texample",
            "b\u00fccher.example", "\"quoted\""})
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

    @Test
    void allowList_isKeptInTheFormHostNameGives() {
        assertThat(RequestRules.allowedHosts(List.of("Shop.Example.", "[0:0::1]", "10.0.0.1", "shop.example")))
                .containsExactlyInAnyOrder("shop.example", "[::1]", "10.0.0.1");
    }
}
