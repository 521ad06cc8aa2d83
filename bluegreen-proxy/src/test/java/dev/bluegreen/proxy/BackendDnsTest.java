package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import dev.bluegreen.testing.TestBackend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backends by name, against a DNS server inside the test: a changed address is followed without a redeploy, a name
 * that does not resolve is tried again until it does, and no caller waits on DNS.
 */
class BackendDnsTest {

    private static final String NAME = "backend.test";

    private final TinyDnsServer dns = TinyDnsServer.start(NAME);
    private final TestBackend first = TestBackend.start("first");
    private final TestBackend moved = TestBackend.startAt("moved", new InetSocketAddress("127.0.0.2", first.port()));
    private final BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of(NAME, first.port())).build();
    private BlueGreenProxy proxy;

    private BlueGreenProxy start(java.util.function.UnaryOperator<BlueGreenProxyBuilder> options) {
        proxy = options.apply(BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(2)
                .nameServers(List.of(dns.address()))).build();
        proxy.start().orTimeout(5, TimeUnit.SECONDS).join();
        return proxy;
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
        }
        admin.close();
        first.close();
        moved.close();
        dns.close();
    }

    private static String backendOf(RawHttpClient client) {
        RawResponse response = client.get("/");
        return response.status() + " " + response.header("X-Backend");
    }

    @Test
    void aNameThatMovesToAnotherAddress_isFollowedWithoutARedeploy() {
        dns.answer("127.0.0.1");
        start(b -> b);
        try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
            assertThat(backendOf(client)).isEqualTo("200 first");

            dns.answer("127.0.0.2");

            await().atMost(Duration.ofSeconds(10)).until(() -> backendOf(client).equals("200 moved"));
            assertThat(backendOf(client)).as("and stays there").isEqualTo("200 moved");
            assertThat(dns.queries()).as("looked up again, as its TTL ran out").isGreaterThan(1);
        }
    }

    @Test
    void aNameThatDoesNotResolve_is502_andIsTriedAgainUntilItDoes() {
        dns.unknown();
        start(b -> b);
        try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
            RawResponse refused = client.get("/");
            assertThat(refused.status()).isEqualTo(502);

            dns.answer("127.0.0.1");

            await().atMost(Duration.ofSeconds(10)).until(() -> backendOf(client).equals("200 first"));
        }
    }

    @Test
    void nothingWaitsOnASilentDnsServer_neitherStartNorAChangeOfRouting() {
        dns.silent();
        long started = System.nanoTime();
        start(b -> b);
        admin.deploy(Colour.GREEN, "v2", List.of(Backend.of("other." + NAME, 80)));
        admin.switchTo(Colour.GREEN);
        admin.rollback();

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("the resolver's query timeout is 5 s; nothing waited for it").isLessThan(Duration.ofSeconds(4));
        await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries() > 0);
    }

    @Test
    void healthChecks_followTheNameToo() {
        dns.answer("127.0.0.1");
        HealthCheckSettings checks = HealthCheckSettings.defaults().withInterval(Duration.ofMillis(100))
                .withTimeout(Duration.ofSeconds(1)).withThresholds(1, 1);
        start(b -> b.healthChecks(checks));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.requests().stream().map(SeenRequest::uri)
                .anyMatch(HealthCheckSettings.DEFAULT_PATH::equals));

        dns.answer("127.0.0.2");

        await().atMost(Duration.ofSeconds(10)).until(() -> moved.requests().stream().map(SeenRequest::uri)
                .anyMatch(HealthCheckSettings.DEFAULT_PATH::equals));
        assertThat(proxy.health(Colour.BLUE, Backend.of(NAME, first.port())).state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void nameServers_mustBeAddressesWithPorts() {
        BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin);
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("dns.example", 53);
        assertThatThrownBy(() -> builder.nameServers(List.of(unresolved)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nameServers: dns.example/<unresolved>:53 (expected: an IP address and port)");
    }
}
