package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.proxy.LoadBalancing.HashedPart;
import org.junit.jupiter.api.Test;

/** The settings' names as the runner and the starter spell them, their labels, and the errors for bad ones. */
class LoadBalancingTest {

    @Test
    void named_readsEverySetting_backFromItsLabel() {
        for (LoadBalancing balancing : new LoadBalancing[] {LoadBalancing.ROUND_ROBIN, LoadBalancing.LEAST_REQUESTS,
                LoadBalancing.hashOfHeader("X-Tenant"), LoadBalancing.hashOfCookie("Session"),
                LoadBalancing.hashOfQueryParameter("user_id"), LoadBalancing.hashOfClientAddress(),
                LoadBalancing.hashOfPath(), LoadBalancing.affinityCookie("SRV"),
                LoadBalancing.LEAST_REQUESTS.withAffinityCookie("SRV"),
                LoadBalancing.hashOfHeader("X-Tenant").withAffinityCookie("SRV"),
                LoadBalancing.affinityCookie("SRV").withSecureAffinityCookie(),
                LoadBalancing.LEAST_REQUESTS.withAffinityCookie("SRV").withSecureAffinityCookie()}) {
            assertThat(LoadBalancing.named(balancing.label())).isEqualTo(balancing);
        }
        assertThat(LoadBalancing.named(" Least_Requests ")).isSameAs(LoadBalancing.LEAST_REQUESTS);
        assertThat(LoadBalancing.named("round-robin")).isSameAs(LoadBalancing.ROUND_ROBIN);
        assertThat(LoadBalancing.named("HASH:Header:X-Tenant")).isEqualTo(LoadBalancing.hashOfHeader("x-tenant"));
        assertThat(LoadBalancing.named("hash:client_address")).isEqualTo(LoadBalancing.hashOfClientAddress());
    }

    @Test
    void labels_andWhatIsHashed() {
        LoadBalancing header = LoadBalancing.hashOfHeader("X-Tenant");
        LoadBalancing cookie = LoadBalancing.hashOfCookie("Session");

        assertThat(header.label()).isEqualTo("hash:header:x-tenant");
        assertThat(header.hashedPart()).contains(HashedPart.HEADER);
        assertThat(header.hashedName()).contains("x-tenant");
        assertThat(cookie.label()).as("cookie names keep their case").isEqualTo("hash:cookie:Session");
        assertThat(cookie.hashedName()).contains("Session");
        assertThat(LoadBalancing.hashOfPath().hashedPart()).contains(HashedPart.PATH);
        assertThat(LoadBalancing.hashOfPath().hashedName()).isEmpty();
        assertThat(LoadBalancing.named("hash:query:user_id").hashedPart()).contains(HashedPart.QUERY_PARAMETER);
        assertThat(LoadBalancing.named("hash:query:user_id").hashedName()).contains("user_id");
        assertThat(LoadBalancing.LEAST_REQUESTS.hashedPart()).isEmpty();
        assertThat(LoadBalancing.named("affinity-cookie:SRV").affinityCookie()).contains("SRV");
        assertThat(LoadBalancing.affinityCookie("SRV").label()).isEqualTo("affinity-cookie:SRV");
        assertThat(LoadBalancing.affinityCookie("SRV").hashedPart()).isEmpty();
        assertThat(LoadBalancing.hashOfCookie("SRV").affinityCookie()).isEmpty();
        assertThat(LoadBalancing.ROUND_ROBIN).hasToString("round-robin");
        assertThat(LoadBalancing.hashOfCookie("session")).isNotEqualTo(cookie);
    }

