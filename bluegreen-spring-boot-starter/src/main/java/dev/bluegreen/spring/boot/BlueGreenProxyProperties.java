package dev.bluegreen.spring.boot;

import java.time.Duration;

/**
 * {@code bluegreen.proxy.*}: where the proxy listens, its event loops, how long it waits, and what it does with
 * connections at a switch. Bound through
 * {@link BlueGreenProperties#getProxy()}. The durations left unset keep the proxy builder's defaults, which the
 * values below repeat.
 */
public class BlueGreenProxyProperties {
    /** Where the proxy listens, HOST:PORT; port 0 picks a free one. */
    private String listen = "127.0.0.1:8080";
    /** Event-loop threads; default: the number of cores. */
    private Integer threads;
    /**
     * The event loops' I/O transport: auto (io_uring, else epoll, else NIO), io_uring, epoll or nio. A transport named
     * here that the machine can't load fails the startup with the reason.
     */
    private String transport = "auto";
    /**
     * Whether each event loop gives up its core after every round of I/O that handled something, so that clients,
     * backends or other work sharing the cores get their turn sooner (docs/performance.md has the figures). Default
     * on; false for Netty's plain loops.
     */
    private boolean yieldAfterIo = true;
    /**
     * Whether to log one INFO line per request on the logger bluegreen.access: client, request line, status,
     * response bytes, time, colour and backend. Default off.
     */
    private boolean accessLog;
    /** How long one upstream connect may take. */
    private Duration connectTimeout = Duration.ofSeconds(2);
    /** How long a backend may stay silent before the client gets 504. */
    private Duration responseTimeout = Duration.ofSeconds(30);
    /**
     * How long a client may take none of a response before the proxy cuts it (resets the HTTP/2 stream, closes the
     * HTTP/1.1 connection) and releases the backend's side; above 0. Default 60 s, the proxy builder's.
     */
    private Duration sendTimeout = Duration.ofSeconds(60);
    /** How long a pooled upstream connection may sit unused before it is closed; above 0. Default 30 s. */
    private Duration upstreamIdleTimeout = Duration.ofSeconds(30);
    /** How many backends of the pool one request may try to connect to before 502; 1-64. Default 3. */
    private int maxConnectAttempts = 3;
    /**
     * How each request's backend is picked from the live pool: round-robin (by weight, the default),
     * least-requests (the fewest requests under way for its weight, counted over the event loops), or a consistent
     * hash (the same value to the same backend): hash:header:NAME, hash:cookie:NAME, hash:query:NAME,
     * hash:client-address or hash:path; or affinity-cookie:NAME (round robin, then each client kept on its backend by a
     * cookie the proxy sets), alone or after another (least-requests,affinity-cookie:NAME); affinity-cookie:NAME:secure
     * marks it Secure on every answer (behind a balancer that ends the clients' TLS).
     */
    private String loadBalancing = "round-robin";
    /**
     * How long a client keep-alive connection may sit between requests before the proxy closes it; above 0.
     * Default 60 s, the proxy builder's.
     */
    private Duration idleTimeout = Duration.ofSeconds(60);
    /**
     * After a switch, how long the colour that stopped being live may keep exchanges and busy upstream connections
     * open; at the deadline what is left is closed (a WebSocket gets a close frame). Above 0. Default 30 s, the
     * proxy builder's.
     */
    private Duration drainTimeout = Duration.ofSeconds(30);
    /**
     * After a switch, how long the colour that stopped being live keeps its idle upstream connections warm, so that
     * a rollback within it opens no connection; 0 closes them at the switch. Default 30 s, the proxy builder's.
     */
    private Duration rollbackWindow = Duration.ofSeconds(30);
    /**
     * How long a request that finds every backend of its pool at its limit of requests under way (a backend's
     * max=N) waits in a queue for one of them before 503; 0 (the default): no queue, 503 at once.
     */
    private Duration queueTimeout = Duration.ZERO;
    /**
     * The most requests that may wait at once in each colour's queue (queue-timeout); one that finds it full gets
     * 503 at once. 0 (the default): no limit of its own. Only with a queue timeout above 0.
     */
    private int maxQueued;
    /**
     * On shutdown, how long exchanges under way may finish. Keep it within
     * spring.lifecycle.timeout-per-shutdown-phase (30 s by default), which bounds the wait.
     */
    private Duration shutdownGracePeriod = Duration.ofSeconds(30);
    /**
     * Whether a client connection opened before a switch is closed after its next response (which says
     * "Connection: close"): for clients that must reconnect to notice a switch, such as connection-level load
     * balancers. Each request is routed on its own either way. Default off.
     */
    private boolean closeClientConnectionsAfterSwitch;
    /** A response header naming the colour that served each request, or none. */
    private String routingHeader;

    /** Creates the properties with their defaults; Spring does this. */
    public BlueGreenProxyProperties() {
    }

    /** @return HOST:PORT */
    public String getListen() {
        return listen;
    }

