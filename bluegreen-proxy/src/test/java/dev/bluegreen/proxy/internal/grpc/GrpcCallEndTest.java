package dev.bluegreen.proxy.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.request.ErrorResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a gRPC call's stream ends when the proxy cuts it, and the status recorded for each call. */
class GrpcCallEndTest {

    private final List<String> recorded = new ArrayList<>();
    private final GrpcCallEnd call =
            new GrpcCallEnd((status, source) -> recorded.add(GrpcStatus.name(status) + " " + source));

    private void request(String contentType) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/svc/Method");
        request.headers().set("content-type", contentType);
        call.requestHead(request);
    }

    /** Writes the messages of a response, as the stream does, then lets them go. */
    private void respond(Object... messages) {
        for (Object message : messages) {
            call.writing(message);
            ReferenceCountUtil.release(message);
        }
    }

    /** Cuts the call as the stream does: what {@link GrpcCallEnd#cut()} gives is written, then the stream closes. */
    private Object cutAndClose() {
        Object end = call.cut();
        call.writing(end);
        call.streamClosed();
        return end;
    }

    /** Response body bytes from the default (leak-tracked) allocator. */
    private static ByteBuf bytes(int... values) {
        ByteBuf bytes = ByteBufAllocator.DEFAULT.buffer(values.length);
        for (int value : values) {
            bytes.writeByte(value);
        }
        return bytes;
    }

    private static DefaultHttpResponse head() {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "application/grpc");
        return head;
    }

    @Test
    void callCutBeforeItsResponse_endsAsTrailersOnlyWithUnavailable() {
        request("application/grpc");
        Object cut = cutAndClose();

        assertThat(cut).isInstanceOf(FullHttpResponse.class);
        FullHttpResponse end = (FullHttpResponse) cut;
        assertThat(end.status().code()).isEqualTo(200);
        assertThat(end.headers().get("content-type")).isEqualTo("application/grpc");
        assertThat(end.headers().get("grpc-status")).isEqualTo("14");
        assertThat(end.headers().get("grpc-message")).contains("the proxy ended the call");
        assertThat(end.content().readableBytes()).isZero();
        end.release();
        assertThat(call.cut()).as("cut once only").isNull();
        assertThat(recorded).containsExactly("UNAVAILABLE PROXY");
    }

    @Test
    void callCutBetweenTwoMessages_endsWithTrailersOfUnavailable() {
        request("application/grpc+proto");
        respond(head(), new DefaultHttpContent(bytes(0, 0, 0, 0, 1, 'a')));
        Object cut = cutAndClose();

        assertThat(cut).isInstanceOf(LastHttpContent.class).isNotInstanceOf(FullHttpResponse.class);
        LastHttpContent end = (LastHttpContent) cut;
        assertThat(end.content().readableBytes()).isZero();
        assertThat(end.trailingHeaders().get("grpc-status")).isEqualTo("14");
        end.release();
        assertThat(recorded).containsExactly("UNAVAILABLE PROXY");
    }

    @Test
    void callCutInsideAMessage_isResetWithCancel() {
        request("application/grpc");
        respond(head(), new DefaultHttpContent(bytes(0, 0, 0, 0, 9, 'a')));
        Object cut = cutAndClose();

        assertThat(cut).isInstanceOfSatisfying(Http2ResetFrame.class,
                end -> assertThat(end.errorCode()).isEqualTo(Http2Error.CANCEL.code()));
        assertThat(recorded).containsExactly("CANCELLED PROXY");
    }

    @Test
    void callThatEnds_recordsTheBackendsStatus_andClosesPlainly() {
        request("application/grpc");
        LastHttpContent trailers = new DefaultLastHttpContent();
        trailers.trailingHeaders().set("grpc-status", "7");
        respond(head(), trailers);

        assertThat(call.cut()).as("nothing more after the trailers").isNull();
        call.streamClosed();
        assertThat(recorded).containsExactly("PERMISSION_DENIED BACKEND");
    }

    @Test
    void proxysOwnErrorAnswer_isRecordedAsAGrpcClientReadsIt() {
        request("application/grpc");
        respond(ErrorResponses.of(ByteBufAllocator.DEFAULT, HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend",
                false));

        assertThat(call.cut()).isNull();
        call.streamClosed();
        assertThat(recorded).containsExactly("UNAVAILABLE PROXY");
    }

    @Test
    void backendsResponseReadWhole_isRecordedAsTheBackends() {
        // An HTTP/1.1 backend's response read whole with its head comes as one message, as the proxy's own do.
        request("application/grpc");
        respond(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND));

        assertThat(call.cut()).as("ended: nothing added").isNull();
        call.streamClosed();
        assertThat(recorded).containsExactly("UNIMPLEMENTED BACKEND");
    }

    @Test
    void streamThatGoesAwayUnderACall_isRecordedAsCancelledByTheClient() {
        request("application/grpc");
        respond(head());
        call.streamClosed();

        assertThat(recorded).containsExactly("CANCELLED CLIENT");
        assertThat(call.cut()).as("nothing to write to a stream that is gone").isNull();
        assertThat(recorded).hasSize(1);
    }

    @Test
    void streamResetByItsOwnSide_leavesNothingToCut() {
        request("application/grpc");
        respond(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));

        assertThat(call.cut()).isNull();
        assertThat(recorded).as("no call took place that the proxy cut").isEmpty();
    }

    @Test
    void requestThatIsNoGrpcCall_isLeftAlone() {
        request("application/json");
        respond(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));

        assertThat(call.cut()).isNull();
        call.streamClosed();
        assertThat(recorded).isEmpty();
    }
}
