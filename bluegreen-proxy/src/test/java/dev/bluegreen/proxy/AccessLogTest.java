package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The access log: one line per exchange on the logger bluegreen.access while it is on, none while it is off. */
class AccessLogTest {

    private final ch.qos.logback.classic.Logger logger =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("bluegreen.access");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private List<String> logged() {
        // The event loop adds to the list while holding the appender's lock: copy under the same lock.
        synchronized (lines) {
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void whileOn_eachExchangeIsOneLine_sayingColourBackendStatusAndSize() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/before").status()).isEqualTo(200);
            // An exchange is logged (or not) as it ends, which on its event loop may be just after the client read
            // the response: the log is turned on and off only once the exchange before has ended.
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.proxy.exchangesEnded(Colour.BLUE) == 1);
            fixture.proxy.accessLog(true);

            assertThat(client.get("/items/42?q=%22x%22").status()).isEqualTo(200);
            fixture.admin.switchTo(Colour.GREEN);
            assertThat(client.get("/after").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> logged().size() >= 2);
            fixture.proxy.accessLog(false);
            assertThat(client.get("/off").status()).isEqualTo(200);

            String blue = "127.0.0.1:" + fixture.blue().port();
            String green = "127.0.0.1:" + fixture.green().port();
            await().atMost(Duration.ofSeconds(5)).until(() -> logged().size() >= 2);
            assertThat(logged()).hasSize(2);
            assertThat(logged().get(0)).matches("127\\.0\\.0\\.1 \"GET /items/42\\?q=%22x%22 HTTP/1\\.1\" 200 6 "
                    + "\\d+\\.\\d{3}ms blue " + java.util.regex.Pattern.quote(blue));
            assertThat(logged().get(1)).matches("127\\.0\\.0\\.1 \"GET /after HTTP/1\\.1\" 200 7 \\d+\\.\\d{3}ms green "
                    + java.util.regex.Pattern.quote(green));
        }
    }

    @Test
    void aRequestNoBackendTook_isLoggedWithTheProxysStatus_andTheBackendTriedLast() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            fixture.proxy.accessLog(true);
            String blue = "127.0.0.1:" + fixture.blue().port();
            fixture.blue().close();

            assertThat(client.get("/down").status()).isEqualTo(502);

            await().atMost(Duration.ofSeconds(5)).until(() -> !logged().isEmpty());
            assertThat(logged().get(0)).matches("127\\.0\\.0\\.1 \"GET /down HTTP/1\\.1\" 502 \\d+ \\d+\\.\\d{3}ms "
                    + "blue " + java.util.regex.Pattern.quote(blue));
        }
    }
}
