package dev.bluegreen.proxy.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One upstream HTTP/2 stream as the exchange sees it: what it adds to a gRPC request, how it hands up responses. */
class Http2UpstreamTest {

    private final List<HttpObject> received = new ArrayList<>();
    private final AtomicInteger closes = new AtomicInteger();
    private final Http2Upstream upstream = new Http2Upstream(Colour.BLUE, Backend.of("127.0.0.1", 9000), true,
            closes::incrementAndGet);
    private final EmbeddedChannel stream = new EmbeddedChannel(upstream);

    Http2UpstreamTest() {
        upstream.attach(new UpstreamListener() {
            @Override
            public void onUpstreamMessage(HttpObject message) {
                received.add(message);
            }

            @Override
            public void onUpstreamReadComplete() {
            }

            @Override
            public void onUpstreamWritable() {
            }

            @Override
            public void onUpstreamClosed() {
            }

            @Override
            public void onUpstreamFailure(Throwable cause) {
            }
        });
    }

    @Test
    void grpcRequest_getsTeTrailers_andOthersDoNot() {
        HttpRequest call = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/svc/Method");
        call.headers().set("content-type", "application/grpc");
        upstream.writeAndFlush(call);
        assertThat(((HttpRequest) stream.readOutbound()).headers().get("te")).isEqualTo("trailers");

        HttpRequest plain = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        upstream.writeAndFlush(plain);
        assertThat(((HttpRequest) stream.readOutbound()).headers().contains("te")).isFalse();
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void trailersOnlyResponse_isHandedUpAsAHeadAndAnEndWithTheCallsTrailers() {
        FullHttpResponse trailersOnly = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        trailersOnly.headers().set("content-type", "application/grpc").set("grpc-status", "5")
                .set("grpc-message", "no such thing").set("x-app", "kept").set("x-http2-stream-id", "3");
        stream.writeInbound(trailersOnly);

        assertThat(received).hasSize(2);
        HttpResponse head = (HttpResponse) received.get(0);
        assertThat(head.headers().names()).containsExactly("content-type");
        LastHttpContent end = (LastHttpContent) received.get(1);
        assertThat(end.trailingHeaders().get("grpc-status")).isEqualTo("5");
        assertThat(end.trailingHeaders().get("grpc-message")).isEqualTo("no such thing");
        assertThat(end.trailingHeaders().get("x-app")).isEqualTo("kept");
        assertThat(end.trailingHeaders().contains("x-http2-stream-id")).isFalse();
        assertThat(trailersOnly.refCnt()).as("the whole response was released").isZero();
        received.forEach(ReferenceCountUtil::release);
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bodylessResponse_isAHeadWithItsHeadersAndAnEmptyEnd() {
        FullHttpResponse noContent = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.NO_CONTENT);
        noContent.headers().set("etag", "\"v1\"").set("x-http2-stream-id", "5");
        stream.writeInbound(noContent);

        assertThat(received).hasSize(2);
        HttpResponse head = (HttpResponse) received.get(0);
        assertThat(head.status().code()).isEqualTo(204);
        assertThat(head.headers().get("etag")).isEqualTo("\"v1\"");
        assertThat(head.headers().contains("x-http2-stream-id")).isFalse();
        assertThat(((LastHttpContent) received.get(1)).trailingHeaders().isEmpty()).isTrue();
        received.forEach(ReferenceCountUtil::release);
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void closedStream_isCountedOnce_howeverItCloses() {
        upstream.release(false);
        upstream.streamClosed();
        assertThat(stream.isOpen()).isFalse();
        assertThat(closes.get()).isEqualTo(1);
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }
}
