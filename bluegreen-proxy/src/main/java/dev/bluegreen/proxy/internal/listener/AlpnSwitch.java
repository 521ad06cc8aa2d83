package dev.bluegreen.proxy.internal.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the TLS handshake is done, builds the pipeline of the protocol ALPN chose (RFC 7301): HTTP/2 for {@code h2},
 * HTTP/1.1 for {@code http/1.1} or when the client offered nothing the proxy speaks.
 *
 * <pre>
 * client channel:  SslHandler → AlpnSwitch  →  Http1ServerCodec → ...   or   Http2FrameCodec → ...
 * </pre>
 *
 * <p>With certificates by server name, an {@code SniHandler} stands where the {@code SslHandler} will be until the
 * client's hello has named the server.
 */
public final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {

    private static final Logger log = LoggerFactory.getLogger(AlpnSwitch.class);

    private final ProtocolPipelines pipelines;

    AlpnSwitch(ProtocolPipelines pipelines) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.pipelines = pipelines;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // Auto-read is off: start the handshake's reads (the TLS handler keeps reading until it is done).
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            pipelines.addHttp2Handlers(ctx.pipeline());
        } else {
            pipelines.addHttp1Handlers(ctx.pipeline());
            // The HTTP/1.1 handlers start on channelActive, which went by before they were added.
            ctx.fireChannelActive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (ctx.pipeline().get(SslHandler.class) == null) {
            // Still reading the client's hello for its server name (SNI), so the handshake has not begun: a hello
            // too long or malformed is a failed handshake too, not a warning with a stack trace per connection.
            handshakeFailure(ctx, cause);
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // Scanners and old clients fail handshakes all day: not worth a warning each.
        log.debug("{}: TLS handshake failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
