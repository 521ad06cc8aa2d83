package dev.bluegreen.proxy.internal.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The verdict of one active check, whatever its protocol, and the bounds of the check: its timeout and its
 * connection. The first verdict given wins, and giving it cancels the timeout and closes the connection. Used on the
 * check's event loop only.
 */
final class ProbeVerdict {

    private final CompletableFuture<HealthProbe.Result> result = new CompletableFuture<>();
    private ScheduledFuture<?> timer;
    private Channel connection;

    /** The verdict to come; completes on the check's loop, never exceptionally. */
    CompletableFuture<HealthProbe.Result> future() {
        return result;
    }

    /**
     * Starts the check on {@code loop}: its timeout, which bounds the whole check, connect included (without a
     * verdict by then, it fails as timed out), and its connection to {@code address}, which the verdict closes.
     *
     * @param bootstrap a bootstrap on {@code loop}, with the channel type set
     * @param open      where the connection is kept while open (it leaves the group when it closes)
     * @param pipeline  sets up the new connection's pipeline
     * @return the connect
     */
    ChannelFuture connect(EventLoop loop, Bootstrap bootstrap, InetSocketAddress address, int timeoutMillis,
                          ChannelGroup open, Consumer<Channel> pipeline) {
        timer = loop.schedule(() -> give(false, "timed out after " + timeoutMillis + " ms"), timeoutMillis,
                TimeUnit.MILLISECONDS);
        ChannelFuture connect = bootstrap
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.AUTO_READ, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        pipeline.accept(ch);
                    }
                })
                .connect(address);
        connection = connect.channel();
        open.add(connection);
        return connect;
    }

    /** Gives the verdict, unless one was given already. */
    void give(boolean passed, String reason) {
        if (result.isDone()) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (connection != null) {
            connection.close();
        }
        result.complete(new HealthProbe.Result(passed, reason));
    }
}
