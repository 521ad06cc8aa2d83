package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bluegreen.testing.RawHttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner's {@code --access-log}: a line per request on the logger bluegreen.access, none without the flag. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyCommandAccessLogTest {

    private final DemoBackend blue = DemoBackend.builder("blue").build();
    private final ch.qos.logback.classic.Logger logger =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("bluegreen.access");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        blue.start().get(10, TimeUnit.SECONDS);
        lines.start();
        logger.addAppender(lines);
        // The tests' logging configuration keeps INFO from every logger but bluegreen's (the runner's lets these by).
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @AfterEach
    void stop() throws Exception {
        logger.detachAppender(lines);
        logger.setLevel(null);
        blue.stop().get(10, TimeUnit.SECONDS);
    }

    @Test
    void withTheFlag_eachRequestIsALine() throws Exception {
        StandaloneProxy proxy = startProxy("--access-log");
        try (RawHttpClient client = RawHttpClient.connect(proxy.proxy().port())) {
            assertThat(client.get("/hello").status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).until(() -> !lines.list.isEmpty());
            assertThat(lines.list.get(0).getFormattedMessage())
                    .matches("127\\.0\\.0\\.1 \"GET /hello HTTP/1\\.1\" 200 16 \\d+\\.\\d{3}ms blue 127\\.0\\.0\\.1:"
                            + blue.port());
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutTheFlag_nothingIsLogged() throws Exception {
        StandaloneProxy proxy = startProxy();
        try (RawHttpClient client = RawHttpClient.connect(proxy.proxy().port())) {
            assertThat(client.get("/hello").status()).isEqualTo(200);
            // The exchange is recorded before the next request on the connection is read: a second answer proves it.
            assertThat(client.get("/again").status()).isEqualTo(200);

            assertThat(lines.list).isEmpty();
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    private StandaloneProxy startProxy(String... extra) throws Exception {
        List<String> options = new ArrayList<>(List.of("--blue", "127.0.0.1:" + blue.port()));
        options.addAll(List.of(extra));
        return RunnerUsage.started(options.toArray(String[]::new));
    }
}
