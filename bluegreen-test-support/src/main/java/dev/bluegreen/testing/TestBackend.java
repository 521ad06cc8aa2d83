package dev.bluegreen.testing;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scriptable HTTP/1.1 backend for tests: a Netty server on {@code 127.0.0.1}, an ephemeral port, and one
 * event loop thread of its own.
 *
 * <pre>{@code
 * try (TestBackend blue = TestBackend.start("blue-1")) {       // answers 200 "blue-1"
 *     blue.download(100L << 20);                                // now streams 100 MiB of pattern bytes
 *     Gate gate = blue.hold();                                  // now holds requests until gate.release()
 *     blue.behave(Behaviour.status(503, "down").heldBy(gate));  // any behaviour, optionally held
 * }
 * }</pre>
 *
 * <p><b>Behaviour.</b> The backend answers according to a {@link Behaviour}, held in a volatile field and read
 * once per request when its head arrives; change it at any time with {@link #behave(Behaviour)} or the fluent
 * shortcuts ({@link #reply()}, {@link #status}, {@link #download}, {@link #chunkedDownload}, {@link #echo()},
 * {@link #neverRespond()}, {@link #closeOnRequest()}, {@link #hold()}). Every response carries
 * {@code X-Backend: <name>}; see {@link Behaviour} for the headers describing a received body.
 *
 * <p><b>Protocol.</b> Bodies stream both ways and are never aggregated: request bodies are counted and
 * CRC32-summed as they arrive, downloads are written 64 KiB at a time only while the connection is writable.
 * {@code Expect: 100-continue} gets {@code 100 Continue}. Keep-alive follows RFC 9112 section 9.3 (HTTP/1.1
 * default, {@code Connection: close}, HTTP/1.0 {@code keep-alive}); pipelined requests are answered in order.
 * HEAD gets the headers a GET would get; 204 and 304 get no body.
 *
 * <p><b>Observation.</b> {@link #requests()} lists every request seen (recorded when its body was read, or
 * when its connection closed first), {@link #connectionsAccepted()}, {@link #openConnections()} and
 * {@link #awaitOpenConnections} count connections.
 *
 * <p>Thread-safe. {@link #close()} closes every connection and stops the event loop.
 */
public final class TestBackend implements AutoCloseable {

    /** The response header naming the backend that answered. */
    public static final AsciiString X_BACKEND = AsciiString.cached("X-Backend");
    /** The response header (or echo trailer) with the number of request body bytes received. */
    public static final AsciiString X_RECEIVED_BYTES = AsciiString.cached("X-Received-Bytes");
    /** The response header (or echo trailer) with the CRC32 of the request body received, lower-case hex. */
    public static final AsciiString X_RECEIVED_CRC32 = AsciiString.cached("X-Received-Crc32");

    /** At most this many requests are kept by {@link #requests()}; the oldest are dropped first. */
    public static final int MAX_RECORDED_REQUESTS = 100_000;

    private final String name;
    private final EventLoopGroup group;
    private final ChannelGroup connections;
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final Object connectionLock = new Object();
    private int accepted;
    private int open;
    private final AtomicLong requestCount = new AtomicLong();
    private final ArrayDeque<SeenRequest> requests = new ArrayDeque<>();
    private volatile Behaviour behaviour;

    private TestBackend(String name, Behaviour behaviour, InetSocketAddress bindAddress) {
        this.name = name;
        this.behaviour = behaviour;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("backend-" + name, true),
                NioIoHandler.newFactory());
        this.connections = new DefaultChannelGroup("backend-" + name, GlobalEventExecutor.INSTANCE);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            ch.pipeline()
                                    .addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                                            .setMaxInitialLineLength(16 * 1024)
                                            .setMaxHeaderSize(64 * 1024)
                                            .setMaxChunkSize(BytePattern.CHUNK_SIZE)))
                                    .addLast("backend", new BackendHandler(TestBackend.this));
                        }
                    });
            this.serverChannel = bootstrap.bind(bindAddress).syncUninterruptibly().channel();
            this.address = (InetSocketAddress) serverChannel.localAddress();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Starts a backend with the default behaviour, {@link Behaviour#reply()}.
     *
     * @param name the name it answers with and reports in {@code X-Backend}, e.g. {@code "blue-1"}
     * @throws io.netty.channel.ChannelException or another runtime exception if it cannot bind
     */
    public static TestBackend start(String name) {
        return start(name, Behaviour.reply());
    }

    /**
     * Starts a backend with the given behaviour.
     *
     * @param name the name it answers with and reports in {@code X-Backend}
     * @param behaviour how it answers until changed
     */
    public static TestBackend start(String name, Behaviour behaviour) {
        requireNonNull(behaviour, "behaviour");
        return create(name, behaviour, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /**
     * Starts a backend with the default behaviour on {@code address}, such as another loopback address
     * ({@code 127.0.0.2}) with the port of a first backend, to stand for the same backend name moved elsewhere.
     *
     * @param name the name it answers with and reports in {@code X-Backend}
     * @param address where to listen (port 0: any free port)
     */
    public static TestBackend startAt(String name, InetSocketAddress address) {
        return create(name, Behaviour.reply(), requireNonNull(address, "address"));
    }

    private static TestBackend create(String name, Behaviour behaviour, InetSocketAddress address) {
        requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: \"\" (expected: non-empty)");
        }
        return new TestBackend(name, behaviour, address);
    }

    /**
     * The byte at {@code index} of every pattern body, downloaded or uploaded: {@code (byte) (index * 31 + 7)}.
     * The pattern repeats every 256 bytes; any shift or loss of bytes breaks it.
     */
    public static byte patternByte(long index) {
        return BytePattern.byteAt(index);
    }

    /** The CRC32 of the first {@code length} pattern bytes, as reported in {@link #X_RECEIVED_CRC32}. */
    public static long patternCrc32(long length) {
        return BytePattern.crc32(length);
    }

    /** Returns the name given at start. */
    public String name() {
        return name;
    }

    /** Returns the port it listens on, on 127.0.0.1. */
    public int port() {
        return address.getPort();
    }

    /** Returns the address it listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** Returns the current behaviour. */
    public Behaviour behaviour() {
        return behaviour;
    }

    /**
     * Answers requests whose head arrives from now on with {@code behaviour}; requests under way keep theirs.
     *
     * @return this backend
     */
    public TestBackend behave(Behaviour behaviour) {
        this.behaviour = requireNonNull(behaviour, "behaviour");
        return this;
    }

    /** Shortcut for {@code behave(Behaviour.reply())}: 200 with the name. */
    public TestBackend reply() {
        return behave(Behaviour.reply());
    }

    /** Shortcut for {@code behave(Behaviour.status(code, body))}. */
    public TestBackend status(int code, String body) {
        return behave(Behaviour.status(code, body));
    }

    /** Shortcut for {@code behave(Behaviour.download(bytes))}. */
    public TestBackend download(long bytes) {
        return behave(Behaviour.download(bytes));
    }

    /** Shortcut for {@code behave(Behaviour.chunkedDownload(bytes))}. */
    public TestBackend chunkedDownload(long bytes) {
        return behave(Behaviour.chunkedDownload(bytes));
    }

    /** Shortcut for {@code behave(Behaviour.echo())}. */
    public TestBackend echo() {
        return behave(Behaviour.echo());
    }

    /** Shortcut for {@code behave(Behaviour.neverRespond())}. */
    public TestBackend neverRespond() {
        return behave(Behaviour.neverRespond());
    }

    /** Shortcut for {@code behave(Behaviour.closeOnRequest())}. */
    public TestBackend closeOnRequest() {
        return behave(Behaviour.closeOnRequest());
    }

    /**
     * Holds every request arriving from now on behind a new {@link Gate}, then answers with the name reply.
     *
     * @return the gate that counts arrivals and releases them
     */
    public Gate hold() {
        Gate gate = new Gate();
        behave(Behaviour.reply().heldBy(gate));
        return gate;
    }

    /**
     * Returns a copy of the requests seen, oldest first (at most {@value #MAX_RECORDED_REQUESTS}, the latest).
     * A request is recorded when its body has been read, or when its connection closed before that.
     */
    public List<SeenRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Returns how many requests were recorded in total, including any dropped from {@link #requests()}. */
    public long requestCount() {
        return requestCount.get();
    }

    /** Forgets the recorded requests (the total count stays). */
    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    /** Returns how many connections were accepted since start. */
    public int connectionsAccepted() {
        synchronized (connectionLock) {
            return accepted;
        }
    }

    /** Returns how many connections are open now (as the backend's event loop has seen so far). */
    public int openConnections() {
        synchronized (connectionLock) {
            return open;
        }
    }

    /**
     * Blocks until exactly {@code expected} connections are open, e.g. to see that a proxy closed its idle
     * upstream connections.
     *
     * @throws AssertionError if the count differs after {@code timeout}, or the thread was interrupted
     */
    public void awaitOpenConnections(int expected, Duration timeout) {
        requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectionLock) {
            while (open != expected) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + " open connections: " + open + " (expected: " + expected
                            + " within " + timeout + ")");
                }
                try {
                    connectionLock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + expected + " open connections", e);
                }
            }
        }
    }

    /** Closes every open connection (as a crashing backend would) but keeps listening. Blocks until closed. */
    public void closeConnections() {
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Stops listening, closes every connection and stops the event loop. Blocks until done; idempotent. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "TestBackend[" + name + " at " + address + ", " + behaviour + "]";
    }

    void connectionOpened() {
        synchronized (connectionLock) {
            accepted++;
            open++;
            connectionLock.notifyAll();
        }
    }

    void connectionClosed() {
        synchronized (connectionLock) {
            open--;
            connectionLock.notifyAll();
        }
    }

    void record(SeenRequest request) {
        requestCount.incrementAndGet();
        synchronized (requests) {
            if (requests.size() == MAX_RECORDED_REQUESTS) {
                requests.poll();
            }
            requests.add(request);
        }
    }
}
