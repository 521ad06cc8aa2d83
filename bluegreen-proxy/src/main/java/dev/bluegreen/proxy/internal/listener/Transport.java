package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.proxy.IoTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The I/O transport in use: io_uring or epoll when the platform has them (Linux x86_64 with the bundled native
 * libraries), NIO otherwise ({@link IoTransport} is the setting that picks one). Client and upstream channels always
 * use the same transport, so an upstream channel can be registered on the client channel's event loop.
 */
public enum Transport {
    IO_URING, EPOLL, NIO;

    /** The best transport this JVM can load, unless the system property {@value IoTransport#PROPERTY} names one. */
    public static Transport best() {
        return select(IoTransport.AUTO);
    }

    /**
     * The transport for the setting {@code requested}: a named one, or for {@link IoTransport#AUTO} the one the
     * system property names, else the best this JVM can load.
     *
     * @throws IllegalStateException if a transport named by the setting or the property can't be loaded here
     */
    public static Transport select(IoTransport requested) {
        return select(requested, System.getProperty(IoTransport.PROPERTY));
    }

    /** As {@link #select(IoTransport)}, with the system property's value {@code property} (or {@code null}). */
    static Transport select(IoTransport requested, String property) {
        IoTransport wanted = requested;
        if (wanted == IoTransport.AUTO && property != null && !property.isBlank()) {
            wanted = IoTransport.named(property);
        }
        return switch (wanted) {
            case AUTO -> IoUring.isAvailable() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;
            case IO_URING -> require(IO_URING, IoUring.isAvailable(), IoUring.unavailabilityCause());
            case EPOLL -> require(EPOLL, Epoll.isAvailable(), Epoll.unavailabilityCause());
            case NIO -> NIO;
        };
    }

    private static Transport require(Transport transport, boolean available, Throwable cause) {
        if (!available) {
            throw new IllegalStateException("transport: " + transport.label() + " is not available on this machine ("
                    + cause + "; expected: a transport it can load, or auto)", cause);
        }
        return transport;
    }

    /** The setting that names this transport. */
    public IoTransport setting() {
        return switch (this) {
            case IO_URING -> IoTransport.IO_URING;
            case EPOLL -> IoTransport.EPOLL;
            case NIO -> IoTransport.NIO;
        };
    }

    /** The name of the transport, as {@link IoTransport#named} reads it. */
    public String label() {
        return switch (this) {
            case IO_URING -> "io_uring";
            case EPOLL -> "epoll";
            case NIO -> "nio";
        };
    }

    /** A new event-loop group of {@code threads} threads named {@code name-N}. */
    public EventLoopGroup newEventLoopGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlerFactory());
    }

    /**
     * A new event-loop group of {@code threads} threads named {@code name-N} whose loops give up their core after
     * every round of I/O that handled something ({@link YieldingEventLoopGroup}).
     */
    public EventLoopGroup newYieldingEventLoopGroup(int threads, String name) {
        return new YieldingEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlerFactory(),
                Thread::yield);
    }

    /** What makes this transport's I/O handler, one per event loop. */
    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** The listening channel type. */
    public Class<? extends ServerChannel> serverChannelType() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The connection channel type, for upstream connections. */
    public Class<? extends SocketChannel> socketChannelType() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
