package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorityTest {

    @Test
    void parse_nameAndPort_lowerCasesTheName() {
        Authority authority = Authority.parse("Admin.Example.COM:8081");

        assertThat(authority.host()).isEqualTo("admin.example.com");
        assertThat(authority.port()).isEqualTo(8081);
        assertThat(authority).hasToString("admin.example.com:8081");
        assertThat(authority.address()).as("a name is no address, and is not resolved").isNull();
    }

    @Test
    void parse_withoutPort_hasNoPort() {
        assertThat(Authority.parse("localhost").port()).isEqualTo(Authority.NO_PORT);
        assertThat(Authority.parse("localhost")).hasToString("localhost");
    }

    @Test
    void parse_ipv6_isBracketedAndCompressed_soSpellingsOfOneAddressAreEqual() {
        Authority longForm = Authority.parse("[0:0:0:0:0:0:0:1]:80");
        Authority upper = Authority.parse("[FD00:0::2]");

        assertThat(longForm.host()).isEqualTo("[::1]");
        assertThat(longForm).isEqualTo(Authority.parse("[::1]:80"));
        assertThat(upper.host()).isEqualTo("[fd00::2]");
        assertThat(longForm.address()).hasSize(16);
    }

    @Test
    void parse_ipv4_hasFourAddressBytes() {
        assertThat(Authority.parse("127.0.0.1:1").address()).containsExactly(127, 0, 0, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":8080", "::1", "[::1", "[nonsense]", "[::1]x", "host:", "host:x", "host:123456",
            "host:65536", "evil.example/path", "user@host", "a b", "host:80:80", "\u00e9x.example"})
    void parse_malformed_isRefusedNamingTheValue(String text) {
        assertThatThrownBy(() -> Authority.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: host[:port]");
    }

    @Test
    void printable_replacesControlCharacters_andCutsLongValues() {
        assertThat(Authority.printable("a\r\nb")).isEqualTo("a??b");
        assertThat(Authority.printable("x".repeat(500))).hasSize(103).endsWith("...");
        assertThat(Authority.printable(null)).isEqualTo("null");
    }
}
