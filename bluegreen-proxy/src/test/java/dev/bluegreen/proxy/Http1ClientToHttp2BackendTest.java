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