    @Test
    void anAffinityCookie_goesOverAnyBalancing_once() {
        LoadBalancing least = LoadBalancing.named(" Least_Requests , affinity-cookie:SRV ");

        assertThat(least).isEqualTo(LoadBalancing.LEAST_REQUESTS.withAffinityCookie("SRV"));
        assertThat(least.label()).isEqualTo("least-requests,affinity-cookie:SRV");
        assertThat(least.isLeastRequests()).isTrue();
        assertThat(least.affinityCookie()).contains("SRV");
        LoadBalancing hashed = LoadBalancing.named("hash:query:user,affinity-cookie:SRV");
        assertThat(hashed.hashedPart()).contains(HashedPart.QUERY_PARAMETER);
        assertThat(hashed.hashedName()).contains("user");
        assertThat(hashed.isLeastRequests()).isFalse();
        assertThat(LoadBalancing.named("round-robin,affinity-cookie:SRV")).isEqualTo(LoadBalancing.affinityCookie(
                "SRV")).hasToString("affinity-cookie:SRV");
        assertThat(LoadBalancing.ROUND_ROBIN.isLeastRequests()).isFalse();
        assertThatThrownBy(() -> LoadBalancing.affinityCookie("A").withAffinityCookie("B"))
                .hasMessage("affinity cookie: 'B' (expected: one affinity cookie; affinity-cookie:A has one)");
        assertThatThrownBy(() -> LoadBalancing.hashOfCookie("SRV").withAffinityCookie("SRV"))
                .hasMessage("affinity cookie: 'SRV' (expected: another cookie than the one hash:cookie:SRV hashes)");
        assertThat(LoadBalancing.hashOfCookie("srv").withAffinityCookie("SRV").label())
                .as("cookie names are case-sensitive").isEqualTo("hash:cookie:srv,affinity-cookie:SRV");
    }

    @Test
    void aSecureAffinityCookie_isLabelledSo_andNeedsAnAffinityCookie() {
        LoadBalancing secure = LoadBalancing.named("least-requests,affinity-cookie:SRV:Secure");

        assertThat(secure.label()).isEqualTo("least-requests,affinity-cookie:SRV:secure");
        assertThat(secure.affinityCookie()).contains("SRV");
        assertThat(secure.affinityCookieSecure()).isTrue();
        assertThat(secure.withSecureAffinityCookie()).isSameAs(secure);
        assertThat(secure).isNotEqualTo(LoadBalancing.LEAST_REQUESTS.withAffinityCookie("SRV"));
        assertThat(LoadBalancing.affinityCookie("SRV").affinityCookieSecure()).isFalse();
        assertThat(LoadBalancing.named("affinity-cookie:SRV:secure"))
                .isEqualTo(LoadBalancing.affinityCookie("SRV").withSecureAffinityCookie());
        assertThatThrownBy(LoadBalancing.hashOfPath()::withSecureAffinityCookie)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a Secure affinity cookie: hash:path has no affinity cookie (expected: affinityCookie(NAME)"
                        + " or withAffinityCookie(NAME) first)");
    }

    @Test
    void aBadName_isRefused_namingTheValueAndWhatWasExpected() {
        String expected = "(expected: round-robin, least-requests, hash:header:NAME, hash:cookie:NAME,"
                + " hash:query:NAME, hash:client-address, hash:path or affinity-cookie:NAME, or one of the others"
                + " followed by ,affinity-cookie:NAME; the affinity cookie's name may be followed by :secure";
        assertThatThrownBy(() -> LoadBalancing.named("leastconn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loadBalancing: 'leastconn' " + expected + ")");
        assertThatThrownBy(() -> LoadBalancing.named("hash:header:X Tenant"))
                .hasMessage("loadBalancing: 'hash:header:X Tenant' " + expected
                        + "; header: 'X Tenant' (expected: a token, RFC 9110 §5.6.2))");
        for (String bad : new String[] {"hash:header", "hash:header:", "hash:path:/x", "round-robin:x", "hash",
                "affinity-cookie", "affinity-cookie:a;b", "least-requests,hash:path", "least-requests,",
                "affinity-cookie:A,affinity-cookie:B", ",affinity-cookie:A", "affinity-cookie::secure",
                "affinity-cookie:A:secure:secure", "hash:path:secure", "affinity-cookie:A:insecure",
                "hash:uri", "", "  "}) {
            assertThatThrownBy(() -> LoadBalancing.named(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
        }
        assertThatThrownBy(() -> LoadBalancing.named(null)).hasMessageStartingWith("loadBalancing: null");
        assertThatThrownBy(() -> LoadBalancing.hashOfCookie("a;b")).hasMessageContaining("cookie: 'a;b'");
        assertThatThrownBy(() -> LoadBalancing.hashOfHeader(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LoadBalancing.hashOfQueryParameter("a=b"))
                .hasMessage("query parameter: 'a=b' (expected: letters, digits and -._~)");
        assertThatThrownBy(() -> LoadBalancing.named("hash:query:")).hasMessageContaining("query parameter: ''");
    }
}
