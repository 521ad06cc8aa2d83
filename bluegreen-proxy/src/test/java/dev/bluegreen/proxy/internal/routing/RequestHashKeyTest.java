package dev.bluegreen.proxy.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** What each consistent-hash setting takes of a request, and when a request has no key. */
class RequestHashKeyTest {

    private static final ClientAddress CLIENT = new ClientAddress("192.0.2.7", false);

    private static HttpRequest request(String target, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static long key(LoadBalancing balancing, HttpRequest request) {
        return RequestHashKey.of(balancing, request, CLIENT);
    }

    @Test
    void roundRobinAndLeastRequests_takeNoKey() {
        HttpRequest request = request("/a", "X-Tenant", "t1");

        assertThat(key(LoadBalancing.ROUND_ROBIN, request)).isEqualTo(RequestHashKey.NONE);
        assertThat(key(LoadBalancing.LEAST_REQUESTS, request)).isEqualTo(RequestHashKey.NONE);
    }

    @Test
    void aHeader_byItsValue_inAnyCaseOfItsName_noKeyWhenMissingOrEmpty() {
        LoadBalancing balancing = LoadBalancing.hashOfHeader("X-Tenant");
        long t1 = key(balancing, request("/a", "x-tenant", "t1"));

        assertThat(t1).isNotEqualTo(RequestHashKey.NONE)
                .isEqualTo(key(balancing, request("/other?x", "X-TENANT", "t1")))
                .isNotEqualTo(key(balancing, request("/a", "X-Tenant", "t2")));
        assertThat(key(balancing, request("/a"))).isEqualTo(RequestHashKey.NONE);
        assertThat(key(balancing, request("/a", "X-Tenant", ""))).isEqualTo(RequestHashKey.NONE);
        assertThat(key(balancing, request("/a", "X-Tenant", "a?b")))
                .as("a header's ? is part of its value").isNotEqualTo(key(balancing, request("/a", "X-Tenant", "a")));
    }

    @Test
    void aCookie_byItsValue_amongTheOthers() {
        LoadBalancing balancing = LoadBalancing.hashOfCookie("user");
        long ada = key(balancing, request("/", "Cookie", "user=ada"));

        assertThat(ada).isNotEqualTo(RequestHashKey.NONE)
                .isEqualTo(key(balancing, request("/", "Cookie", "theme=dark; user=ada")))
                .isEqualTo(key(balancing, request("/", "Cookie", "theme=dark", "Cookie", "user=ada")))
                .isNotEqualTo(key(balancing, request("/", "Cookie", "user=bob")));
        assertThat(key(balancing, request("/", "Cookie", "User=ada"))).as("names are case-sensitive")
                .isEqualTo(RequestHashKey.NONE);
    }

    @Test
    void theClientAddress() {
        LoadBalancing balancing = LoadBalancing.hashOfClientAddress();
        HttpRequest request = request("/a");

        assertThat(key(balancing, request)).isNotEqualTo(RequestHashKey.NONE)
                .isEqualTo(RequestHashKey.of(balancing, request("/b"), new ClientAddress("192.0.2.7", true)))
                .isNotEqualTo(RequestHashKey.of(balancing, request, new ClientAddress("192.0.2.8", false)));
    }

    @Test
    void thePath_withoutTheQuery_inOriginOrAbsoluteForm() {
        LoadBalancing balancing = LoadBalancing.hashOfPath();
        long page = key(balancing, request("/shop/item"));

        assertThat(page).isNotEqualTo(RequestHashKey.NONE)
                .isEqualTo(key(balancing, request("/shop/item?colour=red")))
                .isEqualTo(key(balancing, request("http://shop.example/shop/item?x=1")))
                .isNotEqualTo(key(balancing, request("/shop/other")));
        assertThat(key(balancing, request("http://shop.example"))).isEqualTo(key(balancing, request("/")))
                .isEqualTo(key(balancing, request("/?q=1")))
                .as("a '/' in the query of an absolute form without a path is no path")
                .isEqualTo(key(balancing, request("http://shop.example?next=/shop/item")));
    }

    @Test
    void aQueryParameter_itsFirstValueAsSent() {
        LoadBalancing balancing = LoadBalancing.hashOfQueryParameter("user");
        long ada = key(balancing, request("/a?user=ada"));

        assertThat(ada).isNotEqualTo(RequestHashKey.NONE)
                .isEqualTo(key(balancing, request("/b?page=2&user=ada&user=bob")))
                .isEqualTo(key(balancing, request("http://h/c?x&user=ada")))
                .isNotEqualTo(key(balancing, request("/a?user=bob")));
        for (String without : new String[] {"/a", "/a?", "/a?user=", "/a?users=ada", "/a?xuser=ada", "/a?User=ada",
                "/a?user"}) {
            assertThat(key(balancing, request(without))).as(without).isEqualTo(RequestHashKey.NONE);
        }
    }
}
