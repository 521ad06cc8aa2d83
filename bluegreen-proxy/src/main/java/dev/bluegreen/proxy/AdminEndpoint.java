package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.internal.DaemonThreads;
import dev.bluegreen.proxy.internal.LifecycleFutures;
import dev.bluegreen.proxy.internal.ListenAddresses;
import dev.bluegreen.proxy.internal.ServerTls;
import dev.bluegreen.proxy.internal.admin.AdminBodyLimit;
import dev.bluegreen.proxy.internal.admin.AdminHttpHandler;
import dev.bluegreen.proxy.internal.admin.AdminRequestTimeout;
import dev.bluegreen.proxy.internal.admin.BearerTokenCheck;
import dev.bluegreen.proxy.internal.admin.BrowserRequestCheck;
import dev.bluegreen.proxy.internal.admin.HostAllowList;
import dev.bluegreen.proxy.internal.admin.OriginPolicy;
import dev.bluegreen.proxy.internal.admin.StatusPage;
import dev.bluegreen.proxy.internal.http1.OneMessagePerRead;
import dev.bluegreen.proxy.internal.listener.Transport;
import dev.bluegreen.proxy.internal.request.Authority;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An optional HTTP endpoint for operators and scripts, on its own port, that shows the routing state and runs the
 * admin verbs of a {@link BlueGreen} (the README documents the JSON):
 *
 * <ul>
 *   <li>{@code GET /}: the status page (live colour, pools, request and error rates, drain progress, history and
 *       buttons);</li>
 *   <li>{@code GET /status}: live colour, generation, last change, both pools (with a proxy: exchanges,
 *       connections, request and failure counts and the latest drain of each colour);</li>
 *   <li>{@code GET /history}: the recent changes with who asked, why, and their drain reports; refused
 *       attempts;</li>
 *   <li>{@code GET /mirror}: what shadow traffic found, when the proxy mirrors ({@link MirrorSettings}): mirrored,
 *       matched, mismatched and dropped requests, by route, each colour's agreement and the latest mismatches;</li>
 *   <li>{@code GET /metrics}: a Prometheus scrape, when the application gives one;</li>
 *   <li>{@code POST /switch?to=blue|green}, {@code POST /promote}, {@code POST /rollback},
 *       {@code POST /deploy?version=V&backends=H:P,H:P[&colour=C]}, each with optional {@code generation=N},
 *       {@code actor=...} and {@code reason=...} (query or form body): 200 and the new status, 409 with the reason
 *       when the change is refused, 400 for bad input.</li>
 * </ul>
 *
 * <p>Off unless the application builds one; it binds to loopback unless told otherwise, and refuses to be built
 * for any other address without a {@linkplain Builder#bearerToken bearer token}. With a token, every request but
 * the page itself needs it (401 otherwise). One thread serves it; verbs run on a second, so a slow store never
 * stalls the connection handling. Thread-safe; starts once.
 *
 * <p>Web pages can't drive it through an operator's browser, token or not:
 * <ul>
 *   <li>every request must name in {@code Host} the address the connection arrived on, {@code localhost},
 *       {@code 127.0.0.1} or {@code [::1]} when that address is loopback, or a name given to
 *       {@link Builder#allowedHosts}; any other gets 421 (a DNS-rebinding page names its own host), a missing
 *       {@code Host} on HTTP/1.1 gets 400;</li>
 *   <li>a request with any method but GET, HEAD, OPTIONS or TRACE is refused with 403 when its {@code Origin} is
 *       neither the endpoint's own ({@code http://} and the request's {@code Host}) nor one given to
 *       {@link Builder#allowedOrigins}, when it is {@code Origin: null}, or when {@code Sec-Fetch-Site} says
 *       anything but {@code same-origin} or {@code none} (unless the origin is an allowed one): a form on another
 *       site can't post to {@code /switch}.</li>
 * </ul>
 * Scripts and curl send neither {@code Origin} nor {@code Sec-Fetch-Site} and are not affected; the status page is
 * served by the endpoint itself, so its buttons are same-origin.
 */
public final class AdminEndpoint {

    private static final Logger log = LoggerFactory.getLogger(AdminEndpoint.class);
    /**
     * The longest request line the endpoint reads: room for the longest reason and actor in the query, percent-encoded
     * (500 and 200 characters of up to 4 UTF-8 bytes, three bytes each encoded: 8,400 bytes), where Netty's default of
     * 4,096 bytes refused a reason of 500 emoji or 500 CJK characters that the form body takes.
     */
    private static final int MAX_REQUEST_LINE = 16 * 1024;
    /** The default of {@link Builder#requestTimeout}. */
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final BlueGreen admin;
    private final BlueGreenProxy proxy;
    private final InetSocketAddress listenAddress;
    private final String bearerToken;
    private final Supplier<String> metrics;
    private final BrowserRequestCheck browserCheck;
    private final Duration requestTimeout;
    /** The TLS served, or {@code null} for plain HTTP. */
    private final ServerTls tls;
    private final StatusPage page = StatusPage.load();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final CompletableFuture<AdminEndpoint> bound = new CompletableFuture<>();
    private volatile Channel server;
    private volatile EventLoopGroup group;
    private volatile ExecutorService verbs;

    private AdminEndpoint(Builder builder) {
        this.admin = builder.admin;
        this.proxy = builder.proxy;
        this.listenAddress = builder.listenAddress;
        this.bearerToken = builder.bearerToken;
        this.metrics = builder.metrics;
        this.requestTimeout = builder.requestTimeout;
        this.tls = builder.tls == null ? null
                : new ServerTls(builder.tls, settings -> settings.newServerContexts(false));
        this.browserCheck = new BrowserRequestCheck(new HostAllowList(builder.allowedHosts),
                new OriginPolicy(builder.allowedOrigins, tls == null ? "http" : "https"));
    }

    /**
     * A builder for an endpoint that steers {@code admin}.
     *
     * @param admin the admin object whose verbs the endpoint serves
     * @return a builder with the defaults: 127.0.0.1:8081, no token, no proxy, no metrics
     */
    public static Builder builder(BlueGreen admin) {
        return new Builder(requireNonNull(admin, "admin"));
    }

    /**
     * Binds and starts serving.
     *
     * @return a future that completes with this endpoint once it listens, or exceptionally if it can't bind; the
     *         caller's own: cancelling it stops nothing
     * @throws IllegalStateException if it was started before
     */
    public CompletableFuture<AdminEndpoint> start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("admin endpoint: already started (expected: a new endpoint)");
        }
        // The same transport the proxy picks by default (or the one the system property names).
        Transport transport = Transport.best();
        EventLoopGroup loops = transport.newEventLoopGroup(1, "bluegreen-admin-io");
        ExecutorService verbExecutor = Executors.newSingleThreadExecutor(DaemonThreads.named("bluegreen-admin"));
        group = loops;
        verbs = verbExecutor;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannelType())
                // The handler asks for one request at a time and answers it before asking for the next.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_REQUEST_LINE)))
                                .addLast("aggregate", new AdminBodyLimit())
                                .addLast("request-timeout", new AdminRequestTimeout(requestTimeout))
                                .addLast("one-at-a-time", new OneMessagePerRead())
                                .addLast("browser-check", browserCheck);
                        if (bearerToken != null) {
                            ch.pipeline().addLast("auth", new BearerTokenCheck(bearerToken));
                        }
                        ch.pipeline().addLast("admin",
                                new AdminHttpHandler(admin, proxy, metrics, verbExecutor, page));
                    }
                });
        CompletableFuture<AdminEndpoint> result = bound;
        bootstrap.bind(listenAddress).addListener(future -> {
            if (future.isSuccess()) {
                server = ((ChannelFuture) future).channel();
                log.info("bluegreen admin endpoint on {}://{}", tls == null ? "http" : "https",
                        ListenAddresses.hostAndPort(localAddress()));
                result.complete(this);
            } else {
                release();
                result.completeExceptionally(ListenAddresses.cannotListen("admin endpoint", listenAddress,
                        future.cause()));
            }
        });
        return LifecycleFutures.own(result);
    }

    /**
     * Reads the endpoint's certificate and key again and serves them from the next connection on, as
     * {@link BlueGreenProxy#reloadTls()} does for the proxy's listener.
     *
     * @throws IllegalStateException if the endpoint was built without {@link Builder#tls TLS}
     * @throws TlsFileException (an {@link IllegalArgumentException}) naming the file at fault; nothing changes then
     */
    public void reloadTls() {
        if (tls == null) {
            throw new IllegalStateException("admin endpoint: serves plain HTTP (expected: one built with tls(...))");
        }
        log.info("bluegreen admin endpoint TLS reloaded: {}", tls.reload(TlsSettings::reread));
    }

    /** Whether every request but the status page must carry the {@link Builder#bearerToken bearer token}. */
    public boolean requiresToken() {
        return bearerToken != null;
    }

    /** Whether the endpoint serves HTTPS ({@link Builder#tls}). */
    public boolean servesTls() {
        return tls != null;
    }

    /**
     * The bound address.
     *
     * @return where the endpoint listens (with the port picked, if it was given 0)
     * @throws IllegalStateException if the endpoint is not listening
     */
    public InetSocketAddress localAddress() {
        Channel channel = server;
        if (channel == null) {
            throw new IllegalStateException("admin endpoint: not listening (expected: started)");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * The bound port.
     *
     * @return the port of {@link #localAddress()}
     * @throws IllegalStateException if the endpoint is not listening
     */
    public int port() {
        return localAddress().getPort();
    }

    /**
     * Stops listening and closes its connections. Calling it again, or on an endpoint never started, is harmless.
     *
     * @return a future that completes when the endpoint's threads are gone; each call's own: cancelling it stops
     *         nothing, and the futures other calls returned complete all the same
     */
    public CompletableFuture<Void> stop() {
        if (started.get() && !bound.isDone()) {
            // Stop once the bind has settled.
            return bound.handle((endpoint, error) -> null).thenCompose(ignored -> stop());
        }
        Channel channel = server;
        if (channel != null) {
            channel.close().addListener(closed -> release());
        } else if (group == null) {
            stopped.complete(null);
        }
        return LifecycleFutures.own(stopped);
    }

    private void release() {
        EventLoopGroup loops = group;
        if (verbs != null) {
            verbs.shutdown();
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(done -> stopped.complete(null));
        } else {
            stopped.complete(null);
        }
    }

    /** Builds an {@link AdminEndpoint}. Not thread-safe; build once. */
    public static final class Builder {

        private final BlueGreen admin;
        private BlueGreenProxy proxy;
        private InetSocketAddress listenAddress = new InetSocketAddress("127.0.0.1", 8081);
        private String bearerToken;
        private Supplier<String> metrics;
        private Set<String> allowedHosts = Set.of();
        private Set<String> allowedOrigins = Set.of();
        private TlsSettings tls;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

        private Builder(BlueGreen admin) {
            this.admin = admin;
        }

        /**
         * How long a connection may take to send a whole request (head and body), counted from its accept or from the
         * endpoint's last answer on it; a connection that takes longer is closed. It bounds what a client that sends
         * a request slowly, part of one, or nothing at all can hold (slowloris: without it each such connection stayed
         * open for ever), and how long an idle keep-alive connection stays open. The time the endpoint takes to
         * answer (a switch whose guards take their time) does not count. Default: 30 seconds.
         *
         * @param timeout above 0, at most one hour
         * @return this builder
         * @throws IllegalArgumentException if the timeout is 0, negative or above one hour
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = BuilderChecks.positiveUpToAnHour("requestTimeout", timeout);
            return this;
        }

        /**
         * Serves HTTPS (HTTP/1.1) with these settings, so that the bearer token and the verbs never cross the
         * network in clear; the endpoint's own origin is then {@code https://} and the {@code Host}. The settings may
         * be the proxy listener's. Default: plain HTTP.
         *
         * @param settings the certificate, key, protocols and handshake timeout
         * @return this builder
         */
        public Builder tls(TlsSettings settings) {
            this.tls = requireNonNull(settings, "tls");
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <token>} on every request but {@code GET /} (the page, which asks
         * for the token). Required when the endpoint listens on anything but loopback.
         *
         * @param token at least 16 characters, no whitespace or control characters
         * @return this builder
         * @throws IllegalArgumentException if the token is shorter, or has another character (the message names
         *         its length or the character's position, never the token)
         */
        public Builder bearerToken(String token) {
            requireNonNull(token, "token");
            String expected = " (expected: at least 16 visible ASCII characters, no spaces)";
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw new IllegalArgumentException("bearerToken: character " + (i + 1) + " is "
                            + (c == ' ' ? "a space" : String.format("U+%04X", (int) c)) + expected);
                }
            }
            if (token.length() < 16) {
                throw new IllegalArgumentException("bearerToken: " + token.length() + " characters" + expected);
            }
            this.bearerToken = token;
            return this;
        }

        /**
         * What {@code GET /metrics} answers: a Prometheus text scrape, typically
         * {@code prometheusRegistry::scrape} (micrometer-registry-prometheus). Without it, {@code /metrics} is 404.
         *
         * @param prometheusScrape called for each {@code GET /metrics}, on the endpoint's own thread
         * @return this builder
         */
        public Builder metrics(Supplier<String> prometheusScrape) {
            this.metrics = requireNonNull(prometheusScrape, "prometheusScrape");
            return this;
        }

        /**
         * Host names (or IP addresses) that requests may name in {@code Host}, besides the address the connection
         * arrived on and, on loopback, {@code localhost}: the names operators reach the endpoint by, e.g.
         * {@code admin.internal} behind a DNS name, or the name a reverse proxy in front of it passes on. Any other
         * {@code Host} gets 421, which keeps DNS-rebinding pages out. The port in {@code Host} is not compared.
         * Replaces what an earlier call gave. Default: none.
         *
         * @param hosts names or IP addresses without port, IPv6 bracketed ({@code [fd00::1]}); case-insensitive
         * @return this builder
         * @throws IllegalArgumentException naming an entry that is not a host name or IP address without port
         */
        public Builder allowedHosts(Collection<String> hosts) {
            this.allowedHosts = Set.copyOf(Authority.hostsWithoutPort("allowedHosts",
                    requireNonNull(hosts, "allowedHosts")));
            return this;
        }

        /**
         * Origins whose pages may change state here besides the endpoint's own ({@code http://}, or {@code https://}
         * with {@link #tls TLS}, and the {@code Host} the request names): typically the public origin of a reverse
         * proxy that serves the status page over HTTPS, e.g. {@code https://admin.example.com}. Requests from these
         * origins pass even when the browser calls them {@code same-site} or {@code cross-site}. The endpoint sends no
         * CORS headers, so a page of another origin still can't read its answers. Replaces what an earlier call gave.
         * Default: none.
         *
         * @param origins {@code scheme://host[:port]}, scheme {@code http} or {@code https}, no path, exactly as a
         *                browser sends {@code Origin}; compared case-insensitively, the default port left out
         * @return this builder
         * @throws IllegalArgumentException naming an entry that is not such an origin ({@code null} and
         *                                  {@code *} included)
         */
        public Builder allowedOrigins(Collection<String> origins) {
            requireNonNull(origins, "allowedOrigins");
            Set<String> canonical = new LinkedHashSet<>();
            for (String origin : origins) {
                if (origin == null) {
                    throw new IllegalArgumentException("allowedOrigins: null (expected: scheme://host[:port])");
                }
                try {
                    canonical.add(OriginPolicy.canonicalOrigin(origin));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("allowedOrigins: " + e.getMessage(), e);
                }
            }
            this.allowedOrigins = Set.copyOf(canonical);
            return this;
        }

        /**
         * Where to listen; port 0 picks a free port. Default 127.0.0.1:8081 (loopback only); any other address needs
         * a {@link #bearerToken bearer token}, which {@link #build()} checks.
         *
         * @param host a host name or IP address
         * @param port 0-65535
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range
         */
        public Builder listen(String host, int port) {
            requireNonNull(host, "host");
            BuilderChecks.port(port);
            this.listenAddress = new InetSocketAddress(host, port);
            return this;
        }

        /**
         * The proxy whose live counts, drains and health {@code /status} shows (optional).
         *
         * @param proxy a proxy built on the same {@link BlueGreen} as this endpoint
         * @return this builder
         * @throws IllegalArgumentException if the proxy follows another {@link BlueGreen}
         */
        public Builder proxy(BlueGreenProxy proxy) {
            this.proxy = requireNonNull(proxy, "proxy");
            if (proxy.admin() != admin) {
                throw new IllegalArgumentException("proxy: follows another BlueGreen (expected: the same admin)");
            }
            return this;
        }

        /**
         * The endpoint, not yet started.
         *
         * @return the endpoint; {@link AdminEndpoint#start()} binds it
         * @throws IllegalStateException if it would listen beyond loopback without a bearer token
         * @throws IllegalArgumentException if the TLS settings can't make a TLS context
         */
        public AdminEndpoint build() {
            InetAddress address = listenAddress.getAddress();
            boolean loopback = address != null && address.isLoopbackAddress();
            if (!loopback && bearerToken == null) {
                throw new IllegalStateException("admin endpoint: listening on " + listenAddress.getHostString()
                        + " (not loopback) needs a bearerToken (expected: a token, or a loopback address)");
            }
            return new AdminEndpoint(this);
        }
    }
}
