package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.proxy.internal.ListenAddresses;
import dev.bluegreen.proxy.internal.ProxyConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** How the proxy binds its listener and preview listener: both, or neither. */
public final class ListenerBinds {

    private ListenerBinds() {
    }

    /**
     * The channels of the listeners.
     *
     * @param server        the listener's
     * @param previewServer the preview listener's, or {@code null} without one
     */
    public record Bound(Channel server, Channel previewServer) {
    }

    /**
     * Binds the listener and, when configured, the preview listener; fails, closing whichever did bind, unless
     * both do.
     *
     * @param bootstrap the listener's bootstrap, which the preview listener's copies
     * @param config    the addresses
     * @return the channels, once both are bound
     */
    public static CompletableFuture<Bound> bind(ServerBootstrap bootstrap, ProxyConfig config) {
        CompletableFuture<Channel> server = bind(bootstrap, config.listenAddress());
        InetSocketAddress previewAddress = config.steering().previewListenAddress();
        CompletableFuture<Channel> preview = previewAddress == null ? CompletableFuture.completedFuture(null)
                : bind(PreviewListener.bootstrap(bootstrap), previewAddress);
        // Completes once both binds have: only then can whichever succeeded be closed.
        return server.thenCombine(preview, Bound::new).whenComplete((bound, error) -> {
            if (error != null) {
                Stream.of(server, preview).filter(f -> !f.isCompletedExceptionally())
                        .map(CompletableFuture::join).filter(Objects::nonNull).forEach(Channel::close);
            }
        });
    }

    private static CompletableFuture<Channel> bind(ServerBootstrap bootstrap, InetSocketAddress address) {
        CompletableFuture<Channel> bound = new CompletableFuture<>();
        ChannelFuture bind = bootstrap.bind(address);
        bind.addListener(future -> {
            if (future.isSuccess()) {
                bound.complete(bind.channel());
            } else {
                bound.completeExceptionally(ListenAddresses.cannotListen("proxy", address, future.cause()));
            }
        });
        return bound;
    }
}