    /** @param listen HOST:PORT */
    public void setListen(String listen) {
        this.listen = listen;
    }

    /** @return the event-loop threads, or {@code null} for the default */
    public Integer getThreads() {
        return threads;
    }

    /** @param threads the event-loop threads */
    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    /** @return the load balancing's name: round-robin unless set */
    public String getLoadBalancing() {
        return loadBalancing;
    }

    /**
     * @param loadBalancing round-robin, least-requests, hash:..., affinity-cookie:NAME, or one of the others followed
     *                      by ,affinity-cookie:NAME ({@code LoadBalancing.named})
     */
    public void setLoadBalancing(String loadBalancing) {
        this.loadBalancing = loadBalancing;
    }

    /** @return the transport's name: auto unless set */
    public String getTransport() {
        return transport;
    }

    /** @param transport auto, io_uring, epoll or nio */
    public void setTransport(String transport) {
        this.transport = transport;
    }

    /** @return whether the event loops yield their core after a round of I/O; true unless set */
    public boolean isYieldAfterIo() {
        return yieldAfterIo;
    }

    /** @param yieldAfterIo whether the event loops yield their core after a round of I/O */
    public void setYieldAfterIo(boolean yieldAfterIo) {
        this.yieldAfterIo = yieldAfterIo;
    }

    /** @return whether the access log is on; false unless set */
    public boolean isAccessLog() {
        return accessLog;
    }

    /** @param accessLog whether the access log is on */
    public void setAccessLog(boolean accessLog) {
        this.accessLog = accessLog;
    }

    /** @return the connect timeout */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /** @param connectTimeout the connect timeout */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** @return the response timeout */
    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    /** @param responseTimeout the response timeout */
    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    /** @return the send timeout; 60 s unless set */
    public Duration getSendTimeout() {
        return sendTimeout;
    }

    /** @param sendTimeout how long a client may take none of a response */
    public void setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
    }

    /** @return how long a request waits for a backend below its limit; 0 (no queue) unless set */
    public Duration getQueueTimeout() {
        return queueTimeout;
    }

    /** @param queueTimeout how long a request waits for a backend below its limit; 0: no queue */
    public void setQueueTimeout(Duration queueTimeout) {
        this.queueTimeout = queueTimeout;
    }

    /** @return the most requests waiting in each colour's queue; 0 for no limit */
    public int getMaxQueued() {
        return maxQueued;
    }

    /** @param maxQueued the most requests waiting in each colour's queue; 0 for no limit */
    public void setMaxQueued(int maxQueued) {
        this.maxQueued = maxQueued;
    }

    /** @return the client keep-alive idle timeout; 60 s unless set */
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    /** @param idleTimeout the client keep-alive idle timeout, above 0 */
    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** @return how long a pooled upstream connection may sit unused; 30 s unless set */
    public Duration getUpstreamIdleTimeout() {
        return upstreamIdleTimeout;
    }

    /** @param upstreamIdleTimeout how long a pooled upstream connection may sit unused, above 0 */
    public void setUpstreamIdleTimeout(Duration upstreamIdleTimeout) {
        this.upstreamIdleTimeout = upstreamIdleTimeout;
    }

    /** @return how many backends one request may try to connect to; 3 unless set */
    public int getMaxConnectAttempts() {
        return maxConnectAttempts;
    }

    /** @param maxConnectAttempts how many backends one request may try to connect to, 1-64 */
    public void setMaxConnectAttempts(int maxConnectAttempts) {
        this.maxConnectAttempts = maxConnectAttempts;
    }

    /** @return the drain timeout of a colour that stopped being live; 30 s unless set */
    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    /** @param drainTimeout the drain timeout of a colour that stopped being live, above 0 */
    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /** @return how long the old colour's idle upstream connections stay warm; 30 s unless set */
    public Duration getRollbackWindow() {
        return rollbackWindow;
    }

    /** @param rollbackWindow how long the old colour's idle upstream connections stay warm, 0 or more */
    public void setRollbackWindow(Duration rollbackWindow) {
        this.rollbackWindow = rollbackWindow;
    }

    /** @return the shutdown grace period */
    public Duration getShutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    /** @param shutdownGracePeriod the shutdown grace period */
    public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
        this.shutdownGracePeriod = shutdownGracePeriod;
    }

    /** @return whether connections from before a switch close after their next response; false unless set */
    public boolean isCloseClientConnectionsAfterSwitch() {
        return closeClientConnectionsAfterSwitch;
    }

    /** @param closeClientConnectionsAfterSwitch whether connections from before a switch close after a response */
    public void setCloseClientConnectionsAfterSwitch(boolean closeClientConnectionsAfterSwitch) {
        this.closeClientConnectionsAfterSwitch = closeClientConnectionsAfterSwitch;
    }

    /** @return the routing header's name, or {@code null} */
    public String getRoutingHeader() {
        return routingHeader;
    }

    /** @param routingHeader the routing header's name */
    public void setRoutingHeader(String routingHeader) {
        this.routingHeader = routingHeader;
    }
}
