package dev.bluegreen.testing;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that misbehaves in exactly one way at a time, for testing how a proxy copes with upstream faults. It
 * has no HTTP codec: it counts a request at each empty line ending a request head (bodiless requests only) and
 * answers with the exact bytes its {@link Fault} prescribes, so malformed and cut responses are possible.
 *
 * <pre>{@code
 * try (ChaosBackend backend = ChaosBackend.start(ChaosBackend.Fault.DIE_MID_BODY)) {
 *     ... point a proxy at backend.port(), send a GET, expect the client's connection to be cut ...
 *     backend.fault(ChaosBackend.Fault.NONE);   // behaves from the next request on
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes every connection and stops its event loop.
 */
public final class ChaosBackend implements AutoCloseable {

    /** What the backend does when a request head arrives. */
    public enum Fault {
        /** Answers {@code 200} with body {@code ok}, keep-alive: no fault. */
        NONE,
        /** Reads the request and never answers. */
        NEVER_ANSWER,
        /** Closes the connection (FIN) instead of answering. */
        CLOSE_BEFORE_RESPONSE,
        /** Resets the connection (RST, SO_LINGER 0) instead of answering. */
        RESET_BEFORE_RESPONSE,
        /** Answers with bytes that are not HTTP. */
        GARBAGE,
        /** Answers with both {@code Content-Length} and {@code Transfer-Encoding}: a response that can't be framed. */
        BAD_FRAMING,
        /** Answers with a {@code Content-Length} that is not a number. */
        INVALID_CONTENT_LENGTH,
        /** Sends the head of a 100-byte response, then closes. */
        DIE_AFTER_HEADERS,
        /** Sends the head and 50 of 100 body bytes, then closes. */
        DIE_MID_BODY,
        /** Sends a chunked head and one chunk, then closes before the last chunk. */
        DIE_MID_CHUNKED_BODY,
        /** Sends {@code 103 Early Hints} and {@code 100 Continue}, then a normal {@code 200}. */
        INTERIM_RESPONSES,
        /** Sends {@code 204} followed by 5 stray bytes a lax parser would take as a body. */
        NO_CONTENT_WITH_STRAY_BYTES,
        /**
         * Answers {@code 200} (keep-alive), then, once that is written, 5 stray bytes in a write of their own: too few
         * to make a response, they arrive while the connection idles in a proxy's pool.
         */
        STRAY_BYTES_AFTER_RESPONSE,
        /** Answers {@code 101 Switching Protocols} to a request that asked for no upgrade. */
        UNASKED_SWITCH,
        /** Answers {@code 200} (keep-alive) and closes the connection at once: it goes stale in a pool. */
        CLOSE_AFTER_RESPONSE,
        /** Answers with status code {@code 099}: three digits, but no status (RFC 9110 §15 starts at 100). */
        STATUS_099,
        /** Answers with status code {@code 000}. */
        STATUS_000,
        /** Answers with status code {@code 1000}: four digits where RFC 9112 §4 has three. */
        STATUS_1000
    }

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Chaos: ok\r\n\r\nok";

    private final EventLoopGroup group;
    private final ChannelGroup connections;
    private final Channel serverChannel;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Fault fault;

    private ChaosBackend(Fault fault) {
        this.fault = fault;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("chaos-backend", true),
                NioIoHandler.newFactory());
        this.connections = new DefaultChannelGroup("chaos-backend", GlobalEventExecutor.INSTANCE);
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            accepted.incrementAndGet();
                            ch.pipeline().addLast(new RequestHeads());
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts a backend on 127.0.0.1, an ephemeral port, misbehaving as {@code fault} says. */
    public static ChaosBackend start(Fault fault) {
        return new ChaosBackend(requireNonNull(fault, "fault"));
    }

    /** Changes the fault, from the next request head on. */
    public ChaosBackend fault(Fault fault) {
        this.fault = requireNonNull(fault, "fault");
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Request heads seen so far. */
    public int requestCount() {
        return requests.get();
    }

    /** Connections accepted so far. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return connections.size();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Finds the end of each request head in the raw bytes and acts out the fault there. */
    private final class RequestHeads extends ChannelInboundHandlerAdapter {

        /** The last bytes seen, to find CRLF CRLF across reads. */
        private int tail;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
                    tail = (tail << 8) | (bytes.getByte(i) & 0xFF);
                    if (tail == 0x0D0A0D0A) {
                        tail = 0;
                        requests.incrementAndGet();
                        act(ctx);
                    }
                }
            } finally {
                bytes.release();
            }
        }

        private void act(ChannelHandlerContext ctx) {
            switch (fault) {
                case NONE -> write(ctx, OK);
                case NEVER_ANSWER -> { }
                case CLOSE_BEFORE_RESPONSE -> ctx.close();
                case RESET_BEFORE_RESPONSE -> {
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                }
                case GARBAGE -> write(ctx, "this is not HTTP at all\r\n\r\n");
                case BAD_FRAMING -> write(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
                case INVALID_CONTENT_LENGTH -> write(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nok");
                case DIE_AFTER_HEADERS -> write(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
                        .addListener(ChannelFutureListener.CLOSE);
                case DIE_MID_BODY -> write(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "x".repeat(50))
                        .addListener(ChannelFutureListener.CLOSE);
                case DIE_MID_CHUNKED_BODY -> write(ctx, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n").addListener(ChannelFutureListener.CLOSE);
                case INTERIM_RESPONSES -> write(ctx, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n"
                        + "\r\nHTTP/1.1 100 Continue\r\n\r\n" + OK);
                case NO_CONTENT_WITH_STRAY_BYTES -> write(ctx, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n"
                        + "\r\nhello");
                case STRAY_BYTES_AFTER_RESPONSE -> write(ctx, OK).addListener(written -> write(ctx, "hello"));
                case UNASKED_SWITCH -> write(ctx, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n\r\n");
                case CLOSE_AFTER_RESPONSE -> write(ctx, OK).addListener(ChannelFutureListener.CLOSE);
                case STATUS_099 -> write(ctx, "HTTP/1.1 099 Weird\r\nContent-Length: 2\r\n\r\nok");
                case STATUS_000 -> write(ctx, "HTTP/1.1 000 X\r\nContent-Length: 2\r\n\r\nok");
                case STATUS_1000 -> write(ctx, "HTTP/1.1 1000 X\r\nContent-Length: 2\r\n\r\nok");
                default -> throw new IllegalStateException("fault: " + fault);
            }
        }

        private io.netty.channel.ChannelFuture write(ChannelHandlerContext ctx, String response) {
            return ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), response));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
