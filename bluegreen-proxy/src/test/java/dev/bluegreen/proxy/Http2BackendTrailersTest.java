package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Trailers both ways through an h2c backend: a chunked HTTP/1.1 request's trailers reach the backend as an HTTP/2
 * trailers frame, and the backend's response trailers come back in the last chunk.
 */
class Http2BackendTrailersTest {

    /** An h2c server that echoes the request body and answers with the request's trailers, renamed, as its own. */
    private static H2cTestServer echoBackend() {
        return new H2cTestServer(stream -> stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                new HttpObjectAggregator(1 << 20), new Echo()));
    }

    private static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    request.content().retain());
            response.headers().set("content-type", "text/plain");
            request.trailingHeaders().forEach(trailer ->
                    response.trailingHeaders().add("x-request-" + trailer.getKey(), trailer.getValue()));
            response.trailingHeaders().set("x-te-seen", String.valueOf(request.headers().get("te")));
            ctx.writeAndFlush(response);
        }
    }

    @Test
    void chunkedRequestWithTrailers_reachesTheBackendWithThem_andItsTrailersComeBack() {
        try (H2cTestServer backend = echoBackend();
             BlueGreen admin = BlueGreen.builder().blue("v1", List.of(Backend.of("127.0.0.1", backend.port())))
                     .build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .backendProtocol(BackendProtocol.H2C).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                client.request("POST", "/echo", Map.of("Transfer-Encoding", "chunked", "TE", "trailers"))
                        .send("5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n");
                RawResponse response = client.readResponse();

                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("hello");
                assertThat(response.trailer("x-request-x-checksum")).as("the request's trailer reached the backend")
                        .isEqualTo("abc");
                assertThat(response.trailer("x-te-seen")).as("TE is hop-by-hop; not a gRPC call").isEqualTo("null");
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }
}
