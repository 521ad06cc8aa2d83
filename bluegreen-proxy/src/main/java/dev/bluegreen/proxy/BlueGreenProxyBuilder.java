package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.health.HealthSettings;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.internal.request.TrustedProxies;
import dev.bluegreen.proxy.internal.routing.SteeringSettings;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.ShiftPlan;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link BlueGreenProxy}: {@code BlueGreenProxy.builder(admin).listen("0.0.0.0", 8080).build()}. Each option
 * is validated when set; unset options keep the defaults below. Not thread-safe; build once.
 */
public final class BlueGreenProxyBuilder {

    private final BlueGreen admin;
    private InetSocketAddress listenAddress = new InetSocketAddress("127.0.0.1", 8080);
    private int eventLoopThreads = Math.max(1, java.lang.Runtime.getRuntime().availableProcessors());
    private IoTransport transport = IoTransport.AUTO;
    private boolean yieldAfterIo = true;
    private Timeouts timeouts = Timeouts.defaults();
    private int maxConnectAttempts = 3;
    private LoadBalancing loadBalancing = LoadBalancing.ROUND_ROBIN;
    private int maxQueuedRequests;
    private boolean closeClientConnectionsAfterSwitch;
    private String routingHeader;
    private PreviewRule preview;
    private InetSocketAddress previewListenAddress;
    private StickySessions stickySessions;
    private Duration safetyNetWindow;
    private Ticker steeringTicker = Ticker.systemTicker();
    private AutoRollback autoRollback;
    private TlsSettings tls;
    private Http2Options http2 = Http2Options.defaults();
    private UpstreamTls upstreamTls;
    private BackendProtocols backendProtocols = BackendProtocols.defaults();
    private RequestLimits requestLimits = RequestLimits.defaults();
    private Set<String> allowedHosts = Set.of();
    private TrustedProxies trustedProxies = TrustedProxies.NONE;
    private boolean forwardProxyAuthorization;
    private boolean dropUnderscoreHeaders;
    private List<InetSocketAddress> nameServers = List.of();
    private MirrorSettings mirror;

    BlueGreenProxyBuilder(BlueGreen admin) {
        this.admin = admin;
    }

    /** Where to listen; port 0 picks a free port (see {@link BlueGreenProxy#localAddress()}). Default 127.0.0.1:8080. */
    public BlueGreenProxyBuilder listen(String host, int port) {
        return listen(new InetSocketAddress(requireNonNull(host, "host"), BuilderChecks.port(port)));
    }

    /** Where to listen. */
    public BlueGreenProxyBuilder listen(InetSocketAddress address) {
        requireNonNull(address, "address");
        BuilderChecks.port(address.getPort());
        this.listenAddress = address;
        return this;
    }

    /** Event-loop threads for client and upstream connections. Default: the number of cores. */
    public BlueGreenProxyBuilder eventLoopThreads(int threads) {
        this.eventLoopThreads = BuilderChecks.range("eventLoopThreads", threads, 1, 1024);
        return this;
    }

    /**
     * The I/O transport of the event loops. Default {@link IoTransport#AUTO}: io_uring, else epoll, else NIO, or the
     * one the system property {@value IoTransport#PROPERTY} names. A transport named here that this machine can't
     * load makes {@link BlueGreenProxy#start()} fail with the reason.
     */
    public BlueGreenProxyBuilder transport(IoTransport transport) {
        this.transport = requireNonNull(transport, "transport");
        return this;
    }

    /**
     * Whether each event loop gives up its core ({@link Thread#yield()}) after every round of I/O that handled
     * something. Default on: where the proxy shares its cores with its clients, backends or other work, the others get
     * their turn at the end of a round instead of when the scheduler takes the core. Measured on 2 shared cores
     * against loops that do not yield: an HTTP/1.1 p99 0.71-0.99 of theirs, h2c 1.0-1.2× the requests per second,
     * 2-15 % less CPU per request; beside processes that keep the cores busy the same or a lower p99; alone on a core
     * the same CPU per request. Its cost: with one request at a time, where every round yields and nobody waits, 5-9 %
     * more CPU per request ({@code docs/performance.md}). Off gives Netty's plain loops.
     */
    public BlueGreenProxyBuilder yieldAfterIo(boolean yield) {
        this.yieldAfterIo = yield;
        return this;
    }

