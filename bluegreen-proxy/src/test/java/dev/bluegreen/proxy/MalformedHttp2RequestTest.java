package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rows of {@link MalformedRequestTest} that apply to HTTP/2, sent over h2c with prior knowledge as raw frames:
 * the same rules step judges them. A malformed request has its stream reset with {@code PROTOCOL_ERROR} (RFC 9113
 * §8.1.1); a request refused by policy is answered with its status; either way nothing reaches a backend and the
 * connection goes on serving other streams.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedHttp2RequestTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int PROTOCOL_ERROR = 0x1;
    /** The outcome of a malformed request: RST_STREAM PROTOCOL_ERROR, no response. */
    private static final int RESET = -1;

    private ProxyFixture fixture;

    @BeforeAll
    void start() {
        fixture = ProxyFixture.start(proxy -> proxy
                .allowedHosts(List.of("shop.example"))
                .maxRequestBodySize(10)
                .requestBodyTimeout(Duration.ofMillis(500)));
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    /** {@code GET /} for shop.example, with {@code changes} applied. */
    private static Http2Headers get(Consumer<Http2Headers> changes) {
        Http2Headers headers = new DefaultHttp2Headers(false)
                .method("GET").scheme("http").path("/").authority("shop.example");
        changes.accept(headers);
        return headers;
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // the request target, RFC 9113 §8.3.1
                row("a path not in origin form", RESET, get(h -> h.path("a/b"))),
                row("an absolute-form path", RESET, get(h -> h.path("http://shop.example/"))),
                row("an empty path", RESET, get(h -> h.path(""))),
                row("a space in the path", RESET, get(h -> h.path("/a b"))),
                row("NUL in the path", RESET, get(h -> h.path("/a\0b"))),
                row("an asterisk path for GET", RESET, get(h -> h.path("*"))),
                row("no :path", RESET, get(h -> h.remove(":path"))),
                row("no :method", RESET, get(h -> h.remove(":method"))),
                row("no :scheme", RESET, get(h -> h.remove(":scheme"))),
                // the authority, RFC 9113 §8.3.1, RFC 3986 §3.2.2
                row(":authority with a space", RESET, get(h -> h.authority("shop example"))),
                row(":authority with userinfo", RESET, get(h -> h.authority("u@shop.example"))),
                row(":authority with a port out of range", RESET, get(h -> h.authority("shop.example:99999"))),
                row(":authority with a bad IPv6 literal", RESET, get(h -> h.authority("[::g]"))),
                row("a Host field other than :authority", RESET, get(h -> h.add("host", "other.example"))),
                // fields, RFC 9113 §8.2
                row("an upper-case field name", RESET, get(h -> h.add("X-Upper", "1"))),
                row("a connection-specific field", RESET, get(h -> h.add("connection", "keep-alive"))),
                row("Transfer-Encoding", RESET, get(h -> h.add("transfer-encoding", "chunked"))),
                row("TE other than trailers", RESET, get(h -> h.add("te", "gzip"))),
                row("NUL in a field value", RESET, get(h -> h.add("x", "a\0b"))),
                row("CR in a field value", RESET, get(h -> h.add("x", "a\rb"))),
                row("an invalid character in a field name", RESET, get(h -> h.add("x@y", "1"))),
                row("Content-Length not a number", RESET, get(h -> h.add("content-length", "0x4"))),
                row("two Content-Length values that disagree", RESET,
                        get(h -> h.add("content-length", "4").add("content-length", "5"))),
                // refused by policy: answered with a status
                row("CONNECT", 501, new DefaultHttp2Headers(false).method("CONNECT").authority("shop.example:443")),
                row("101 header fields", 431, get(h -> {
                    for (int i = 0; i < 100; i++) {
                        h.add("x-f" + i, "v");
                    }
                })),
                row("an unknown expectation", 417, get(h -> h.add("expect", "teapot"))),
                row("a host not served here", 421, get(h -> h.authority("other.example"))));
    }

    private static Arguments row(String name, int outcome, Http2Headers headers) {
        return Arguments.of(name, outcome, headers);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("rows")
    void badRequest_isResetOrAnswered_andNeverForwarded(String name, int outcome, Http2Headers headers)
            throws Exception {
        long before = fixture.blue().requestCount();
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            client.headers(1, headers, true);

            if (outcome == RESET) {
                assertThat(awaitReset(client, 1)).as(name + ": RST_STREAM error code").isEqualTo(PROTOCOL_ERROR);
            } else {
                assertThat(client.awaitStatus(1, TIMEOUT)).as(name).isEqualTo(outcome);
            }
            // The connection goes on: a good request on another stream is served.
            client.headers(3, get(h -> { }), true);
            assertThat(client.awaitStatus(3, TIMEOUT)).as(name + ": the next stream").isEqualTo(200);
        }
        assertThat(fixture.blue().requestCount()).as(name + ": only the good request reached the backend")
                .isEqualTo(before + 1);
    }

    @Test
    void contentLengthAboveTheLimit_isAnswered413_beforeAnyOfTheBody() throws Exception {
        long before = fixture.blue().requestCount();
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            client.headers(1, get(h -> h.method("POST").add("content-length", "11")), false);

            assertThat(client.awaitStatus(1, TIMEOUT)).isEqualTo(413);
            // The client is still sending as far as the stream knows: it is asked to stop, without error.
            assertThat(awaitReset(client, 1)).isEqualTo(0);
        }
        assertThat(fixture.blue().requestCount()).isEqualTo(before);
    }

    @Test
    void bodyPastTheLimit_isAnswered413_andTheUploadIsStopped() throws Exception {
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            client.headers(1, get(h -> h.method("POST")), false);
            client.frame(RawH2Connection.DATA, RawH2Connection.END_STREAM, 1,
                    "twelve bytes".getBytes(StandardCharsets.US_ASCII));

            assertThat(client.awaitStatus(1, TIMEOUT)).isEqualTo(413);
        }
    }

    @Test
    void bodyThatStalls_isAnswered408() throws Exception {
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            client.headers(1, get(h -> h.method("POST")), false);
            client.frame(RawH2Connection.DATA, 0, 1, "abc".getBytes(StandardCharsets.US_ASCII));

            assertThat(client.awaitStatus(1, TIMEOUT)).isEqualTo(408);
        }
    }

    @Test
    void underscoreHeaders_areDropped_whenConfigured() throws Exception {
        try (ProxyFixture dropping = ProxyFixture.start(proxy -> proxy.dropUnderscoreHeaders(true));
             RawH2Connection client = RawH2Connection.open(dropping.port())) {
            client.headers(1, get(h -> h.add("x_forwarded_for", "1.2.3.4").add("x-kept", "yes")), true);

            assertThat(client.awaitStatus(1, TIMEOUT)).isEqualTo(200);
            assertThat(dropping.blue().requests().get(0).header("x-kept")).isEqualTo("yes");
            assertThat(dropping.blue().requests().get(0).headers()).doesNotContainKey("x_forwarded_for");
        }
    }

    @Test
    void asteriskPath_isAllowedForOptions() throws Exception {
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            client.headers(1, get(h -> h.method("OPTIONS").path("*")), true);

            assertThat(client.awaitStatus(1, TIMEOUT)).isEqualTo(200);
            List<dev.bluegreen.testing.SeenRequest> seen = fixture.blue().requests();
            assertThat(seen.get(seen.size() - 1).uri()).isEqualTo("*");
        }
    }

    /** The error code of the server's RST_STREAM on {@code streamId}. */
    private static int awaitReset(RawH2Connection client, int streamId) {
        return await().atMost(TIMEOUT).until(() -> frame(client, RawH2Connection.RST_STREAM, streamId),
                Optional::isPresent).map(frame -> ByteBuffer.wrap(frame.payload()).getInt()).orElseThrow();
    }

    private static Optional<RawH2Connection.Frame> frame(RawH2Connection client, int type, int streamId) {
        return client.received(type).stream().filter(frame -> frame.streamId() == streamId).findFirst();
    }
}
