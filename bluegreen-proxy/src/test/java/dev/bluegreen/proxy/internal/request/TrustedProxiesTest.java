package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.7", "172.16.0.0/12",
            "fd00::/8", "2001:db8::1"));

    @Test
    void trusts_addressesInsideTheBlocks() {
        assertThat(trusted.trusts("10.255.0.1")).isTrue();
        assertThat(trusted.trusts("192.168.1.7")).isTrue();
        assertThat(trusted.trusts("172.31.255.255")).isTrue();
        assertThat(trusted.trusts("fd12:3456::1")).isTrue();
        assertThat(trusted.trusts("2001:db8:0:0:0:0:0:1")).isTrue();
    }

    @Test
    void doesNotTrust_addressesOutside_orAnythingThatIsNotAnAddress() {
        assertThat(trusted.trusts("11.0.0.1")).isFalse();
        assertThat(trusted.trusts("192.168.1.8")).isFalse();
        assertThat(trusted.trusts("172.32.0.0")).isFalse();
        assertThat(trusted.trusts("fe80::1")).isFalse();
        assertThat(trusted.trusts("2001:db8::2")).isFalse();
        assertThat(trusted.trusts("unknown")).isFalse();
        assertThat(trusted.trusts(null)).isFalse();
        assertThat(TrustedProxies.NONE.trusts("10.0.0.1")).isFalse();
    }

    @Test
    void zeroPrefix_trustsEveryAddressOfItsFamily() {
        TrustedProxies all = TrustedProxies.parse(List.of("0.0.0.0/0"));
        assertThat(all.trusts("203.0.113.9")).isTrue();
        assertThat(all.trusts("::1")).isFalse();
    }

    @Test
    void parse_rejectsNamesAndBadPrefixes_namingTheEntry() {
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("lb.example")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lb.example'");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-32");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("fd00::/129")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-128");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/x");
    }
}