    /** All timeouts at once; see {@link Timeouts#defaults()} for the defaults. */
    public BlueGreenProxyBuilder timeouts(Timeouts timeouts) {
        this.timeouts = requireNonNull(timeouts, "timeouts");
        return this;
    }

    /** How long one upstream connect may take before the next backend is tried. Default 2 s. */
    public BlueGreenProxyBuilder connectTimeout(Duration timeout) {
        return timeouts(timeouts.withConnect(timeout));
    }

    /**
     * How long the backend may stay silent, once the request is on its way, before the client gets 504 (or,
     * if the response has started, before the client connection is closed). Default 30 s.
     */
    public BlueGreenProxyBuilder responseTimeout(Duration timeout) {
        return timeouts(timeouts.withResponse(timeout));
    }

    /**
     * How long a client may take none of a response (or a tunnel's side, of its bytes) before it is cut (the HTTP/2
     * stream reset, the HTTP/1.1 connection closed) and the backend's side released ({@link Timeouts#send()}). 60 s.
     */
    public BlueGreenProxyBuilder sendTimeout(Duration timeout) {
        return timeouts(timeouts.withSend(timeout));
    }

    /**
     * How long a request that finds every backend of its pool at its limit ({@link Timeouts#queue()}) waits in a
     * queue for one of them, before 503. Default 0: no queue, 503 at once.
     */
    public BlueGreenProxyBuilder queueTimeout(Duration timeout) {
        return timeouts(timeouts.withQueue(timeout));
    }

    /**
     * The most requests that may wait at once in each colour's queue ({@link #queueTimeout}); one that finds it full
     * gets 503 at once. Default 0: no limit of its own (the client connection limit bounds it).
     *
     * @param requests 0-1000000; above 0 only with a queue timeout
     */
    public BlueGreenProxyBuilder maxQueuedRequests(int requests) {
        this.maxQueuedRequests = BuilderChecks.range("maxQueuedRequests", requests, 0, 1_000_000);
        return this;
    }

    /** How long a client keep-alive connection may sit between requests before it is closed. Default 60 s. */
    public BlueGreenProxyBuilder idleTimeout(Duration timeout) {
        return timeouts(timeouts.withClientIdle(timeout));
    }

    /** How long a pooled upstream connection may sit unused before it is closed. Default 30 s. */
    public BlueGreenProxyBuilder upstreamIdleTimeout(Duration timeout) {
        return timeouts(timeouts.withUpstreamIdle(timeout));
    }

    /** How many backends of the pool one request may try to connect to before 502. Default 3. */
    public BlueGreenProxyBuilder maxConnectAttempts(int attempts) {
        this.maxConnectAttempts = BuilderChecks.range("maxConnectAttempts", attempts, 1, 64);
        return this;
    }

    /** How each request's backend is picked from the pool; default {@link LoadBalancing#ROUND_ROBIN}. */
    public BlueGreenProxyBuilder loadBalancing(LoadBalancing balancing) {
        this.loadBalancing = requireNonNull(balancing, "loadBalancing");
        return this;
    }

    /** How long {@link BlueGreenProxy#stop()} lets exchanges under way finish before closing them. Default 30 s. */
    public BlueGreenProxyBuilder shutdownGracePeriod(Duration period) {
        return timeouts(timeouts.withShutdownGracePeriod(period));
    }

