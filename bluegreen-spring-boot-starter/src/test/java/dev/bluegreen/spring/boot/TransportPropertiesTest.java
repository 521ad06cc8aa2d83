package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.IoTransport;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.RawHttpClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bluegreen.proxy.transport}, {@code bluegreen.proxy.yield-after-io} and {@code bluegreen.proxy.load-balancing}:
 * applied to the running proxy, or the startup fails naming the property, the value and what was expected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportPropertiesTest {

    private final TwoPools pools = new TwoPools();
    private final ApplicationContextRunner runner = pools.runner;

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void transport_namedByTheProperty_isTheOneTheProxyRunsOn_inAnySpelling() {
        runner.withPropertyValues("bluegreen.proxy.transport=NIO").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            assertThat(proxy.transport()).isEqualTo(IoTransport.NIO);
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("blue");
            }
        });
    }

    @Test
    void transport_unset_isTheProxysOwnAutomaticChoice() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(BlueGreenProxy.class).transport()).as("picked at start, not left AUTO")
                    .isNotEqualTo(IoTransport.AUTO);
        });
    }

    @Test
    void transport_unknown_failsTheStartupNamingThePropertyAndWhatIsExpected() {
        runner.withPropertyValues("bluegreen.proxy.transport=kqueue")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("bluegreen.proxy.transport")
                        .hasMessageContaining("kqueue")
                        .hasMessageContaining("expected: auto, io_uring, epoll or nio"));
    }

    @Test
    void loadBalancing_namedByTheProperty_isTheProxys_andAnUnknownNameFailsTheStartup() {
        runner.run(context -> assertThat(context.getBean(BlueGreenProxy.class).loadBalancing())
                .isEqualTo(LoadBalancing.ROUND_ROBIN));
        runner.withPropertyValues("bluegreen.proxy.load-balancing=least-requests").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            assertThat(proxy.loadBalancing()).isEqualTo(LoadBalancing.LEAST_REQUESTS);
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("blue");
            }
        });
        runner.withPropertyValues("bluegreen.proxy.load-balancing=random")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("bluegreen.proxy.load-balancing")
                        .hasMessageContaining("random")
                        .hasMessageContaining("expected: round-robin, least-requests, hash:header:NAME"));
        runner.withPropertyValues("bluegreen.proxy.load-balancing=hash:cookie:session").run(context ->
                assertThat(context.getBean(BlueGreenProxy.class).loadBalancing())
                        .isEqualTo(LoadBalancing.hashOfCookie("session")));
    }

    @Test
    void yieldAfterIoFalse_startsNettysPlainLoops_andTheProxyServesAndSwitches() {
        List<String> logged;
        try (CapturedLog log = CapturedLog.of(BlueGreenProxy.class)) {
            runner.withPropertyValues("bluegreen.proxy.yield-after-io=false").run(context -> {
                assertThat(context).hasNotFailed();
                BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
                try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                    assertThat(client.get("/1").header("X-Backend")).isEqualTo("blue");
                    proxy.admin().switchTo(Colour.GREEN);
                    assertThat(client.get("/2").header("X-Backend")).isEqualTo("green");
                }
            });
            runner.run(context -> assertThat(context).hasNotFailed());
            logged = log.messages();
        }

        assertThat(logged)
                .filteredOn(line -> line.startsWith("bluegreen proxy listening on"))
                .satisfiesExactly(
                        plain -> assertThat(plain).contains("1 event loops)").doesNotContain("yield"),
                        byDefault -> assertThat(byDefault).contains("1 event loops that yield after I/O)"));
    }
}
