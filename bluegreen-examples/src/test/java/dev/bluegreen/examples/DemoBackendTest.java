package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoBackendTest {

    private final DemoBackend backend = DemoBackend.builder("blue").version("v1").maxContentLength(1024).build();

    @BeforeEach
    void start() throws Exception {
        backend.start().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        backend.stop().get(10, TimeUnit.SECONDS);
    }

    @Test
    void keepAlive_servesSeveralRequestsOnOneConnection() throws Exception {
        try (Socket socket = connect()) {
            for (int i = 0; i < 3; i++) {
                send(socket, "GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                String response = readResponse(socket.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello from blue (v1)\n");
                assertThat(response.toLowerCase(Locale.ROOT))
                        .contains("x-backend: blue\r\n", "content-type: text/plain", "content-length: 21\r\n");
            }
        }
        assertThat(backend.served()).isEqualTo(3);
    }

    @Test
    void downAndUp_switchEveryAnswerAndTheHealthCheck_andHealthChecksAreNotCounted() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok\n");

            send(socket, "POST /demo/down HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("blue is down\n");
            assertThat(backend.isUp()).isFalse();
            send(socket, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 503 ").endsWith("down\n");
            send(socket, "GET /page HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 503 ").endsWith("blue is down\n");

            backend.up();
            send(socket, "GET /page HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK");
        }
        assertThat(backend.served()).as("only the page served while up").isEqualTo(1);
    }

    @Test
    void connectionClose_isHonoured() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void head_hasTheHeadersButNoBody() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = readHead(socket.getInputStream());
            assertThat(head.toLowerCase(Locale.ROOT)).contains("content-length: 21");
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            // Had the HEAD response carried a body, it would be read here instead of the next status line.
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK");
        }
    }

    @Test
    void smallBody_isReadAndIgnored() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK");
        }
    }

    @Test
    void bodyOverTheLimit_gets413_andTheConnectionStaysUsable() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + "x".repeat(4096));
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 413");
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK");
        }
        assertThat(backend.served()).isEqualTo(1);
    }

    @Test
    void malformedRequest_gets400_andTheConnectionIsClosed() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 400");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void stop_closesOpenConnections() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            readResponse(socket.getInputStream());

            backend.stop().get(10, TimeUnit.SECONDS);

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void start_twice_isRefused() {
        assertThatThrownBy(backend::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void start_onAPortInUse_failsWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DemoBackend second = DemoBackend.builder("green").listen("127.0.0.1", taken.getLocalPort()).build();
            Throwable failure = second.start().handle((ok, error) -> error).get(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            await().atMost(Duration.ofSeconds(10)).until(() -> second.stop().isDone());
        }
    }

    @Test
    void builder_refusesANameThatCantBeAHeaderValue() {
        assertThatThrownBy(() -> DemoBackend.builder("a\r\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> DemoBackend.builder(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), backend.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads a response head and a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