    /**
     * How long a colour that stopped being live may keep exchanges and upstream connections open. At the
     * deadline what is left is closed: a WebSocket gets a close frame (1001, going away) to both peers, any
     * other exchange has its client connection closed. Default 30 s.
     */
    public BlueGreenProxyBuilder drainTimeout(Duration timeout) {
        return timeouts(timeouts.withDrain(timeout));
    }

    /**
     * How long a colour that stopped being live keeps its idle upstream connections warm, so that a rollback within
     * the window costs no connect (nor TLS handshake) and switching back and forth leaves no closed sockets behind.
     * They are closed when the window ends or the colour's pool is redeployed; a drain counts only exchanges and busy
     * connections, never these. {@link Duration#ZERO} closes them at the switch. Default 30 s.
     */
    public BlueGreenProxyBuilder rollbackWindow(Duration window) {
        return timeouts(timeouts.withRollbackWindow(window));
    }

    /**
     * Moves clients off their connections after a switch: the next response on a client connection opened before
     * the live colour changed carries {@code Connection: close}, and the connection closes after it. For clients
     * that must reconnect to notice a switch (connection-level load balancers, sticky NATs). Each request is
     * routed on its own either way. Default off.
     */
    public BlueGreenProxyBuilder closeClientConnectionsAfterSwitch(boolean enabled) {
        this.closeClientConnectionsAfterSwitch = enabled;
        return this;
    }

    /**
     * Adds a response header that names the colour and routing generation that served each request, e.g.
     * {@code X-BlueGreen: green; generation=7} (also on the proxy's own 502/503/504 to a request routed to a colour),
     * replacing a field of that name from the backend. Off (null) by default: it tells clients about the deployment.
     *
     * @param name a header name (RFC 9110 token), or {@code null} for none
     * @throws IllegalArgumentException if {@code name} is not a token, or is a field that frames the response,
     *         manages the connection or that clients rely on ({@code Content-Length}, {@code Connection},
     *         {@code Set-Cookie}...)
     */
    public BlueGreenProxyBuilder routingHeader(String name) {
        this.routingHeader = name == null ? null : BuilderChecks.routingHeader(name);
        return this;
    }

    // ---- beyond the live colour: preview, sticky sessions, the safety net ----------------------------------

    /**
     * Sends preview traffic, requests that match {@code rule}, to the idle colour, never falling back to the
     * live one (if the idle pool can't serve, the client gets the 502 or 503). Default: none.
     *
     * @param rule the header or cookie (and optional secret) that marks preview traffic, or {@code null} for none
     */
    public BlueGreenProxyBuilder preview(PreviewRule rule) {
        this.preview = rule;
        return this;
    }

    /**
     * Adds a second listener whose requests all go to the idle colour, with no fallback, as preview traffic;
     * {@link BlueGreenProxy#previewAddress()} tells where it listens. Keep it where only testers reach it.
     * Default: none.
     */
    public BlueGreenProxyBuilder previewListen(String host, int port) {
        return previewListen(new InetSocketAddress(requireNonNull(host, "host"), BuilderChecks.port(port)));
    }

    /** Where the preview listener listens, or {@code null} for none. See {@link #previewListen(String, int)}. */
    public BlueGreenProxyBuilder previewListen(InetSocketAddress address) {
        if (address != null) {
            BuilderChecks.port(address.getPort());
        }
        this.previewListenAddress = address;
        return this;
    }

    /**
     * Keeps each client on the colour it started on, across a switch (until it has been idle for the TTL, the
     * {@link #drainTimeout drain deadline} passes or the old colour's drain has ended) and during a gradual shift (each
     * new session, not each request, draws the shift's share). Default: off, each request is routed on its own.
     *
     * @param sessions how sessions are named and remembered, or {@code null} for none
     */
    public BlueGreenProxyBuilder stickySessions(StickySessions sessions) {
        this.stickySessions = sessions;
        return this;
    }

