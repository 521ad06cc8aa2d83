package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The send timeout: a client that takes none of a response for that long (an HTTP/2 client that never opens its
 * flow-control window, an HTTP/1.1 client that stops reading) has the response cut, and the backend's side is
 * released, rather than holding both for as long as it likes (a slow-read attack).
 */
class SendTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final int CANCEL = 0x8;

    private ProxyFixture fixture;

    @BeforeEach
    void start() {
        fixture = ProxyFixture.start(proxy -> proxy.sendTimeout(Duration.ofMillis(500)));
        // More than any socket buffer holds: the client side stops taking writes.
        fixture.blue().download(64L << 20);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void http2ClientThatNeverOpensItsWindow_hasTheStreamReset_andTheBackendReleased() throws Exception {
        // SETTINGS_INITIAL_WINDOW_SIZE (0x4) = 0: not one byte of DATA may come until a WINDOW_UPDATE, never sent.
        byte[] zeroWindow = ByteBuffer.allocate(6).putShort((short) 0x4).putInt(0).array();
        try (RawH2Connection client = RawH2Connection.open(fixture.port(), zeroWindow)) {
            client.get(1);

            assertThat(client.awaitStatus(1, TIMEOUT)).as("the head is not flow-controlled").isEqualTo(200);
            int reset = await().atMost(TIMEOUT).until(() -> client.received(RawH2Connection.RST_STREAM).stream()
                    .filter(frame -> frame.streamId() == 1).findFirst(), Optional::isPresent).orElseThrow().errorCode();
            assertThat(reset).isEqualTo(CANCEL);
            await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 0);
            fixture.blue().awaitOpenConnections(0, TIMEOUT);
            // The connection itself goes on.
            client.get(3);
            assertThat(client.awaitStatus(3, TIMEOUT)).isEqualTo(200);
        }
    }

    @Test
    void http1ClientThatStopsReading_hasItsConnectionClosed_andTheBackendReleased() throws Exception {
        try (Socket client = new Socket("127.0.0.1", fixture.port())) {
            OutputStream out = client.getOutputStream();
            out.write(("GET /big HTTP/1.1\r\nHost: 127.0.0.1:" + fixture.port() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Nothing is read: the proxy's writes back up.

            await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 0
                    && fixture.proxy.clientConnections() == 0);
            fixture.blue().awaitOpenConnections(0, TIMEOUT);
        }
    }
}
