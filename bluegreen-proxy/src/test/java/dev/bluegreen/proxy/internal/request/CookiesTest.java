package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class CookiesTest {

    private static HttpHeaders cookies(String... fields) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String field : fields) {
            headers.add(HttpHeaderNames.COOKIE, field);
        }
        return headers;
    }

    @Test
    void value_findsTheNamedCookieAmongOthers() {
        HttpHeaders headers = cookies("a=1; preview=s3cret; b=2");

        assertThat(Cookies.value(headers, "preview")).isEqualTo("s3cret");
        assertThat(Cookies.value(headers, "a")).isEqualTo("1");
        assertThat(Cookies.value(headers, "b")).isEqualTo("2");
    }

    @Test
    void value_onlyMatchesTheWholeName() {
        HttpHeaders headers = cookies("xpreview=1; previewx=2; PREVIEW=3");

        assertThat(Cookies.value(headers, "preview")).as("names are case-sensitive, RFC 6265").isNull();
    }

    @Test
    void value_removesQuotesAndLooksInEveryCookieField() {
        HttpHeaders headers = cookies("a=1", "s=\"quoted\" ;c=3");

        assertThat(Cookies.value(headers, "s")).isEqualTo("quoted");
        assertThat(Cookies.value(headers, "c")).isEqualTo("3");
        assertThat(Cookies.value(headers, "missing")).isNull();
        assertThat(Cookies.value(new DefaultHttpHeaders(), "a")).isNull();
    }

    @Test
    void remove_keepsTheOtherCookiesInOrder() {
        HttpHeaders headers = cookies("a=1; preview=s3cret; b=2");

        Cookies.remove(headers, "preview");

        assertThat(headers.getAll(HttpHeaderNames.COOKIE)).containsExactly("a=1; b=2");
    }

    @Test
    void remove_dropsACookieFieldLeftEmpty() {
        HttpHeaders headers = cookies("preview=s3cret", "a=1; preview=again");

        Cookies.remove(headers, "preview");

        assertThat(headers.getAll(HttpHeaderNames.COOKIE)).containsExactly("a=1");
    }

    @Test
    void remove_withoutTheCookie_leavesTheFieldsUntouched() {
        HttpHeaders headers = cookies("a=1;b=2");

        Cookies.remove(headers, "preview");

        assertThat(headers.getAll(HttpHeaderNames.COOKIE)).containsExactly("a=1;b=2");
    }

    @Test
    void setCookieValue_readsTheNamedCookieOfAResponse() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add(HttpHeaderNames.SET_COOKIE, "theme=dark; Path=/")
                .add(HttpHeaderNames.SET_COOKIE, "JSESSIONID=abc123; Path=/; HttpOnly");

        assertThat(Cookies.setCookieValue(headers, "JSESSIONID")).isEqualTo("abc123");
        assertThat(Cookies.setCookieValue(headers, "Path")).as("attributes are not cookies").isNull();
        assertThat(Cookies.setCookieValue(new DefaultHttpHeaders(), "JSESSIONID")).isNull();
    }

    @Test
    void removeSetCookie_dropsTheFieldsThatSetTheCookie_keepsTheOthersInOrder() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add(HttpHeaderNames.SET_COOKIE, "a=1")
                .add(HttpHeaderNames.SET_COOKIE, "SRV=app-value; Path=/")
                .add(HttpHeaderNames.SET_COOKIE, "b=2; SRV=attribute-like")
                .add(HttpHeaderNames.SET_COOKIE, "SRV=\"again\"");

        Cookies.removeSetCookie(headers, "SRV");

        assertThat(headers.getAll(HttpHeaderNames.SET_COOKIE)).containsExactly("a=1", "b=2; SRV=attribute-like");
        Cookies.removeSetCookie(headers, "SRV");
        assertThat(headers.getAll(HttpHeaderNames.SET_COOKIE)).hasSize(2);
    }
}
