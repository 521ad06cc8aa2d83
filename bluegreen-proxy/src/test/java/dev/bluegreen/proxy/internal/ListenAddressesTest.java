package dev.bluegreen.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

class ListenAddressesTest {

    @Test
    void hostAndPort_bracketsAnIpv6Literal_soThatItMakesAUrl() {
        assertThat(ListenAddresses.hostAndPort(new InetSocketAddress("::1", 8081))).isEqualTo("[0:0:0:0:0:0:0:1]:8081");
        assertThat(ListenAddresses.hostAndPort(new InetSocketAddress("127.0.0.1", 8081))).isEqualTo("127.0.0.1:8081");
        assertThat(ListenAddresses.hostAndPort(InetSocketAddress.createUnresolved("shop.invalid", 80)))
                .isEqualTo("shop.invalid:80");
    }

    @Test
    void cannotListen_namesTheAddressAndAReason_evenWhenTheCauseHasNoMessage() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("nosuchhost.invalid", 20291);
        assertThat(ListenAddresses.cannotListen("proxy", unresolved, new UnresolvedAddressException()))
                .hasMessage("proxy: cannot listen on nosuchhost.invalid:20291: unknown host nosuchhost.invalid");
        assertThat(ListenAddresses.cannotListen("admin endpoint", new InetSocketAddress("127.0.0.1", 1),
                new SocketException("Permission denied")))
                .hasMessage("admin endpoint: cannot listen on 127.0.0.1:1: Permission denied")
                .hasCauseInstanceOf(SocketException.class);
    }
}
