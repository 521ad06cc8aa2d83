package dev.bluegreen.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/**
 * Assembles a client connection's pipeline, and nothing else:
 *
 * <pre>
 * ReadActivity → HttpServerCodec → RequestValidator → OneMessagePerRead → ClientConnectionHandler
 * </pre>
 *
 * The validator refuses what the rules don't allow before it is routed; the handler in front of the codec tells it
 * when bytes arrive, for the request timeouts. A connection above the connection limit gets a 503 and no pipeline.
 *
 * The middle handler hands on one decoded message per read request, which is what lets the connection
 * handler take pipelined requests one at a time and read a body only as fast as the backend takes it.
 */
public final class ProxyChannelInitializer extends ChannelInitializer<Channel> {

    private final ProxyRuntime runtime;
    private final ChannelGroup clients;
    private final ClientConnectionLimit connectionLimit;

    /** @param clients every accepted client connection joins this group, so shutdown can reach them all */
    public ProxyChannelInitializer(ProxyRuntime runtime, ChannelGroup clients) {
        this.runtime = runtime;
        this.clients = clients;
        this.connectionLimit = new ClientConnectionLimit(
                runtime.config().requestRules().limits().maxClientConnections());
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        if (!connectionLimit.admit(ch)) {
            return;
        }
        RequestRules rules = runtime.config().requestRules();
        RequestValidator validator = new RequestValidator(rules);
        ch.pipeline()
                .addLast("reads", validator.readActivity())
                .addLast("http", Codecs.client(rules.limits()))
                .addLast("validate", validator)
                .addLast("flow", new OneMessagePerRead())
                .addLast("proxy", new ClientConnectionHandler(runtime));
    }

    /** Starts the graceful close of one client connection, on its own event loop. */
    public static void closeGracefully(Channel client) {
        client.eventLoop().execute(() -> {
            ClientConnectionHandler handler = client.pipeline().get(ClientConnectionHandler.class);
            if (handler != null) {
                handler.closeGracefully();
            } else {
                client.close();
            }
        });
    }
}
