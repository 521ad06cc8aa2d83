package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bluegreen.limits.max-request-line-length}, {@code .max-header-size}, {@code .max-header-count},
 * {@code .request-header-timeout}, {@code .request-body-timeout}, {@code .drop-underscore-headers},
 * {@code .forward-proxy-authorization}, {@code .lingering-close-time} and {@code .lingering-close-bytes}: applied to
 * the running proxy, or the startup fails naming the property, the value as written and what was expected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestLimitPropertiesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A head of some 20 kB, past the default 16 kB limit: refused with 431 after its first 16 kB. */
    private static final String OVERSIZED_HEAD = "GET / HTTP/1.1\r\nHost: shop.example\r\nX-Big: "
            + "a".repeat(20 * 1024) + "\r\n\r\n";

    private final TwoPools pools = new TwoPools();
    private final TestBackend blue = pools.blue;
    private final ApplicationContextRunner runner = pools.runner;

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void headerCountAndSize_above_theirLimits_get431_andReachNoBackend() {
        runner.withPropertyValues("bluegreen.limits.max-header-count=4", "bluegreen.limits.max-header-size=1KB")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    int port = context.getBean(BlueGreenProxy.class).port();
                    assertThat(get(port, headers(3, 10)).status()).as("4 fields with Host").isEqualTo(200);
                    assertThat(get(port, headers(4, 10)).status()).as("5 fields with Host").isEqualTo(431);
                    assertThat(get(port, headers(1, 1500)).status()).as("a 1.5 kB field").isEqualTo(431);
                    assertThat(blue.requestCount()).isOne();
                });
    }

    @Test
    void requestLine_longerThanItsLimit_gets414() {
        runner.withPropertyValues("bluegreen.limits.max-request-line-length=100B").run(context -> {
            assertThat(context).hasNotFailed();
            int port = context.getBean(BlueGreenProxy.class).port();
            try (RawHttpClient client = RawHttpClient.connect(port)) {
                assertThat(client.get("/" + "a".repeat(60)).status()).isEqualTo(200);
            }
            try (RawHttpClient client = RawHttpClient.connect(port)) {
                assertThat(client.get("/" + "a".repeat(120)).status()).isEqualTo(414);
            }
            assertThat(blue.requestCount()).isOne();
        });
    }

    @Test
    void requestHeaderTimeout_answers408_toAHeadThatDoesNotFinish() {
        runner.withPropertyValues("bluegreen.limits.request-header-timeout=300ms").run(context -> {
            assertThat(context).hasNotFailed();
            try (RawHttpClient client = RawHttpClient.connect(context.getBean(BlueGreenProxy.class).port())) {
                client.soTimeout(TIMEOUT).send("GET / HTTP/1.1\r\nHost: shop.example\r\nX-Slow: ");
                assertThat(client.readResponse().status()).isEqualTo(408);
                assertThat(client.isClosedByPeer(TIMEOUT)).isTrue();
            }
            assertThat(blue.requestCount()).isZero();
        });
    }

    @Test
    void requestBodyTimeout_answers408_toABodyThatStopsComing() {
        runner.withPropertyValues("bluegreen.limits.request-body-timeout=300ms").run(context -> {
            assertThat(context).hasNotFailed();
            try (RawHttpClient client = RawHttpClient.connect(context.getBean(BlueGreenProxy.class).port())) {
                client.soTimeout(TIMEOUT)
                        .send("POST / HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 10\r\n\r\nab");
                assertThat(client.readResponse().status()).isEqualTo(408);
            }
        });
    }

    @Test
    void dropUnderscoreHeaders_keepsThemFromTheBackend_unsetForwardsThem() {
        Map<String, String> sneaky = Map.of("Host", "shop.example", "X_Forwarded_For", "10.9.9.9");
        runner.withPropertyValues("bluegreen.limits.drop-underscore-headers=true").run(context -> {
            assertThat(get(context.getBean(BlueGreenProxy.class).port(), sneaky).status()).isEqualTo(200);
        });
        runner.run(context -> {
            assertThat(get(context.getBean(BlueGreenProxy.class).port(), sneaky).status()).isEqualTo(200);
        });

        assertThat(blue.requests()).map(seen -> seen.header("X_Forwarded_For")).containsExactly(null, "10.9.9.9");
        assertThat(blue.requests()).map(SeenRequest::method).containsExactly("GET", "GET");
    }

    @Test
    void forwardProxyAuthorization_passesItToTheBackend_unsetStripsIt() {
        Map<String, String> withCredentials = Map.of("Host", "shop.example", "Proxy-Authorization", "Basic dTpw");
        runner.withPropertyValues("bluegreen.limits.forward-proxy-authorization=true").run(context -> {
            assertThat(get(context.getBean(BlueGreenProxy.class).port(), withCredentials).status()).isEqualTo(200);
        });
        runner.run(context -> {
            assertThat(get(context.getBean(BlueGreenProxy.class).port(), withCredentials).status()).isEqualTo(200);
        });

        assertThat(blue.requests()).map(seen -> seen.header("Proxy-Authorization")).containsExactly("Basic dTpw", null);
    }

    @Test
    void lingeringCloseTime_keepsARefusedConnectionReadingForAsLongAsSet() {
        runner.withPropertyValues("bluegreen.limits.lingering-close-time=30s").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                client.soTimeout(TIMEOUT).send(OVERSIZED_HEAD);
                assertThat(client.readResponse().status()).isEqualTo(431);

                // The default, 2 s, would have closed it within this wait.
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                        .until(() -> proxy.clientConnections() == 1);
            }
        });
    }

    @Test
    void lingeringCloseBytes_closesARefusedConnectionThatSendsPastThem() {
        runner.withPropertyValues("bluegreen.limits.lingering-close-time=30s",
                        "bluegreen.limits.lingering-close-bytes=1KB")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
                    try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                        client.soTimeout(TIMEOUT).send(OVERSIZED_HEAD);
                        assertThat(client.readResponse().status()).isEqualTo(431);
                        // The client, unaware, sends on: the lingering close reads and drops it.
                        client.send("x".repeat(8 * 1024));

                        // Only the byte limit can close it before the 30 s are up.
                        await().atMost(TIMEOUT).until(() -> proxy.clientConnections() == 0);
                    }
                });
    }

    @Test
    void invalidValues_failTheStartupNamingThePropertyAndTheValueAsWritten() {
        pools.assertRefused("bluegreen.limits.max-header-count", "0", "maxHeaderCount: 0 (expected: >= 1)",
                "bluegreen.limits.max-header-count=0");
        pools.assertRefused("bluegreen.limits.max-request-line-length", "10B",
                "maxRequestLineLength: 10 (expected: >= 64)", "bluegreen.limits.max-request-line-length=10B");
        pools.assertRefused("bluegreen.limits.max-header-size", "100B", "maxHeaderSize: 100 (expected: >= 256)",
                "bluegreen.limits.max-header-size=100B");
        // A size is shown in bytes, as Boot's DataSize prints it.
        pools.assertRefused("bluegreen.limits.max-header-size", "3221225472B", "expected: at most 2147483647 bytes",
                "bluegreen.limits.max-header-size=3GB");
        pools.assertRefused("bluegreen.limits.request-header-timeout", "0s", "requestHeaderTimeout: 0s (expected: > 0)",
                "bluegreen.limits.request-header-timeout=0s");
        pools.assertRefused("bluegreen.limits.request-body-timeout", "", "expected: a duration",
                "bluegreen.limits.request-body-timeout=");
        pools.assertRefused("bluegreen.limits.lingering-close-time", "-1s", "lingeringCloseTime: -1s (expected: >= 0)",
                "bluegreen.limits.lingering-close-time=-1s");
        pools.assertRefused("bluegreen.limits.lingering-close-bytes", "-1B", "lingeringCloseBytes: -1 (expected: >= 0)",
                "bluegreen.limits.lingering-close-bytes=-1B");
    }

    /** {@code Host} and {@code fields} more header fields of {@code valueLength} characters each. */
    private static Map<String, String> headers(int fields, int valueLength) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "shop.example");
        for (int i = 0; i < fields; i++) {
            headers.put("X-Field-" + i, "v".repeat(valueLength));
        }
        return headers;
    }

    private static RawResponse get(int port, Map<String, String> headers) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.request("GET", "/", headers).readResponse();
        }
    }
}
