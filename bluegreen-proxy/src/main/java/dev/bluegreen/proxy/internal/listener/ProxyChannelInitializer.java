package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.codec.Http2ClientStreamCodec;
import dev.bluegreen.proxy.internal.codec.Http2Codecs;
import dev.bluegreen.proxy.internal.http2.Http2ClientConnection;
import dev.bluegreen.proxy.internal.http2.Http2StreamServices;
import dev.bluegreen.proxy.internal.codec.Http1Codecs;
import dev.bluegreen.proxy.internal.http1.RequestValidator;
import dev.bluegreen.proxy.internal.http1.OneMessagePerRead;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.http1.Http1ClientConnection;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.function.Supplier;

/**
 * Assembles a client connection's pipeline, and nothing else. The protocol decides its shape:
 *
 * <pre>
 * HTTP/1.1:        [tls →] reads: ReadActivity → http: Http1ServerCodec → validate: RequestValidator
 *                                                   → flow: OneMessagePerRead [→ mirror: MirrorHandler]
 *                                                   → proxy: Http1ClientConnection
 * HTTP/2:          [tls →] flush: FlushConsolidationHandler → h2: Http2FrameCodec
 *                                                   → h2-connection: Http2ClientConnection
 * each h2 stream:  an Http2ServerStream, no channel: Http2RequestDecoder → Http2StreamRequests
 *                                                   → one message per read [→ MirrorTap] → the exchange
 * </pre>
 *
 * With TLS, {@link AlpnSwitch} picks the protocol once the handshake is done; on cleartext with HTTP/2 on,
 * {@link CleartextProtocolDetector} picks it from the first bytes. Either way a request reaches the exchange as
 * HTTP/1.1 messages, checked by the same {@link RequestRules}.
 *
 * <p>On HTTP/1.1, {@code reads: ReadActivity} goes before the codec and {@code validate: RequestValidator} after it:
 * the validator refuses what the {@link RequestRules} don't allow before it is routed, and times the request head
 * and body from the byte activity the first one reports. A connection above the connection limit gets a 503 and
 * no pipeline at all.
 *
 * <p>The flow handler hands on one decoded message per read request, which is what lets the connection handler
 * take pipelined requests one at a time and read a body only as fast as the backend takes it. With shadow traffic on,
 * the mirror handler sits just before the client side, where it sees each request go in and its response go out; an
 * HTTP/2 stream does both itself (one message per {@code read()}, its own {@code MirrorTap}).
 */
public final class ProxyChannelInitializer extends ChannelInitializer<Channel> implements ProtocolPipelines {

    private final DataPlane plane;
    private final ProxyConfig config;
    private final Supplier<ProxyRecorder> recorder;
    private final ChannelGroup clients;
    private final ClientConnectionLimit connectionLimit;
    /** What every HTTP/2 stream uses: one for all. */
    private final Http2StreamServices streamServices;

    /**
     * @param recorder where refused connections are recorded
     * @param clients  every accepted client connection joins this group, so shutdown can reach them all
     */
    public ProxyChannelInitializer(DataPlane plane, Supplier<ProxyRecorder> recorder, ChannelGroup clients) {
        this.plane = plane;
        this.config = plane.config();
        this.recorder = recorder;
        this.clients = clients;
        this.connectionLimit = new ClientConnectionLimit(config.requestRules().limits());
        this.streamServices = new Http2StreamServices(plane.loops(), new Http2ClientStreamCodec(),
                config.requestRules(), plane.mirror());
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        if (!connectionLimit.admit(ch)) {
            recorder.get().requestRejected(503);
            return;
        }
        ProtocolConfig protocols = config.protocols();
        if (protocols.serverTls() != null) {
            ch.pipeline().addLast("tls", protocols.serverTls().newHandler(ch.alloc()))
                    .addLast("alpn", new AlpnSwitch(this));
        } else if (protocols.http2().cleartext()) {
            ch.pipeline().addLast("detect",
                    new CleartextProtocolDetector(this, config.timeouts().clientIdle().toNanos()));
        } else {
            addHttp1Handlers(ch.pipeline());
        }
    }

    /** The HTTP/1.1 pipeline of a client connection. */
    @Override
    public void addHttp1Handlers(ChannelPipeline pipeline) {
        RequestRules rules = config.requestRules();
        RequestValidator validator = new RequestValidator(rules);
        pipeline.addLast("reads", validator.readActivity())
                .addLast("http", Http1Codecs.client(rules.limits()))
                .addLast("validate", validator);
        Http1ClientConnection clientSide = new Http1ClientConnection(plane.loops(),
                config.timeouts().clientIdle().toNanos());
        pipeline.addLast("flow", new OneMessagePerRead());
        if (plane.mirror() != null) {
            pipeline.addLast("mirror", plane.mirror().newHandler(clientSide::colourUnderWay));
        }
        pipeline.addLast("proxy", clientSide);
    }

    /** The HTTP/2 pipeline of a client connection; its streams are {@link Http2ClientConnection}'s. */
    @Override
    public void addHttp2Handlers(ChannelPipeline pipeline) {
        Http2FrameCodec codec = Http2Codecs.server(config.protocols().http2(), config.timeouts().shutdownGracePeriod());
        // Each stream's response ends with a flush of the connection, and the streams' responses come from as many
        // upstream connections: outside a read of the client's, flushes are held until the event loop's I/O is done,
        // so that one write to the socket carries the responses of every stream that finished meanwhile.
        pipeline.addLast("flush", new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast("h2", codec)
                .addLast("h2-connection", new Http2ClientConnection(config, plane.counters(),
                        plane::liveColourChanges, streamServices, codec));
        // HTTP/2 has flow control of its own: the connection reads continuously and each stream takes its DATA from
        // the window only as fast as its exchange asks, the same backpressure as on HTTP/1.1.
        pipeline.channel().config().setAutoRead(true);
    }

    /**
     * Starts the graceful close of one client connection, on its own event loop: after the exchange under way
     * (HTTP/1.1), or with GOAWAY and a close once its streams are done (HTTP/2).
     */
    public static void closeGracefully(Channel client) {
        client.eventLoop().execute(() -> {
            Http1ClientConnection handler = client.pipeline().get(Http1ClientConnection.class);
            Http2ClientConnection http2 = client.pipeline().get(Http2ClientConnection.class);
            if (handler != null) {
                handler.closeGracefully();
            } else if (http2 != null) {
                http2.closeGracefully();
            } else {
                client.close();
            }
        });
    }
}
