package dev.bluegreen.drill.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The drill's client side: a few keep-alive connections to the proxy, each sending requests back to back, on an
 * event loop group of its own (at most two threads: the proxy and the application under test need the CPU more).
 *
 * <p>Thread-safe: {@link #start()} once, then {@link #stop()} once.
 */
public final class LoadDriver {

    private static final int MAX_THREADS = 2;

    private final EventLoopGroup group;
    private final List<ConnectionSlot> slots = new ArrayList<>();

    /**
     * A driver of {@code connections} connections, not started.
     *
     * @param connections how many connections, at least 1
     * @param settings what they send and where
     */
    public LoadDriver(int connections, DrillSettings settings) {
        this.group = new MultiThreadIoEventLoopGroup(Math.min(connections, MAX_THREADS),
                new DefaultThreadFactory("bluegreen-drill", true), NioIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap()
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        settings.requestTimeout().toMillis()));
        for (int i = 0; i < connections; i++) {
            slots.add(new ConnectionSlot(i + 1, group.next(), bootstrap, settings));
        }
    }

    /** Opens the connections and starts sending. */
    public void start() {
        slots.forEach(ConnectionSlot::start);
    }

    /**
     * Stops sending, lets the requests under way end, closes the connections and the event loops.
     *
     * @param timeout how long to wait for the requests under way (each also has its own request timeout)
     * @return the logs of all connections
     * @throws IllegalStateException if the connections did not stop in time
     */
    public List<DrillLog> stop(Duration timeout) {
        List<CompletableFuture<DrillLog>> stopping = slots.stream().map(ConnectionSlot::stop).toList();
        try {
            CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return stopping.stream().map(CompletableFuture::join).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("drill: interrupted while stopping its connections", e);
        } catch (Exception e) {
            throw new IllegalStateException("drill: connections did not stop within " + timeout.toMillis()
                    + " ms", e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
