package dev.bluegreen.proxy.internal.listener;

import io.netty.channel.ChannelPipeline;

/**
 * Builds the rest of a client connection's pipeline once its protocol is known; {@link ProxyChannelInitializer}
 * is the one implementation, the handlers that pick the protocol ({@link AlpnSwitch},
 * {@link CleartextProtocolDetector}) only choose.
 */
public interface ProtocolPipelines {

    /** Adds the HTTP/1.1 handlers at the end of {@code pipeline}. */
    void addHttp1Handlers(ChannelPipeline pipeline);

    /** Adds the HTTP/2 handlers at the end of {@code pipeline}. */
    void addHttp2Handlers(ChannelPipeline pipeline);
}