    /**
     * The safety net: for {@code window} after the live colour changed, a request that no backend of the new
     * colour accepted (connection refused or timed out, nothing of it sent) goes to the previous live colour
     * instead of failing with 502, while that colour's drain is open: the drain does not end before the window
     * (unless at its deadline), and a colour whose drain has ended gets nothing new. Each such request is logged
     * (WARN, summed up when many) and counted: the count is what an automatic rollback watches. Only requests
     * routed to the live colour fall back; preview traffic, shifted requests and sticky sessions on the old colour
     * never do. Default: off.
     *
     * @param window how long after a switch the safety net holds (at most 1 hour), or {@code null} for off
     */
    public BlueGreenProxyBuilder safetyNet(Duration window) {
        this.safetyNetWindow = window == null ? null : BuilderChecks.safetyNet(window);
        return this;
    }

    /** The time source of session expiry, the safety-net window and the sticky deadline; for tests. */
    BlueGreenProxyBuilder steeringTicker(Ticker ticker) {
        this.steeringTicker = requireNonNull(ticker, "ticker");
        return this;
    }

    // ---- safe promotion: the watch after a switch, shift plans ------------------------------------------------

    /**
     * Watches the colour each switch or promotion makes live for a bake window, and rolls back on its own when
     * it breaches the rules (error rate, p99, each also against the old colour's figures before the change);
     * also the rules that judge the steps of {@link BlueGreenProxy#startShift(ShiftPlan) shift plans}. One call
     * turns it on: {@code autoRollback(AutoRollback.defaults())}. Off ({@code null}) by default.
     *
     * @param settings the rules, or {@code null} for none
     */
    public BlueGreenProxyBuilder autoRollback(AutoRollback settings) {
        this.autoRollback = settings;
        return this;
    }

    // ---- health: active checks, passive ejection, the switch guard, pre-warm ------------------------------

    private HealthCheckSettings healthChecks;
    private OutlierEjection outlierEjection;
    private int guardMinHealthy = 1;
    private double guardMinShare;
    private int prewarmConnections;
    private Duration slowStart = Duration.ZERO;

    /**
     * Turns on active health checks of every backend of both pools, and the healthy-target switch guard (see
     * {@link #targetGuard(int)}). Load balancing then skips unhealthy backends; with none healthy, the pool
     * answers 503. Default: off (every backend takes traffic, its health {@link HealthState#UNKNOWN}).
     */
    public BlueGreenProxyBuilder healthChecks(HealthCheckSettings settings) {
        this.healthChecks = requireNonNull(settings, "settings");
        return this;
    }

    /**
     * With health checks on: before {@code switchTo}, {@code promote} and {@code shift}, a fresh check of every
     * backend of the target pool must find at least {@code minHealthy} healthy backends, else the change is
     * refused by the guard {@code healthy-target}. Default 1.
     *
     * @param minHealthy 1-10000
     */
    public BlueGreenProxyBuilder targetGuard(int minHealthy) {
        this.guardMinHealthy = BuilderChecks.range("targetGuard", minHealthy, 1, 10_000);
        this.guardMinShare = 0;
        return this;
    }

    /**
     * As {@link #targetGuard(int)}, with the minimum as a share of the target pool, rounded up (at least one).
     *
     * @param share above 0 and at most 1, e.g. 0.5 for half the pool
     */
    public BlueGreenProxyBuilder targetGuardShare(double share) {
        this.guardMinShare = BuilderChecks.share("targetGuardShare", share);
        this.guardMinHealthy = 1;
        return this;
    }

    /** Health checks without the healthy-target guard: switches are not judged by the target's health. */
    public BlueGreenProxyBuilder withoutTargetGuard() {
        this.guardMinHealthy = 0;
        this.guardMinShare = 0;
        return this;
    }

    /**
     * Turns on passive outlier ejection: a backend whose requests fail several times in a row (connect failures,
     * 5xx) is left out of load balancing for a while. Default: off.
     */
    public BlueGreenProxyBuilder outlierEjection(OutlierEjection settings) {
        this.outlierEjection = requireNonNull(settings, "settings");
        return this;
    }

