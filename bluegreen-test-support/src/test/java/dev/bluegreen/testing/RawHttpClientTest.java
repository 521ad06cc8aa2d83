package dev.bluegreen.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's parsing, against canned server bytes. */
@Timeout(30)
class RawHttpClientTest {

    private ServerSocket server;
    private RawHttpClient client;
    private Socket accepted;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<Socket> accepting = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        client = RawHttpClient.connect(server.getLocalPort());
        accepted = accepting.join();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        accepted.close();
        server.close();
    }

    @Test
    void chunkedBody_isDecodedWithExtensionsAndTrailers() throws IOException {
        serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");

        RawResponse response = client.readResponse();

        assertThat(response.bodyText()).isEqualTo("hello world");
        assertThat(response.bodyLength()).isEqualTo(11);
        assertThat(response.headers("X-A")).containsExactly("1", "2");
        assertThat(response.trailer("x-trailer")).isEqualTo("t");
    }

    @Test
    void interimResponse_isReturnedOnItsOwn() throws IOException {
        serve("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");

        RawResponse interim = client.readResponse();
        RawResponse last = client.readResponse();

        assertThat(interim.status()).isEqualTo(100);
        assertThat(interim.reason()).isEqualTo("Continue");
        assertThat(last.status()).isEqualTo(201);
        assertThat(last.bodyText()).isEqualTo("ok");
    }

    @Test
    void closeDelimitedBody_isReadUntilTheServerCloses() throws IOException {
        serve("HTTP/1.0 200 OK\r\n\r\nuntil the end");
        accepted.close();

        RawResponse response = client.readResponse();

        assertThat(response.protocol()).isEqualTo("HTTP/1.0");
        assertThat(response.bodyText()).isEqualTo("until the end");
        assertThat(client.isClosedByPeer()).isTrue();
    }

    @Test
    void headResponse_hasNoBodyWhateverItsLength() throws IOException {
        serve("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");

        assertThat(client.readResponse(true).bodyLength()).isZero();
        assertThat(client.readResponse().status()).isEqualTo(204);
    }

    @Test
    void streamedBody_goesToTheSinkOnly() throws IOException {
        serve("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nstream");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RawResponse response = client.readResponse(BodySink.to(out));

        assertThat(response.body()).isEmpty();
        assertThat(response.bodyLength()).isEqualTo(6);
        assertThat(out.toString(ISO_8859_1)).isEqualTo("stream");
    }

    @Test
    void truncatedBody_failsWithEof() throws IOException {
        serve("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
        accepted.close();

        assertThatThrownBy(() -> client.readResponse())
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(EOFException.class)
                .hasMessageContaining("after 5 of 10 body bytes");
    }

    @Test
    void silence_failsWithTimeout() {
        client.soTimeout(Duration.ofMillis(100));

        assertThatThrownBy(() -> client.readResponse())
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void isClosedByPeer_keepsBytesThatArriveInstead() throws IOException {
        serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isFalse();
        assertThat(client.readResponse().status()).isEqualTo(200);
    }

    @Test
    void request_writesHostAndHeadersInOrder() throws IOException {
        client.request("GET", "/x", new LinkedHashMap<>(Map.of("A", "1")));

        String head = readHead(accepted.getInputStream());

        assertThat(head).isEqualTo("GET /x HTTP/1.1\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\nA: 1\r\n\r\n");
    }

    @Test
    void patternChunkedUpload_isWellFramed() throws IOException {
        client.sendPatternChunked(5, 2);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 5; i += 2) {
            int n = Math.min(2, 5 - i);
            expected.writeBytes((n + "\r\n").getBytes(ISO_8859_1));
            for (int j = i; j < i + n; j++) {
                expected.write(TestBackend.patternByte(j));
            }
            expected.writeBytes("\r\n".getBytes(ISO_8859_1));
        }
        expected.writeBytes("0\r\n\r\n".getBytes(ISO_8859_1));

        byte[] sent = accepted.getInputStream().readNBytes(expected.size());

        assertThat(sent).isEqualTo(expected.toByteArray());
    }

    private void serve(String raw) throws IOException {
        accepted.getOutputStream().write(raw.getBytes(ISO_8859_1));
        accepted.getOutputStream().flush();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(head.toString());
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
