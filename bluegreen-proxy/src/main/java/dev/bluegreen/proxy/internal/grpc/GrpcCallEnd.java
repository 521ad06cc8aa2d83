package dev.bluegreen.proxy.internal.grpc;

import dev.bluegreen.proxy.internal.request.ErrorResponses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;

/**
 * How a gRPC call on one client HTTP/2 stream ends: it records the call's gRPC status per colour, and ends a call the
 * proxy cuts (the drain deadline, a backend lost mid-call) as {@code UNAVAILABLE}, which gRPC clients may retry,
 * rather than with a bare reset (which grpc-java reports as {@code CANCELLED}) or a hang. Other streams pass through.
 *
 * <p>One per client stream, told by the stream of its request head, of each message of the response it writes, of a
 * cut, and of its end.
 *
 * <p>A call is cut when the stream is closed before the response's end went out. Then, per gRPC over HTTP/2:
 * <ul>
 *   <li>no response head sent yet: a "Trailers-Only" response, {@code :status 200}, {@code grpc-status 14};</li>
 *   <li>the head sent and the body between two messages: trailers with {@code grpc-status 14};</li>
 *   <li>inside a message (it spans DATA frames and the rest never came): {@code RST_STREAM CANCEL}, the code gRPC
 *       gives a server for a cut payload (trailers would leave the client a partial message, an {@code INTERNAL}
 *       error); the client sees {@code CANCELLED}.</li>
 * </ul>
 * The status recorded is the backend's ({@code grpc-status} in its trailers, or what a gRPC client makes of its HTTP
 * status), the proxy's (its own error answers and the cuts above), or {@code CANCELLED} when the client reset the
 * stream.
 */
public final class GrpcCallEnd {

    private final GrpcCallRecorder recorder;
    /** Where the response body is in its gRPC messages; made for a gRPC call only, as most streams are not. */
    private GrpcMessageFraming framing;
    private boolean grpc;
    private int httpStatus;
    private boolean headSent;
    private boolean ended;
    private boolean recorded;

    /** @param recorder where the call's end is recorded (with the colour that served it) */
    public GrpcCallEnd(GrpcCallRecorder recorder) {
        this.recorder = recorder;
    }

    /** The stream's request head: whether this is a gRPC call at all. */
    public void requestHead(HttpRequest request) {
        grpc = GrpcHeaders.isGrpc(request.headers());
        if (grpc) {
            framing = new GrpcMessageFraming();
        }
    }

    /** A message of the response (or a reset) about to be written to the stream. */
    public void writing(Object msg) {
        if (grpc && !ended) {
            follow(msg);
        }
    }

    private void follow(Object msg) {
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status < 200) {
                return;
            }
            httpStatus = status;
            headSent = true;
            if (ErrorResponses.isProxyAnswer(response)) {
                // The proxy's own 502, 503 or 504, written whole. (A backend's response may come whole too: its end
                // is read below, with its body, as a last piece's would be.)
                ended = true;
                record(statusOf(response.headers()), GrpcCallSource.PROXY);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            framing.advance(content.content());
            if (msg instanceof LastHttpContent last) {
                ended = true;
                record(statusOf(last.trailingHeaders()), GrpcCallSource.BACKEND);
            }
        } else if (msg instanceof Http2ResetFrame) {
            // A reset the stream's own handler sends (a malformed request, a refused one): no call took place.
            ended = true;
        }
    }

    /** The status a gRPC client reads from a response whose end carries {@code fields}. */
    private int statusOf(HttpHeaders fields) {
        int status = GrpcHeaders.status(fields);
        if (status >= 0) {
            return status;
        }
        return httpStatus == 200 ? GrpcStatus.UNKNOWN : GrpcStatus.ofHttpStatus(httpStatus);
    }

    /**
     * The stream is being cut before the response's end went out (the client side still open).
     *
     * @return what to write before the stream is reset, as above; {@code null} when this is no gRPC call, or its end
     *         went out already
     */
    public Object cut() {
        if (!grpc || ended) {
            return null;
        }
        ended = true;
        Object end;
        int status = GrpcStatus.UNAVAILABLE;
        if (!headSent) {
            FullHttpResponse trailersOnly = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.EMPTY_BUFFER);
            trailersOnly.headers().set(HttpHeaderNames.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC);
            unavailable(trailersOnly.headers());
            end = trailersOnly;
        } else if (framing.atBoundary()) {
            LastHttpContent trailers = new DefaultLastHttpContent();
            unavailable(trailers.trailingHeaders());
            end = trailers;
        } else {
            status = GrpcStatus.CANCELLED;
            end = new DefaultHttp2ResetFrame(Http2Error.CANCEL);
        }
        record(status, GrpcCallSource.PROXY);
        return end;
    }

    /**
     * The backend reset its stream with {@code errorCode} mid-response, and the stream is being reset with the same
     * code: the call ends as the client reads that reset, and is counted as the backend's.
     */
    public void backendReset(long errorCode) {
        if (grpc && !ended) {
            ended = true;
            record(GrpcStatus.ofResetCode(errorCode), GrpcCallSource.BACKEND);
        }
    }

    private static void unavailable(HttpHeaders fields) {
        fields.setInt(GrpcHeaders.GRPC_STATUS, GrpcStatus.UNAVAILABLE);
        // Percent-encoded as grpc-message must be; this text needs none.
        fields.set(GrpcHeaders.GRPC_MESSAGE, "the proxy ended the call (drain deadline or backend lost)");
    }

    /** The stream is gone. */
    public void streamClosed() {
        ended = true;
        if (grpc && !recorded) {
            // The stream went away with the call under way: the client reset it, or its connection closed.
            record(GrpcStatus.CANCELLED, GrpcCallSource.CLIENT);
        }
    }

    private void record(int status, GrpcCallSource source) {
        if (!recorded) {
            recorded = true;
            recorder.callEnded(status, source);
        }
    }
}