    /**
     * Before {@code switchTo}, {@code promote} and {@code shift}, opens {@code connectionsPerBackendPerLoop}
     * connections from each event loop to each backend of the target pool (the guard {@code pre-warm}, which
     * never refuses), so the first requests after the switch find them open. Default 0: off.
     *
     * @param connectionsPerBackendPerLoop 0-64
     */
    public BlueGreenProxyBuilder prewarm(int connectionsPerBackendPerLoop) {
        this.prewarmConnections = BuilderChecks.range("prewarm", connectionsPerBackendPerLoop, 0, 64);
        return this;
    }

    /**
     * Slow start: a backend that comes back, healthy again after failing its checks or at the end of an ejection, gets
     * a share of new requests that grows with the time since, from almost none to its weight's full share at the end
     * of {@code window}, so that a backend still cold (its caches empty, its JIT not done) is not handed its full share
     * at once. Round robin and least requests; a consistent hash keeps its keys where they are. Needs health checks or
     * ejection. Default {@link Duration#ZERO}: its full share at once.
     *
     * @param window 0 to 1 hour
     */
    public BlueGreenProxyBuilder slowStart(Duration window) {
        this.slowStart = BuilderChecks.slowStart(window);
        return this;
    }

    /**
     * The DNS servers that resolve backend names. Names are resolved asynchronously (the hosts file first), each
     * answer kept for its TTL and a failure for 2 s, and looked up again every second, so a backend whose name moves
     * to another address is followed without a redeploy; a backend given by IP address needs no DNS at all. Default:
     * empty, the system's servers ({@code /etc/resolv.conf}).
     *
     * @param servers IP addresses with ports, such as {@code new InetSocketAddress("10.0.0.2", 53)}
     */
    public BlueGreenProxyBuilder nameServers(List<InetSocketAddress> servers) {
        this.nameServers = BuilderChecks.nameServers(servers);
        return this;
    }

    /**
     * Shadow traffic: sends a share of the requests served by the live colour to the idle colour as well, compares
     * each pair of answers, and (with {@link MirrorSettings#withAgreementGuard}) refuses a switch while the idle colour
     * disagrees too often. The live answer is never held back or changed. {@link BlueGreenProxy#mirror()} and the
     * admin endpoint's {@code GET /mirror} show the figures. Default: off.
     *
     * @param settings what to mirror and how to compare, or {@code null} for off
     */
    public BlueGreenProxyBuilder mirror(MirrorSettings settings) {
        this.mirror = settings;
        return this;
    }

    /**
     * Terminates TLS on the listener with this certificate and key: clients connect with {@code https}.
     * Default: none (cleartext). See {@link TlsSettings} for the protocol and cipher defaults.
     */
    public BlueGreenProxyBuilder tls(TlsSettings settings) {
        this.tls = requireNonNull(settings, "tls");
        return this;
    }

    /**
     * HTTP/2 towards clients: offered through ALPN with TLS, and to clients with prior knowledge on cleartext.
     * Default {@link Http2Options#defaults()} (on); {@link Http2Options#disabled()} serves HTTP/1.1 only.
     */
    public BlueGreenProxyBuilder http2(Http2Options options) {
        this.http2 = requireNonNull(options, "http2");
        return this;
    }

    /**
     * Connects to every backend with TLS, verifying its certificate: HTTP/1.1 over TLS, or {@code h2} with
     * {@link #backendProtocol(BackendProtocol) BackendProtocol.H2}. Default: none (cleartext to the backends).
     */
    public BlueGreenProxyBuilder upstreamTls(UpstreamTls settings) {
        this.upstreamTls = requireNonNull(settings, "upstreamTls");
        return this;
    }

