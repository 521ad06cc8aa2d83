package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bluegreen.core.BlueGreen;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The lingering close (RFC 9112 §9.6): after a response that ends an HTTP/1.1 connection, the proxy shuts its
 * output, reads and drops what the client still sends, and closes only then, so a client that sends a whole oversized
 * request before reading gets the status and an orderly end of the stream, never a reset.
 */
class LingeringCloseTest {

    private static final String BIG_HEADER = "GET / HTTP/1.1\r\nHost: shop.example\r\nX-Big: "
            + "a".repeat(64 * 1024) + "\r\n\r\n";
    private static final String BIG_TARGET = "GET /" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: shop.example\r\n\r\n";

    @Test
    void headerOf64KiB_sentWhole_isAnswered431_andTheConnectionEndsWithoutAReset() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start(); Socket client = connect(fixture.port())) {
            client.getOutputStream().write(BIG_HEADER.getBytes(ISO_8859_1));

            String answer = readToTheEnd(client);

            assertThat(answer).startsWith("HTTP/1.1 431 ").containsIgnoringCase("Connection: close");
            assertThat(fixture.blue().connectionsAccepted()).isZero();
        }
    }

    @Test
    void requestTargetOf64KiB_sentWhole_isAnswered414_andTheConnectionEndsWithoutAReset() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start(); Socket client = connect(fixture.port())) {
            client.getOutputStream().write(BIG_TARGET.getBytes(ISO_8859_1));

            assertThat(readToTheEnd(client)).startsWith("HTTP/1.1 414 ");
        }
    }

    @Test
    void headerOf64KiB_overTls_isAnswered431_andTheStreamEndsWithCloseNotify() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()));
             SSLSocket client = (SSLSocket) TlsFixtures.jdkClientContext().getSocketFactory()
                     .createSocket("127.0.0.1", fixture.port())) {
            client.setSoTimeout(10_000);
            SSLParameters parameters = client.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            client.setSSLParameters(parameters);
            client.getOutputStream().write(BIG_HEADER.getBytes(ISO_8859_1));

            assertThat(readToTheEnd(client)).startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void clientStillSendingAfterTheRefusal_canFinishSending_thenReadsTheStatus() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start(); Socket client = connect(fixture.port())) {
            OutputStream out = client.getOutputStream();
            out.write(BIG_HEADER.substring(0, 20 * 1024).getBytes(ISO_8859_1));
            // The proxy has answered (the head passed its 16 KiB limit); the client, unaware, sends on.
            InputStream in = client.getInputStream();
            int first = in.read();
            out.write(BIG_HEADER.substring(20 * 1024).getBytes(ISO_8859_1));
            out.write(("X-More: " + "b".repeat(256 * 1024) + "\r\n\r\n").getBytes(ISO_8859_1));

            assertThat((char) first + readToTheEnd(client)).startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void clientSendingPastTheLingerBytes_isClosed() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.lingeringCloseBytes(64 * 1024));
             Socket client = connect(fixture.port())) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                OutputStream out = client.getOutputStream();
                out.write(BIG_HEADER.getBytes(ISO_8859_1));
                byte[] more = new byte[64 * 1024];
                // Socket buffers hold a few MiB at most; the proxy stops taking bytes well before 64 MiB.
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 1024; i++) {
                        out.write(more);
                    }
                }).isInstanceOf(IOException.class);
            });
        }
    }

    @Test
    void clientThatNeitherReadsNorCloses_isClosedAfterTheLingerTime() throws IOException {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.lingeringCloseTime(Duration.ofMillis(300)));
             Socket client = connect(fixture.port())) {
            client.getOutputStream().write(BIG_HEADER.getBytes(ISO_8859_1));

            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.proxy.clientConnections() == 0);
            assertThat(readToTheEnd(client)).startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void lingerSettings_outOfRange_areRefusedNamingTheValue() {
        try (BlueGreen admin = BlueGreen.builder().build()) {
            BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin);
            assertThatThrownBy(() -> builder.lingeringCloseTime(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lingeringCloseTime: -1s (expected: >= 0)");
            assertThatThrownBy(() -> builder.lingeringCloseBytes(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lingeringCloseBytes: -1 (expected: >= 0)");
            assertThat(RequestLimits.defaults().lingeringCloseTime()).isEqualTo(Duration.ofSeconds(2));
            assertThat(RequestLimits.defaults().lingeringCloseBytes()).isEqualTo(1024 * 1024);
        }
    }

    private static Socket connect(int port) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            return socket;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Everything the proxy sends until the end of the stream; a reset instead of that end fails the test. */
    private static String readToTheEnd(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        InputStream in = socket.getInputStream();
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException | javax.net.ssl.SSLException reset) {
            throw new AssertionError("the connection was reset after " + received.size() + " bytes: \""
                    + received.toString(ISO_8859_1) + "\"", reset);
        }
        return received.toString(ISO_8859_1);
    }
}
