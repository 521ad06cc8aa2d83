package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/1.1 client in front of an HTTP/2 backend (a gRPC server over h2c): its requests still work, and the
 * response's trailers reach it in the last chunk when it said {@code TE: trailers}, and only then.
 */
class Http1ClientToHttp2BackendTest {

    /** An empty gRPC message: no compression, length 0. */
    private static final byte[] EMPTY_MESSAGE = new byte[5];

    private static RawResponse call(RawHttpClient client, boolean takesTrailers) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/grpc");
        headers.put("Content-Length", Integer.toString(EMPTY_MESSAGE.length));
        if (takesTrailers) {
            headers.put("TE", "trailers");
        }
        client.request("POST", "/bluegreen.test.Colours/Which", headers).send(EMPTY_MESSAGE);
        return client.readResponse();
    }

    /** The one message of a gRPC response body, as text. */
    private static String message(RawResponse response) {
        byte[] body = response.body();
        assertThat(body[0]).as("not compressed").isZero();
        int length = (body[1] & 0xFF) << 24 | (body[2] & 0xFF) << 16 | (body[3] & 0xFF) << 8 | body[4] & 0xFF;
        assertThat(body).hasSize(5 + length);
        return new String(Arrays.copyOfRange(body, 5, body.length), StandardCharsets.UTF_8);
    }

    @Test
    void clientThatTakesTrailers_getsAChunkedResponse_withTheGrpcStatusInItsTrailers() {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy);
             RawHttpClient client = RawHttpClient.connect(fixture.proxy.port())) {
            RawResponse response = call(client, true);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(response.header("Content-Type")).isEqualTo("application/grpc");
            assertThat(message(response)).isEqualTo("blue-1");
            assertThat(response.trailer("grpc-status")).isEqualTo("0");
            assertThat(response.header("x-http2-stream-id")).as("the stream codec's header stays inside").isNull();

            fixture.admin.switchTo(Colour.GREEN);
            RawResponse next = call(client, true);
            assertThat(message(next)).as("the next request on the connection is routed afresh").isEqualTo("green-1");
            assertThat(next.trailer("grpc-status")).isEqualTo("0");
        }
    }

    @Test
    void pipelinedRequests_eachGetTheTrailersTheirOwnTeAsksFor() {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy);
             RawHttpClient client = RawHttpClient.connect(fixture.proxy.port())) {
            // Both requests in one write: the second is read, and waits its turn, before the first is answered.
            client.send(rawCall(fixture, true) + rawCall(fixture, false));

            RawResponse first = client.readResponse();
            RawResponse second = client.readResponse();

            assertThat(message(first)).isEqualTo("blue-1");
            assertThat(first.trailer("grpc-status")).as("asked for by the first request's TE").isEqualTo("0");
            assertThat(message(second)).isEqualTo("blue-1");
            assertThat(second.trailers()).as("the second request did not ask").isEmpty();
        }
    }

    /** A whole gRPC call on the wire, as {@link #call} sends it. */
    private static String rawCall(GrpcFixture fixture, boolean takesTrailers) {
        return "POST /bluegreen.test.Colours/Which HTTP/1.1\r\nHost: 127.0.0.1:" + fixture.proxy.port() + "\r\n"
                + "Content-Type: application/grpc\r\nContent-Length: " + EMPTY_MESSAGE.length + "\r\n"
                + (takesTrailers ? "TE: trailers\r\n" : "") + "\r\n"
                + new String(EMPTY_MESSAGE, StandardCharsets.ISO_8859_1);
    }

    @Test
    void clientThatDoesNotTakeTrailers_getsTheBody_withoutThem() {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy);
             RawHttpClient client = RawHttpClient.connect(fixture.proxy.port())) {
            RawResponse response = call(client, false);

            assertThat(response.status()).isEqualTo(200);
            assertThat(message(response)).isEqualTo("blue-1");
            assertThat(response.trailers()).isEmpty();
        }
    }
}
