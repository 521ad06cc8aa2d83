package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The consistent-hash settings of {@link LoadBalancing} on real sockets: the same key to the same backend, whatever
 * connection, event loop or protocol it comes on; the keys spread over the pool; a request without the key goes round
 * robin; a backend that goes takes only its own keys with it.
 */
class HashBalancingTest {

    private static final int TENANTS = 40;

    /** Which backend served {@code path} with {@code headers}, sent on a connection of its own. */
    private static String servedBy(ProxyFixture fixture, String path, Map<String, String> headers) {
        try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            RawResponse response = client.request("GET", path, headers).readResponse();
            assertThat(response.status()).as(path + " " + headers).isEqualTo(200);
            return response.header(TestBackend.X_BACKEND.toString());
        }
    }

    /** The backend of each tenant, asked three times on three connections: always the same one. */
    private static Map<String, String> backendOfEachTenant(ProxyFixture fixture) {
        Map<String, String> backends = new HashMap<>();
        for (int tenant = 0; tenant < TENANTS; tenant++) {
            Set<String> seen = new HashSet<>();
            for (int time = 0; time < 3; time++) {
                seen.add(servedBy(fixture, "/t" + time, Map.of("X-Tenant", "tenant-" + tenant)));
            }
            assertThat(seen).as("tenant-" + tenant).hasSize(1);
            backends.put("tenant-" + tenant, seen.iterator().next());
        }
        return backends;
    }

    @Test
    void theSameHeaderValue_goesToTheSameBackend_andTheValuesSpreadOverThePool() {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfHeader(
                "X-Tenant")))) {
            Map<String, String> backends = backendOfEachTenant(fixture);

            assertThat(new HashSet<>(backends.values())).containsExactlyInAnyOrder("blue-1", "blue-2", "blue-3");
            assertThat(fixture.proxy.loadBalancing().label()).isEqualTo("hash:header:x-tenant");
        }
    }

    @Test
    void http2Streams_goWhereHttp1RequestsWithTheSameKeyGo() {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfHeader(
                "X-Tenant")));
             H2Client client = H2Client.cleartext(fixture.port())) {
            Map<String, String> overHttp1 = backendOfEachTenant(fixture);

            overHttp1.forEach((tenant, backend) -> {
                for (int time = 0; time < 2; time++) {
                    H2Client.Response response = H2Client.await(client.get("/h2", Map.of("x-tenant", tenant)));
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header(TestBackend.X_BACKEND.toString())).as(tenant).isEqualTo(backend);
                }
            });
        }
    }

    @Test
    void aRequestWithoutTheKey_goesRoundRobin() {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfHeader(
                "X-Tenant")));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            Set<String> seen = new HashSet<>();
            // One connection, so one event loop and its round-robin position: three requests, three backends. An
            // empty value is no key either.
            for (int i = 0; i < 3; i++) {
                Map<String, String> headers = i == 1 ? Map.of("X-Tenant", "") : Map.of();
                RawResponse response = client.request("GET", "/" + i, headers).readResponse();
                seen.add(response.header(TestBackend.X_BACKEND.toString()));
            }

            assertThat(seen).containsExactlyInAnyOrder("blue-1", "blue-2", "blue-3");
        }
    }

    @Test
    void aBackendThatGoes_takesOnlyItsOwnKeysWithIt() {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfHeader(
                "X-Tenant")))) {
            Map<String, String> before = backendOfEachTenant(fixture);
            TestBackend gone = fixture.blue.get(1);
            gone.close();

            Map<String, String> after = backendOfEachTenant(fixture);

            assertThat(after).doesNotContainValue(gone.name());
            before.forEach((tenant, backend) -> {
                if (!backend.equals(gone.name())) {
                    assertThat(after.get(tenant)).as(tenant + " was not on the backend that went").isEqualTo(backend);
                }
            });
            assertThat(before).containsValue(gone.name());
        }
    }

    @Test
    void aCookie_aQueryParameter_theClientAddress_andThePath_areKeysToo() {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfCookie(
                "user")))) {
            Set<String> byCookie = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                byCookie.add(servedBy(fixture, "/c" + i, Map.of("Cookie", "theme=dark; user=ada; lang=en")));
            }
            assertThat(byCookie).hasSize(1);
        }
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(
                LoadBalancing.hashOfQueryParameter("user")))) {
            Set<String> byParameter = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                byParameter.add(servedBy(fixture, "/q" + i + "?page=" + i + "&user=ada", Map.of()));
            }
            assertThat(byParameter).hasSize(1);
        }
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(
                LoadBalancing.hashOfClientAddress()))) {
            Set<String> byAddress = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                byAddress.add(servedBy(fixture, "/a" + i, Map.of()));
            }
            assertThat(byAddress).as("every connection comes from 127.0.0.1").hasSize(1);
        }
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfPath()))) {
            Set<String> byPath = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                byPath.add(servedBy(fixture, "/same/page?visit=" + i, Map.of()));
            }
            assertThat(byPath).as("the query is not part of the key").hasSize(1);
        }
    }
}
