package dev.bluegreen.proxy.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.request.ErrorResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a gRPC call's stream ends when the proxy cuts it, and the status recorded for each call. */
class GrpcCallEndTest {

    private final List<String> recorded = new ArrayList<>();
    private final EmbeddedChannel stream = new EmbeddedChannel(
            new GrpcCallEnd((status, source) -> recorded.add(GrpcStatus.name(status) + " " + source)));

    private void request(String contentType) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/svc/Method");
        request.headers().set("content-type", contentType);
        stream.writeInbound(request);
        assertThat((Object) stream.readInbound()).isSameAs(request);
    }

    private void respond(Object... messages) {
        for (Object message : messages) {
            stream.writeOutbound(message);
            ReferenceCountUtil.release(stream.readOutbound());
        }
    }

    private static DefaultHttpResponse head() {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "application/grpc");
        return head;
    }

    @Test
    void callCutBeforeItsResponse_endsAsTrailersOnlyWithUnavailable() {
        request("application/grpc");
        stream.close();

        FullHttpResponse end = stream.readOutbound();
        assertThat(end.status().code()).isEqualTo(200);
        assertThat(end.headers().get("content-type")).isEqualTo("application/grpc");
        assertThat(end.headers().get("grpc-status")).isEqualTo("14");
        assertThat(end.headers().get("grpc-message")).contains("the proxy ended the call");
        end.release();
        assertThat(stream.isOpen()).isFalse();
        assertThat(recorded).containsExactly("UNAVAILABLE PROXY");
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void callCutBetweenTwoMessages_endsWithTrailersOfUnavailable() {
        request("application/grpc+proto");
        respond(head(), new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 1, 'a'})));
        stream.close();

        LastHttpContent end = stream.readOutbound();
        assertThat(end.content().readableBytes()).isZero();
        assertThat(end.trailingHeaders().get("grpc-status")).isEqualTo("14");
        end.release();
        assertThat(recorded).containsExactly("UNAVAILABLE PROXY");
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void callCutInsideAMessage_isResetWithCancel() {
        request("application/grpc");
        respond(head(), new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 9, 'a'})));
        stream.close();

        Http2ResetFrame end = stream.readOutbound();
        assertThat(end.errorCode()).isEqualTo(Http2Error.CANCEL.code());
        assertThat(recorded).containsExactly("CANCELLED PROXY");
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void callThatEnds_recordsTheBackendsStatus_andClosesPlainly() {
        request("application/grpc");
        LastHttpContent trailers = new DefaultLastHttpContent();
        trailers.trailingHeaders().set("grpc-status", "7");
        respond(head(), trailers);
        stream.close();

        assertThat((Object) stream.readOutbound()).as("nothing more after the trailers").isNull();
        assertThat(recorded).containsExactly("PERMISSION_DENIED BACKEND");
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void proxysOwnErrorAnswer_isRecordedAsAGrpcClientReadsIt() {
        request("application/grpc");
        respond(ErrorResponses.of(stream.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend", false));
        stream.close();

        assertThat((Object) stream.readOutbound()).isNull();
        assertThat(recorded).containsExactly("UNAVAILABLE PROXY");
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void backendsResponseReadWhole_isRecordedAsTheBackends() {
        // An HTTP/1.1 backend's response read whole with its head comes as one message, as the proxy's own do.
        request("application/grpc");
        respond(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND));
        stream.close();

        assertThat((Object) stream.readOutbound()).as("ended: nothing added").isNull();
        assertThat(recorded).containsExactly("UNIMPLEMENTED BACKEND");
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void streamThatGoesAwayUnderACall_isRecordedAsCancelledByTheClient() {
        request("application/grpc");
        respond(head());
        stream.pipeline().fireChannelInactive();

        assertThat(recorded).containsExactly("CANCELLED CLIENT");
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void requestThatIsNoGrpcCall_isLeftAlone() {
        request("application/json");
        respond(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        stream.close();

        assertThat((Object) stream.readOutbound()).isNull();
        assertThat(recorded).isEmpty();
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }
}
