package dev.bluegreen.examples;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Backend;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny HTTP/1.1 server that stands in for one version of an application: it answers every request with
 * {@code 200}, {@code Content-Type: text/plain} and a body such as {@code hello from blue (v1)} (or a fixed one,
 * {@link Builder#body}), plus the header
 * {@code X-Backend: blue}, so you can see which pool the proxy picked. {@code GET /health} answers {@code 200 ok}
 * for the proxy's health checks. The backend can be taken down and brought up again ({@link #down()}, {@link #up()},
 * or {@code POST /demo/down} and {@code POST /demo/up} on its own port): while down it answers everything with
 * {@code 503}, its health check included.
 *
 * <pre>{@code
 * DemoBackend blue = DemoBackend.builder("blue").version("v1").listen("127.0.0.1", 0).build();
 * blue.start().join();
 * Backend backend = blue.backend();   // 127.0.0.1:<the port picked>
 * }</pre>
 *
 * <p>Keep-alive is honoured. Request bodies are read up to a small limit (it is a demo) and ignored; a larger body
 * gets {@code 413}. It runs on its own single NIO event loop, whose thread is a daemon.
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} return futures and never block; a backend starts at most
 * once.
 */
public final class DemoBackend {

    /** The default {@link Builder#maxContentLength(int)}: 64 KiB. */
    public static final int DEFAULT_MAX_CONTENT_LENGTH = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DemoBackend.class);

    private static final CompletableFuture<DemoBackend> NEVER_STARTED =
            CompletableFuture.failedFuture(new IllegalStateException("stopped before it started"));

    private final String name;
    private final String version;
    private final String fixedBody;
    private final String listenHost;
    private final int listenPort;
    private final int maxContentLength;
    private final LongAdder served = new LongAdder();
    private final AtomicBoolean up;
    /** Set once, by start(), or by stop() before any start so that a later start() is refused. */
    private final AtomicReference<CompletableFuture<DemoBackend>> starting = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile EventLoopGroup group;
    private volatile ChannelGroup channels;
    private volatile Channel server;

    private DemoBackend(Builder builder) {
        this.name = builder.name;
        this.version = builder.version;
        this.fixedBody = builder.body;
        this.listenHost = builder.host;
        this.listenPort = builder.port;
        this.maxContentLength = builder.maxContentLength;
        this.up = new AtomicBoolean(!builder.startsDown);
    }

    /**
     * A builder for a backend called {@code name}.
     *
     * @param name the name in the body and in the {@code X-Backend} header: not blank, printable ASCII
     * @return a new builder
     * @throws NullPointerException if {@code name} is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank or has characters a header value can't carry
     */
    public static Builder builder(String name) {
        return new Builder(checkLabel("name", name));
    }

    /**
     * Binds the listening socket and starts answering.
     *
     * @return a future that completes with this backend once it accepts connections, or exceptionally with an
     *         {@link IllegalStateException} if the address can't be bound
     * @throws IllegalStateException if this backend was started before
     */
    public CompletableFuture<DemoBackend> start() {
        CompletableFuture<DemoBackend> result = new CompletableFuture<>();
        if (!starting.compareAndSet(null, result)) {
            throw new IllegalStateException("demo backend " + name + ": already started or stopped (a backend starts"
                    + " once)");
        }
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("demo-backend-" + name.replace(' ', '-'), true), NioIoHandler.newFactory());
        ChannelGroup accepted = new DefaultChannelGroup("demo-backend-" + name, loop.next());
        DemoBackendHandler handler = new DemoBackendHandler(name, body(), served, up);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                .addLast("aggregator", new HttpObjectAggregator(maxContentLength))
                                .addLast("demo", handler);
                    }
                });
        this.group = loop;
        this.channels = accepted;
        bootstrap.bind(listenHost, listenPort).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS)
                        .addListener(terminated -> stopped.complete(null));
                result.completeExceptionally(new IllegalStateException("demo backend " + name
                        + ": cannot listen on " + listenHost + ":" + listenPort + ": " + bound.cause().getMessage(),
                        bound.cause()));
                return;
            }
            server = bound.channel();
            log.info("demo backend {} listening on {}", name, server.localAddress());
            result.complete(this);
        });
        return result;
    }

    /**
     * The address this backend listens on; with port 0 in the builder, this tells the port that was picked.
     *
     * @return the bound address
     * @throws IllegalStateException if the backend has not started
     */
    public InetSocketAddress localAddress() {
        Channel channel = server;
        if (channel == null) {
            throw new IllegalStateException("demo backend " + name + ": not started (expected: start() completed)");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * The port this backend listens on.
     *
     * @return the bound port
     * @throws IllegalStateException if the backend has not started
     */
    public int port() {
        return localAddress().getPort();
    }

    /**
     * This backend as a member of a pool: its listening host and port, with weight 1.
     *
     * @return the backend to give a {@code BlueGreen} pool
     * @throws IllegalStateException if the backend has not started
     */
    public Backend backend() {
        return Backend.of(localAddress().getAddress().getHostAddress(), port());
    }

    /**
     * The name given to the builder.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Brings the backend up: it answers requests and its health check with 200 (as {@code POST /demo/up} does).
     *
     * @return this backend
     */
    public DemoBackend up() {
        up.set(true);
        return this;
    }

    /**
     * Takes the backend down: it answers requests and its health check with 503 (as {@code POST /demo/down} does).
     *
     * @return this backend
     */
    public DemoBackend down() {
        up.set(false);
        return this;
    }

    /**
     * Whether the backend is up.
     *
     * @return {@code true} when it answers with 200
     */
    public boolean isUp() {
        return up.get();
    }

    /**
     * How many requests this backend has answered with 200 so far, health checks not counted.
     *
     * @return the count
     */
    public long served() {
        return served.sum();
    }

    /**
     * Closes the listening socket and every connection, then stops the event loop. Calling it again returns the same
     * future; stopping a backend that never started completes at once.
     *
     * @return a future that completes when the event loop has terminated
     */
    public CompletableFuture<Void> stop() {
        if (!stopping.compareAndSet(false, true)) {
            return stopped;
        }
        CompletableFuture<DemoBackend> start = starting.compareAndExchange(null, NEVER_STARTED);
        if (start == null) {
            stopped.complete(null);
            return stopped;
        }
        // After a failed bind, start() has already torn the loop down and completes stopped itself.
        start.thenRun(this::closeAll);
        return stopped;
    }

    private void closeAll() {
        EventLoopGroup loop = group;
        server.close().addListener(closed -> channels.close().addListener(all ->
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(terminated -> {
                    log.info("demo backend {} stopped after {} request(s)", name, served.sum());
                    stopped.complete(null);
                })));
    }

    private String body() {
        if (fixedBody != null) {
            return fixedBody;
        }
        return version == null ? "hello from " + name + "\n" : "hello from " + name + " (" + version + ")\n";
    }

    private static String checkLabel(String option, String value) {
        requireNonNull(value, option);
        // Printable ASCII only: the name goes into a header value (RFC 9110 section 5.5).
        if (value.isBlank() || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(option + ": \"" + value + "\" (expected: not blank, printable ASCII)");
        }
        return value;
    }

    /** Builds a {@link DemoBackend}. Each option is validated when set. Not thread-safe. */
    public static final class Builder {

        private final String name;
        private String version;
        private String body;
        private String host = "127.0.0.1";
        private int port;
        private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
        private boolean startsDown;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * A version label to show in the body, as in {@code hello from blue (v1)}. Default: none.
         *
         * @param version the label: not blank, printable ASCII
         * @return this builder
         * @throws NullPointerException if {@code version} is {@code null}
         * @throws IllegalArgumentException if {@code version} is blank or not printable ASCII
         */
        public Builder version(String version) {
            this.version = checkLabel("version", version);
            return this;
        }

        /**
         * A fixed body to answer every request with (200) instead of {@code hello from NAME}: two backends with the
         * same body answer alike, as two colours of one version would, say for shadow traffic. Default: none.
         *
         * @param text the body, as UTF-8; at most 64 KiB
         * @return this builder
         * @throws NullPointerException if {@code text} is {@code null}
         * @throws IllegalArgumentException if {@code text} is longer than 64 KiB
         */
        public Builder body(String text) {
            requireNonNull(text, "body");
            if (text.length() > 64 * 1024) {
                throw new IllegalArgumentException("body: " + text.length() + " characters (expected: at most "
                        + 64 * 1024 + ")");
            }
            this.body = text;
            return this;
        }

        /**
         * Where to listen. Default: {@code 127.0.0.1} port 0, which picks a free port.
         *
         * @param host the host name or IP address to bind
         * @param port 0-65535
         * @return this builder
         * @throws NullPointerException if {@code host} is {@code null}
         * @throws IllegalArgumentException if {@code port} is out of range
         */
        public Builder listen(String host, int port) {
            requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
            this.host = host;
            this.port = port;
            return this;
        }

        /**
         * The largest request body read; a larger one is answered with 413. Default
         * {@value DemoBackend#DEFAULT_MAX_CONTENT_LENGTH} bytes.
         *
         * @param bytes 0 to 16 MiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is out of range
         */
        public Builder maxContentLength(int bytes) {
            if (bytes < 0 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxContentLength: " + bytes + " (expected: 0-16777216)");
            }
            this.maxContentLength = bytes;
            return this;
        }

        /**
         * Starts the backend down: it answers 503 until {@link DemoBackend#up()} or {@code POST /demo/up}.
         * Default: up.
         *
         * @return this builder
         */
        public Builder startsDown() {
            this.startsDown = true;
            return this;
        }

        /**
         * The backend, not yet started.
         *
         * @return a new backend
         */
        public DemoBackend build() {
            return new DemoBackend(this);
        }
    }
}
