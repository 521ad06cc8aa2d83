package dev.bluegreen.proxy.internal.listener;

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
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The I/O transport: native epoll when the platform has it (Linux x86_64 with the bundled library), NIO otherwise.
 * Client and upstream channels always use the same transport, so an upstream channel can be registered on the
 * client channel's event loop.
 */
public enum Transport {
    EPOLL, NIO;

    /** The best transport this JVM can load. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** A new event-loop group of {@code threads} threads named {@code name-N}. */
    public EventLoopGroup newEventLoopGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    /** The listening channel type. */
    public Class<? extends ServerChannel> serverChannelType() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The connection channel type, for upstream connections. */
    public Class<? extends SocketChannel> socketChannelType() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
