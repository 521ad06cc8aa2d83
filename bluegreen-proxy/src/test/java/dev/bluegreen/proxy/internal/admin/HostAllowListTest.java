package dev.bluegreen.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.request.Authority;
import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostAllowListTest {

    private static final InetAddress LOOPBACK4 = address("127.0.0.1");
    private static final InetAddress LOOPBACK6 = address("::1");
    private static final InetAddress ETH0 = address("192.0.2.2");

    private final HostAllowList none = new HostAllowList(Set.of());

    @Test
    void onLoopback_localhostAndTheLoopbackLiterals_areServed_whateverThePort() {
        for (String host : new String[] {"localhost", "localhost:8081", "127.0.0.1:8081", "[::1]:8081", "[::1]"}) {
            assertThat(none.refusal(Authority.parse(host), LOOPBACK4)).as(host).isNull();
            assertThat(none.refusal(Authority.parse(host), LOOPBACK6)).as(host).isNull();
        }
    }

    @Test
    void onLoopback_anyOtherName_isMisdirected_andTheRefusalSaysWhatIsServed() {
        String refusal = none.refusal(Authority.parse("evil.example:8081"), LOOPBACK4);

        assertThat(refusal).startsWith("misdirected request: Host 'evil.example:8081' is not served here")
                .contains("expected: 127.0.0.1, localhost, [::1]");
        assertThat(none.refusal(Authority.parse("127.0.0.2"), LOOPBACK4)).isNotNull();
        assertThat(none.refusal(Authority.parse("localhost.evil.example"), LOOPBACK4)).isNotNull();
    }

    @Test
    void onAnotherInterface_onlyItsAddressIsServed_notLocalhost() {
        assertThat(none.refusal(Authority.parse("192.0.2.2:8081"), ETH0)).isNull();
        assertThat(none.refusal(Authority.parse("localhost:8081"), ETH0))
                .as("a name that means this machine only to the client").isNotNull();
        assertThat(none.refusal(Authority.parse("127.0.0.1:8081"), ETH0)).isNotNull()
                .contains("expected: 192.0.2.2;");
    }

    @Test
    void anIpv4MappedArrivalAddress_matchesItsIpv4Spelling() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 2};
        // Java turns a mapped address into an Inet4Address; a 16-byte one is built by hand to be sure.
        InetAddress dualStack = java.net.Inet6Address.getByAddress(null, mapped, -1);

        assertThat(none.refusal(Authority.parse("192.0.2.2"), dualStack)).isNull();
    }

    @Test
    void configuredNames_areServedOnAnyAddress_caseInsensitively() {
        HostAllowList configured = new HostAllowList(Set.of("admin.internal", "[fd00::2]"));

        assertThat(configured.refusal(Authority.parse("ADMIN.internal:9000"), ETH0)).isNull();
        assertThat(configured.refusal(Authority.parse("[fd00:0:0::2]"), LOOPBACK4)).isNull();
        assertThat(configured.refusal(Authority.parse("admin.internal.evil.example"), ETH0))
                .contains("admin.internal");
    }

    @Test
    void withoutAnArrivalAddress_onlyConfiguredNamesAreServed() {
        assertThat(none.refusal(Authority.parse("localhost"), null)).isNotNull();
        assertThat(new HostAllowList(Set.of("localhost")).refusal(Authority.parse("localhost"), null)).isNull();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
