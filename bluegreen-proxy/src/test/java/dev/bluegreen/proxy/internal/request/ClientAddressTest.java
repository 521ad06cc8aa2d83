package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A connection's {@code Forwarded} element: made once per host, right for every host. */
class ClientAddressTest {

    @Test
    void theElementIsMadeOncePerHost_andIsRightForEach() {
        ClientAddress client = new ClientAddress("192.0.2.7", false);

        String first = client.forwardedElement("shop.example");
        assertThat(first).isEqualTo("for=192.0.2.7;host=\"shop.example\";proto=http");
        assertThat(client.forwardedElement(new String("shop.example"))).isSameAs(first);
        assertThat(client.forwardedElement("api.example")).isEqualTo("for=192.0.2.7;host=\"api.example\";proto=http");
        assertThat(client.forwardedElement(null)).isEqualTo("for=192.0.2.7;proto=http");
        assertThat(client.forwardedElement("shop.example")).isEqualTo(first);
    }

    @Test
    void anIpv6ClientOverTls_isQuotedAndHttps() {
        ClientAddress client = new ClientAddress("2001:db8::1", true);

        assertThat(client.ip()).isEqualTo("2001:db8::1");
        assertThat(client.isSecure()).isTrue();
        assertThat(client.forwardedElement("a.example")).isEqualTo("for=\"[2001:db8::1]\";host=\"a.example\";proto=https");
    }
}
