package dev.bluegreen.proxy.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** The affinity cookie's token: read and removed from a request, set on a response unless the request named it. */
class AffinityCookieTest {

    private static final Backend BACKEND = new Backend("10.0.0.1", 8080, "app-1", 1);

    @Test
    void aRequestsCookie_isReadAndRemoved_theOthersKept() {
        long token = AffinityCookie.token(BACKEND);
        HttpHeaders request = new DefaultHttpHeaders().add("Cookie", "a=1; bg=" + String.format("%016x", token)
                + "; b=2");

        assertThat(AffinityCookie.take(request, "bg")).isEqualTo(token);
        assertThat(request.get("Cookie")).isEqualTo("a=1; b=2");
    }

    @Test
    void aMalformedOrMissingCookie_asksForNothing_andIsRemovedAllTheSame() {
        for (String value : new String[] {"", "xyz", "0123456789abcde", "0123456789abcdef0", "0123456789abcdeg"}) {
            HttpHeaders request = new DefaultHttpHeaders().add("Cookie", "bg=" + value);
            assertThat(AffinityCookie.take(request, "bg")).as(value).isEqualTo(AffinityCookie.NONE);
            assertThat(request.contains("Cookie")).as(value).isFalse();
        }
        assertThat(AffinityCookie.take(new DefaultHttpHeaders(), "bg")).isEqualTo(AffinityCookie.NONE);
    }

    @Test
    void aResponse_setsTheCookie_unlessTheRequestNamedItsBackend_secureForTls() {
        HttpHeaders plain = new DefaultHttpHeaders();
        AffinityCookie.offer(plain, "bg", AffinityCookie.NONE, BACKEND, false);
        HttpHeaders tls = new DefaultHttpHeaders();
        AffinityCookie.offer(tls, "bg", 42, BACKEND, true);
        HttpHeaders named = new DefaultHttpHeaders();
        AffinityCookie.offer(named, "bg", AffinityCookie.token(BACKEND), BACKEND, false);

        String value = String.format("%016x", AffinityCookie.token(BACKEND));
        assertThat(plain.getAll("Set-Cookie")).containsExactly("bg=" + value + "; Path=/; HttpOnly; SameSite=Lax");
        assertThat(tls.getAll("Set-Cookie")).containsExactly(
                "bg=" + value + "; Path=/; HttpOnly; SameSite=Lax; Secure");
        assertThat(named.contains("Set-Cookie")).isFalse();
        assertThat(value).doesNotContain("10.0.0.1");
    }
}