    /**
     * What both pools' backends speak: HTTP/1.1, h2c (cleartext HTTP/2 with prior knowledge, as a gRPC server without
     * TLS) or h2 (HTTP/2 over TLS, which needs {@link #upstreamTls}). Keeps the HTTP/2 limits set by
     * {@link #backendProtocols}. Default {@link BackendProtocol#HTTP1}.
     */
    public BlueGreenProxyBuilder backendProtocol(BackendProtocol protocol) {
        this.backendProtocols = backendProtocols.withProtocol(protocol);
        return this;
    }

    /** The protocol of each pool and the HTTP/2 connection limits; default {@link BackendProtocols#defaults()}. */
    public BlueGreenProxyBuilder backendProtocols(BackendProtocols protocols) {
        this.backendProtocols = requireNonNull(protocols, "backendProtocols");
        return this;
    }

    /**
     * The proxy, not yet started.
     *
     * @throws IllegalArgumentException if the TLS settings can't make a TLS context, the backend protocols don't fit
     *                                  TLS or the health checks (h2 without TLS, gRPC checks of HTTP/1.1), the preview
     *                                  listener would take the listener's port, a queue length is set without a queue
     *                                  timeout, a slow start without checks or ejection, or the affinity cookie is
     *                                  the sticky sessions' or preview's cookie
     */
    public BlueGreenProxy build() {
        BuilderChecks.distinctListeners(listenAddress, previewListenAddress);
        BuilderChecks.queue(timeouts, maxQueuedRequests);
        BuilderChecks.slowStart(slowStart, healthChecks, outlierEjection);
        ProtocolConfig protocols = BuilderChecks.protocols(tls, http2, upstreamTls, backendProtocols, healthChecks);
        return new BlueGreenProxy(new ProxyConfig(listenAddress, eventLoopThreads, transport, yieldAfterIo, timeouts,
                maxConnectAttempts, loadBalancing, maxQueuedRequests, closeClientConnectionsAfterSwitch, routingHeader,
                new SteeringSettings(preview, previewListenAddress, stickySessions, safetyNetWindow,
                        steeringTicker),
                autoRollback,
                new HealthSettings(healthChecks, outlierEjection, guardMinHealthy, guardMinShare, prewarmConnections,
                        slowStart),
                protocols,
                new RequestRules(requestLimits, allowedHosts, trustedProxies, forwardProxyAuthorization,
                        dropUnderscoreHeaders),
                nameServers,
                mirror),
                admin);
    }

    // ---- request limits and forwarding policy (Security and limits in the README) -------------------------

    /** All request limits and timeouts at once; see {@link RequestLimits#defaults()} for the defaults. */
    public BlueGreenProxyBuilder requestLimits(RequestLimits limits) {
        this.requestLimits = requireNonNull(limits, "requestLimits");
        return this;
    }

    /** Bytes of the request line; longer → 414. Default 8 KiB. */
    public BlueGreenProxyBuilder maxRequestLineLength(int bytes) {
        return requestLimits(requestLimits.withMaxRequestLineLength(bytes));
    }

    /** Bytes of a request's header section; larger → 431. Default 16 KiB. */
    public BlueGreenProxyBuilder maxHeaderSize(int bytes) {
        return requestLimits(requestLimits.withMaxHeaderSize(bytes));
    }

    /** Header fields in one request; more → 431. Default 100. */
    public BlueGreenProxyBuilder maxHeaderCount(int fields) {
        return requestLimits(requestLimits.withMaxHeaderCount(fields));
    }

    /**
     * Bytes of one request body; larger → 413, before any of it is forwarded when {@code Content-Length} says
     * so, else (chunked) when the limit is passed, which cuts the upload and closes the connection. Default 0:
     * no limit.
     */
    public BlueGreenProxyBuilder maxRequestBodySize(long bytes) {
        return requestLimits(requestLimits.withMaxBodySize(bytes));
    }

