package dev.bluegreen.proxy.internal.codec;

import dev.bluegreen.proxy.Http2Options;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.StreamByteDistributor;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import java.time.Duration;

/**
 * The HTTP/2 frame codecs, configured in one place: a client connection's (the server side, with the proxy's limits)
 * and a backend connection's (the client side). Both share the connection window among the streams with DATA to send
 * in equal parts, whatever priorities the peer signals (see {@link WithoutPriorities}).
 */
public final class Http2Codecs {

    /**
     * CONTINUATION frames smaller than the codec's threshold that one header block may have before the connection is
     * closed: a flood of tiny frames costs the proxy per frame even while the block stays under its size limit.
     */
    static final int MAX_SMALL_CONTINUATION_FRAMES = 16;
    /**
     * Control frames (SETTINGS and PING acknowledgements, RST_STREAM) queued for a client that doesn't read them
     * before the connection is closed: the SETTINGS and PING flood defence (CVE-2019-9512, CVE-2019-9515).
     */
    static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    /** DATA frames without data in a row before the connection is closed (CVE-2019-9518). */
    static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;
    /**
     * The largest response header list a backend may send, as on the HTTP/1.1 hop
     * ({@link Http1Codecs#MAX_HEADER_SIZE}).
     */
    static final int UPSTREAM_MAX_HEADER_LIST_SIZE = Http1Codecs.MAX_HEADER_SIZE;
    /**
     * Each upstream stream's receive window: how much of a response the backend may send ahead of the client taking it.
     * The protocol's default, which keeps the memory a slow client can pin small.
     */
    public static final int UPSTREAM_STREAM_WINDOW = Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    /**
     * SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218 §2.1): sent as 1, it tells a client that the proxy does not act on the
     * priority signals of RFC 7540 (see {@link WithoutPriorities}), so that it need not send them.
     */
    static final char SETTINGS_NO_RFC7540_PRIORITIES = 0x9;
    /** How long closing a connection to a backend waits, after its GOAWAY, for streams still under way. */
    static final long UPSTREAM_CLOSE_GRACE_MILLIS = 5_000;

    private Http2Codecs() {
    }

    /**
     * The codec of a connection to a backend. Server push is refused (SETTINGS_ENABLE_PUSH 0); headers are validated
     * as on the client side; a stream opened beyond the backend's SETTINGS_MAX_CONCURRENT_STREAMS waits in the
     * encoder rather than failing (the pool counts streams itself, but the backend may lower its limit at any time).
     * {@code close()} sends GOAWAY and closes once the streams under way are done (the pool closes a connection only
     * when it has none), bounded by {@link #UPSTREAM_CLOSE_GRACE_MILLIS}.
     */
    public static Http2FrameCodec upstream() {
        Http2Settings settings = Http2Settings.defaultSettings()
                .pushEnabled(false)
                .maxHeaderListSize(UPSTREAM_MAX_HEADER_LIST_SIZE)
                .initialWindowSize(UPSTREAM_STREAM_WINDOW);
        // Its streams are child channels (Http2MultiplexHandler), which need the codec's writability events.
        return new WithoutPriorities(false, true)
                .initialSettings(settings)
                .validateHeaders(true)
                .encoderEnforceMaxConcurrentStreams(true)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .gracefulShutdownTimeoutMillis(UPSTREAM_CLOSE_GRACE_MILLIS)
                .build();
    }

    /**
     * The server codec. Headers are validated (RFC 9113 §8.2: connection-specific fields, upper-case names and bad
     * pseudo-headers make the request malformed); the header list is limited across CONTINUATION frames, so a
     * CONTINUATION flood is cut off at the limit rather than buffered; clients are told that priority signals are
     * not used ({@link #SETTINGS_NO_RFC7540_PRIORITIES}). Its streams get no writability events (see
     * {@link WithoutWritabilityEvents}): the connection's handler asks them when one of its streams waits.
     *
     * @param gracePeriod how long a GOAWAY the codec sends itself with a graceful-shutdown hint lets the streams
     *                    under way finish
     */
    public static Http2FrameCodec server(Http2Options options, Duration gracePeriod) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(options.maxConcurrentStreams())
                .maxHeaderListSize(options.maxHeaderListSize())
                .initialWindowSize(options.initialWindowSize());
        settings.put(SETTINGS_NO_RFC7540_PRIORITIES, Long.valueOf(1L));
        return new WithoutPriorities(true, false)
                .initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(options.maxResetStreams(),
                        (int) options.resetWindow().getSeconds())
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .gracefulShutdownTimeoutMillis(Math.max(1, gracePeriod.toMillis()))
                // close() closes; the graceful GOAWAY is Http2ClientConnection's, so the end of the proxy's grace
                // period can still close a connection whose streams are not done.
                .decoupleCloseAndGoAway(true)
                .build();
    }

    /**
     * Netty's builder, with a connection whose outgoing DATA is shared among the streams that have some in equal
     * parts ({@link UniformStreamByteDistributor}) instead of along the peer's priority tree (Netty's default
     * distributor). RFC 9113 §5.3.2 deprecates that priority scheme; keeping its tree (a node per stream, added to
     * and taken out of the tree and its priority queues) took 2.8-4.0 % of the proxy's CPU samples on h2c, the uniform
     * distributor 1.0-1.2 % (docs/performance.md), and it let a client's PRIORITY frames make one stream's response
     * wait behind another's. One builder builds one codec: the connection is made with it.
     */
    private static final class WithoutPriorities extends Http2FrameCodecBuilder {

        /** @param writabilityEvents whether the codec may tell its streams when their writability changes */
        WithoutPriorities(boolean server, boolean writabilityEvents) {
            // Netty's default bound on reserved streams: none are ever accepted (push is refused on the client side
            // and never sent on the server side).
            DefaultHttp2Connection connection = new DefaultHttp2Connection(server, maxReservedStreams());
            UniformStreamByteDistributor distributor = new UniformStreamByteDistributor(connection);
            connection.remote().flowController(writabilityEvents
                    ? new DefaultHttp2RemoteFlowController(connection, distributor)
                    : new WithoutWritabilityEvents(connection, distributor));
            connection(connection);
        }
    }

    /**
     * A flow controller that keeps no writability listener. The frame codec installs one, which re-checks a stream's
     * writability whenever DATA is queued for it and whenever a stream closes, and fires an event down the pipeline at
     * each change: 3.8 % of the proxy's CPU samples on h2c (docs/performance.md), for events that only a stream whose
     * response waits for its window needs. Such a stream asks its connection's handler to be told, which checks again
     * after each read of the connection (a window opens only by a WINDOW_UPDATE or SETTINGS frame the client sends)
     * and when its socket drains.
     */
    private static final class WithoutWritabilityEvents extends DefaultHttp2RemoteFlowController {

        WithoutWritabilityEvents(Http2Connection connection, StreamByteDistributor distributor) {
            super(connection, distributor);
        }

        /**
         * Keeps the plain writability monitor whatever listener is given. Only ever called before the connection has
         * a stream (by this class's constructor and the frame codec's), so no pending byte count is lost.
         */
        @Override
        public void listener(Listener listener) {
            super.listener(null);
        }
    }
}
