package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per malformed or refused request (RFC 9110 / RFC 9112): the raw bytes a client sends, the status the proxy
 * answers with, and in every row the connection closes and nothing reaches a backend: the proxy never even connects
 * to one. Every request of a row arrives in one write, as one read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestTest {

    private static final String H = "Host: shop.example\r\n";
    private ProxyFixture fixture;

    @BeforeAll
    void start() {
        fixture = ProxyFixture.start();
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // framing, RFC 9112 §6
                row("Content-Length and Transfer-Encoding", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                row("Content-Length +4", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: +4\r\n\r\nabcd"),
                row("Content-Length -1", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\nabcd"),
                row("Content-Length 0x4", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x4\r\n\r\nabcd"),
                row("Content-Length list that disagrees", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 4, 5\r\n\r\nabcd"),
                row("two Content-Length fields", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcd"),
                row("Content-Length overflow", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999999\r\n\r\nabcd"),
                row("chunked not the final coding", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
                row("unknown transfer coding before chunked", 501,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                row("unknown transfer coding alone", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: foo\r\n\r\n0\r\n\r\n"),
                row("Transfer-Encoding with no coding", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: ,\r\n\r\n0\r\n\r\n"),
                row("chunked twice", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                row("Transfer-Encoding on HTTP/1.0", 400,
                        "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                row("chunk size not hex", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
                row("chunk size overflow", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
                row("malformed chunk extension", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3;a=\"b\r\nabc\r\n0\r\n\r\n"),
                row("chunk data longer than its size", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"),
                row("bare LF after a chunk size", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"),
                // lines and fields, RFC 9112 §2.2, §5
                row("bare LF line endings", 400, "GET / HTTP/1.1\nHost: shop.example\n\n"),
                row("bare LF after one field", 400, "GET / HTTP/1.1\r\nHost: shop.example\nX: y\r\n\r\n"),
                row("NUL in a field value", 400, "GET / HTTP/1.1\r\n" + H + "X: a\0b\r\n\r\n"),
                row("CR in a field value", 400, "GET / HTTP/1.1\r\n" + H + "X: a\rb\r\n\r\n"),
                row("DEL in a field value", 400, "GET / HTTP/1.1\r\n" + H + "X: a\u007fb\r\n\r\n"),
                row("space before the colon", 400, "GET / HTTP/1.1\r\nHost : shop.example\r\n\r\n"),
                row("tab before the colon", 400, "GET / HTTP/1.1\r\n" + H + "X\t: y\r\n\r\n"),
                row("field line without a colon", 400, "GET / HTTP/1.1\r\n" + H + "NoColon\r\n\r\n"),
                row("empty field name", 400, "GET / HTTP/1.1\r\n" + H + ": empty\r\n\r\n"),
                row("invalid character in a field name", 400, "GET / HTTP/1.1\r\n" + H + "X@Y: 1\r\n\r\n"),
                row("obs-fold with a space", 400, "GET / HTTP/1.1\r\n" + H + "X: a\r\n b\r\n\r\n"),
                row("obs-fold with a tab", 400, "GET / HTTP/1.1\r\n" + H + "X: a\r\n\tb\r\n\r\n"),
                row("whitespace before the first field", 400, "GET / HTTP/1.1\r\n Host: shop.example\r\n\r\n"),
                // request line, RFC 9112 §3
                row("NUL in the request target", 400, "GET /a\0b HTTP/1.1\r\n" + H + "\r\n"),
                row("space in the request target", 400, "GET /a b HTTP/1.1\r\n" + H + "\r\n"),
                row("CR in the request target", 400, "GET /a\rb HTTP/1.1\r\n" + H + "\r\n"),
                row("request target not in origin or absolute form", 400, "GET foo HTTP/1.1\r\n" + H + "\r\n"),
                row("asterisk target for GET", 400, "GET * HTTP/1.1\r\n" + H + "\r\n"),
                row("a fragment in the request target", 400, "GET /a#frag HTTP/1.1\r\n" + H + "\r\n"),
                row("a fragment in an absolute-form target", 400, "GET http://shop.example#frag HTTP/1.1\r\n" + H
                        + "\r\n"),
                row("absolute-form without Host", 400, "GET http://shop.example/ HTTP/1.1\r\n\r\n"),
                row("absolute-form with userinfo", 400, "GET http://u@shop.example/ HTTP/1.1\r\n" + H + "\r\n"),
                row("invalid method character", 400, "G(T / HTTP/1.1\r\n" + H + "\r\n"),
                row("unknown protocol", 400, "GET / FOO/1.1\r\n" + H + "\r\n"),
                row("protocol name in lower case", 400, "GET / http/1.1\r\n" + H + "\r\n"),
                row("protocol name in mixed case", 400, "GET / Http/1.1\r\n" + H + "X: y\r\n\r\n"),
                row("HTTP/0.9 request", 400, "GET /\r\n\r\n"),
                row("HTTP/2.0 in an HTTP/1 request line", 505, "GET / HTTP/2.0\r\n" + H + "\r\n"),
                row("CONNECT", 501, "CONNECT shop.example:443 HTTP/1.1\r\n" + H + "\r\n"),
                row("request line over 8 KiB", 414, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + H + "\r\n"),
                // Host, RFC 9112 §3.2
                row("no Host on HTTP/1.1", 400, "GET / HTTP/1.1\r\n\r\n"),
                row("two Host fields", 400, "GET / HTTP/1.1\r\n" + H + "Host: other.example\r\n\r\n"),
                row("Host with a space", 400, "GET / HTTP/1.1\r\nHost: shop example\r\n\r\n"),
                row("Host with userinfo", 400, "GET / HTTP/1.1\r\nHost: u@shop.example\r\n\r\n"),
                row("Host with a port out of range", 400, "GET / HTTP/1.1\r\nHost: shop.example:99999\r\n\r\n"),
                row("Host with a bad IPv6 literal", 400, "GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n"),
                row("Host with an IPv6 literal that is no address", 400, "GET / HTTP/1.1\r\nHost: [:::::]\r\n\r\n"),
                row("Host with a bad percent-encoding", 400, "GET / HTTP/1.1\r\nHost: %zz\r\n\r\n"),
                row("empty Host", 400, "GET / HTTP/1.1\r\nHost:\r\n\r\n"),
                // limits, RFC 6585 §5
                row("header section over 16 KiB", 431,
                        "GET / HTTP/1.1\r\n" + H + "X: " + "a".repeat(17_000) + "\r\n\r\n"),
                row("101 header fields", 431, "GET / HTTP/1.1\r\n" + H + manyFields(100) + "\r\n"),
                // expectations, RFC 9110 §10.1.1
                row("unknown expectation", 417, "GET / HTTP/1.1\r\n" + H + "Expect: teapot\r\n\r\n"));
    }

    private static Arguments row(String name, int status, String raw) {
        return Arguments.of(name, status, raw);
    }

    private static String manyFields(int count) {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < count; i++) {
            fields.append("X-F").append(i).append(": v\r\n");
        }
        return fields.toString();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("rows")
    void badRequest_isAnsweredWithItsStatus_closed_andNeverForwarded(String name, int status, String raw) {
        try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send(raw);
            RawResponse response = client.readResponse();

            assertThat(response.status()).as(name).isEqualTo(status);
            assertThat(response.header("Connection")).as(name).isEqualToIgnoringCase("close");
            assertThat(response.bodyText()).as("a short body that says why").isNotBlank();
            assertThat(response.bodyText()).as(name + ": the body starts with what the status means").startsWith(
                    switch (status) {
                        case 414 -> "request line too long: ";
                        case 431 -> "request header fields too large: ";
                        case 501 -> "not implemented: ";
                        case 505 -> "HTTP version not supported: ";
                        case 400 -> "bad request: ";
                        default -> "";
                    });
            assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).as(name + ": connection closed").isTrue();
        }
        assertThat(fixture.blue().connectionsAccepted()).as(name + ": the backend saw nothing").isZero();
        assertThat(fixture.blue().requestCount()).as(name + ": the backend saw nothing").isZero();
    }

    /**
     * A malformed head is refused wherever it comes in a read: here behind a whole request, or behind a request's
     * body, in the same write. The request before it is answered; the malformed one never reaches the backend.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelinedBehind")
    void foldedHeadPipelinedBehindAnotherRequest_is400_andNeverForwarded(String name, String first) {
        try (ProxyFixture other = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(other.port())) {
            client.send(first + "GET /folded HTTP/1.1\r\n" + H + "X-A: 1\r\n folded\r\n\r\n");

            assertThat(client.readResponse().status()).as("the request before it").isEqualTo(200);
            RawResponse refused = client.readResponse();
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.bodyText()).contains("folded header line");
            assertThat(refused.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).isTrue();
            assertThat(other.blue().requests()).hasSize(1)
                    .allSatisfy(seen -> assertThat(seen.uri()).isEqualTo("/first"));
        }
    }

    static Stream<Arguments> pipelinedBehind() {
        return Stream.of(
                Arguments.of("behind a GET", "GET /first HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("behind a body", "POST /first HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc"),
                Arguments.of("behind a chunked body",
                        "POST /first HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
    }

    /**
     * A chunk line longer than the line limit (8 KiB, a huge chunk extension) is a malformed body, not a request line
     * too long: {@code 400}, not {@code 414}. Not a row of the table: the head may reach the backend before the proxy
     * has read that far into the body (the exchange then fails and its backend connection closes).
     */
    @org.junit.jupiter.api.Test
    void chunkExtensionOverTheLineLimit_is400NotUriTooLong() {
        try (ProxyFixture other = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(other.port())) {
            client.send("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3;a=" + "b".repeat(9000)
                    + "\r\nabc\r\n0\r\n\r\n");
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).startsWith("bad request: ").contains("chunk");
            assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).isTrue();
            // The head may have gone on before the proxy read the chunk line: then the backend's connection is cut,
            // and the backend saw no byte of the body.
            other.blue().awaitOpenConnections(0, Duration.ofSeconds(10));
            assertThat(other.blue().requests()).as("no body reached the backend")
                    .allSatisfy(seen -> assertThat(seen.bodyBytes()).isZero());
        }
    }

    /** The control: the same kind of proxy forwards a well-formed request, so "nothing reached it" means something. */
    @org.junit.jupiter.api.Test
    void wellFormedRequests_reachTheBackend() {
        try (ProxyFixture other = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(other.port())) {
            client.send("POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\n\r\n"
                    + "GET http://shop.example/b HTTP/1.1\r\nHost: other.example\r\n\r\n"
                    + "GET /c HTTP/1.1\r\nHost: [::1]:8080\r\nX: obs-text \u00ff\r\n\r\n"
                    // RFC 9110 §5.6.1: an empty list element is no coding.
                    + "POST /d HTTP/1.1\r\n" + H + "Transfer-Encoding: ,chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n");
            for (int i = 0; i < 4; i++) {
                assertThat(client.readResponse().status()).isEqualTo(200);
            }
            assertThat(other.blue().requestCount()).isEqualTo(4);
            assertThat(other.blue().requests().get(3).bodyBytes()).isEqualTo(3);
        }
    }
}