    /** Requests on one HTTP/1.1 connection (not HTTP/2); the last one's response closes it. Default 10,000; 0: none. */
    public BlueGreenProxyBuilder maxRequestsPerConnection(int requests) {
        return requestLimits(requestLimits.withMaxRequestsPerConnection(requests));
    }

    /**
     * Client connections open at once; one above it is answered 503 (with {@code Retry-After}) and closed.
     * Default 10,000; 0: no limit.
     */
    public BlueGreenProxyBuilder maxClientConnections(int connections) {
        return requestLimits(requestLimits.withMaxClientConnections(connections));
    }

    /**
     * How long a request head may take from its first byte to its last, however slowly the bytes come; slower
     * → 408 and close (the slowloris defence). Default 10 s.
     */
    public BlueGreenProxyBuilder requestHeaderTimeout(Duration timeout) {
        return requestLimits(requestLimits.withRequestHeaderTimeout(timeout));
    }

    /** How long the client may leave a read of its request body unanswered; longer → 408. Default 30 s. */
    public BlueGreenProxyBuilder requestBodyTimeout(Duration timeout) {
        return requestLimits(requestLimits.withRequestBodyTimeout(timeout));
    }

    /**
     * After the last response on an HTTP/1.1 connection the proxy closes (a refusal such as 431 or 414, an error
     * that ends the connection, {@code Connection: close}), how long it keeps reading and dropping what the client
     * still sends before closing: closing with the client's bytes unread would reset the connection, and a reset can
     * destroy the response before the client reads it (RFC 9112 §9.6). The output is shut down first, so the client
     * sees the end of the response at once. Default 2 s; 0 closes at once.
     */
    public BlueGreenProxyBuilder lingeringCloseTime(Duration time) {
        return requestLimits(requestLimits.withLingeringCloseTime(time));
    }

    /** How many bytes a lingering close reads and drops at most before it closes anyway. Default 1 MiB. */
    public BlueGreenProxyBuilder lingeringCloseBytes(long bytes) {
        return requestLimits(requestLimits.withLingeringCloseBytes(bytes));
    }

    /**
     * The host names requests may name in {@code Host} (port ignored, case-insensitive); any other → 421.
     * Default: empty, any host.
     *
     * @throws IllegalArgumentException naming an entry that is not a name or IP address without port, IPv6 bracketed
     */
    public BlueGreenProxyBuilder allowedHosts(Collection<String> hosts) {
        this.allowedHosts = RequestRules.allowedHosts(requireNonNull(hosts, "allowedHosts"));
        return this;
    }

    /**
     * The peers (IP addresses or CIDR blocks, e.g. {@code 10.0.0.0/8}) whose {@code X-Forwarded-For},
     * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code Forwarded} are kept and appended to: a load
     * balancer in front of the proxy. From any other peer those headers are replaced. Default: none.
     *
     * @throws IllegalArgumentException naming an entry that is not an IP address or CIDR block
     */
    public BlueGreenProxyBuilder trustedProxies(Collection<String> addressesOrCidrs) {
        this.trustedProxies = TrustedProxies.parse(requireNonNull(addressesOrCidrs, "trustedProxies"));
        return this;
    }

    /**
     * Whether {@code Proxy-Authorization} is passed on to the backend (it is stripped by default, as a field
     * meant for this hop; enable it when the backend itself checks proxy credentials). Default off.
     */
    public BlueGreenProxyBuilder forwardProxyAuthorization(boolean enabled) {
        this.forwardProxyAuthorization = enabled;
        return this;
    }

    /**
     * Whether request header fields whose name holds {@code _} are dropped before forwarding (as nginx does),
     * so that {@code X_Forwarded_For} can't pose as {@code X-Forwarded-For} to a backend that maps both to one
     * variable. Default off.
     */
    public BlueGreenProxyBuilder dropUnderscoreHeaders(boolean enabled) {
        this.dropUnderscoreHeaders = enabled;
        return this;
    }
}
