package dev.bluegreen.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * {@code bluegreen.limits.*}: limits on clients and requests, how a connection the proxy ends is closed, and whose
 * forwarding headers are trusted. Bound through {@link BlueGreenProperties#getLimits()}; the defaults below repeat the
 * proxy builder's.
 */
public class BlueGreenLimitsProperties {
    /** Client connections at once; 0: no limit. */
    private int maxConnections = 10_000;
    /** Requests on one client connection before the proxy closes it; 0: no limit. */
    private int maxRequestsPerConnection = 10_000;
    /** Largest request body (larger gets 413); 0: no limit. */
    private DataSize maxBodySize = DataSize.ofBytes(0);
    /** The Host values served; any other gets 421. Empty: any. */
    private List<String> allowedHosts = new ArrayList<>();
    /** Peers (addresses or CIDRs) whose X-Forwarded-* and Forwarded headers are kept. */
    private List<String> trustedProxies = new ArrayList<>();
    /** Longest request line (longer gets 414); at least 64 bytes. */
    private DataSize maxRequestLineLength = DataSize.ofKilobytes(8);
    /** Largest request header section (larger gets 431); at least 256 bytes. */
    private DataSize maxHeaderSize = DataSize.ofKilobytes(16);
    /** Most header fields in one request (more gets 431); at least 1. */
    private int maxHeaderCount = 100;
    /** How long a request head may take, however slowly its bytes come (slower gets 408): the slowloris defence. */
    private Duration requestHeaderTimeout = Duration.ofSeconds(10);
    /** How long the client may leave a read of its request body unanswered (longer gets 408). */
    private Duration requestBodyTimeout = Duration.ofSeconds(30);
    /** Whether header fields whose name holds an underscore are dropped before forwarding, as nginx does. */
    private boolean dropUnderscoreHeaders;
    /**
     * Whether Proxy-Authorization is passed on to the backends; by default it is stripped, as a field meant for this
     * hop. For backends that check proxy credentials themselves.
     */
    private boolean forwardProxyAuthorization;
    /**
     * After the last response on an HTTP/1.1 connection the proxy ends (a refusal such as 431, "Connection:
     * close"), how long it keeps reading and dropping what the client still sends before it closes, so that the
     * client reads the response rather than a reset; 0 closes at once.
     */
    private Duration lingeringCloseTime = Duration.ofSeconds(2);
    /** How much a lingering close reads and drops at most before it closes anyway; 0 or more. */
    private DataSize lingeringCloseBytes = DataSize.ofMegabytes(1);

    /** Creates the properties with their defaults; Spring does this. */
    public BlueGreenLimitsProperties() {
    }

    /** @return the connection limit */
    public int getMaxConnections() {
        return maxConnections;
    }

    /** @param maxConnections the connection limit */
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** @return the per-connection request limit */
    public int getMaxRequestsPerConnection() {
        return maxRequestsPerConnection;
    }

    /** @param maxRequestsPerConnection the per-connection request limit */
    public void setMaxRequestsPerConnection(int maxRequestsPerConnection) {
        this.maxRequestsPerConnection = maxRequestsPerConnection;
    }

    /** @return the largest request body */
    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    /** @param maxBodySize the largest request body */
    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    /** @return the allowed Host values */
    public List<String> getAllowedHosts() {
        return allowedHosts;
    }

    /** @param allowedHosts the allowed Host values */
    public void setAllowedHosts(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts;
    }

    /** @return the trusted proxies */
    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    /** @param trustedProxies the trusted proxies */
    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** @return the longest request line; 8 KB unless set */
    public DataSize getMaxRequestLineLength() {
        return maxRequestLineLength;
    }

    /** @param maxRequestLineLength the longest request line */
    public void setMaxRequestLineLength(DataSize maxRequestLineLength) {
        this.maxRequestLineLength = maxRequestLineLength;
    }

    /** @return the largest request header section; 16 KB unless set */
    public DataSize getMaxHeaderSize() {
        return maxHeaderSize;
    }

    /** @param maxHeaderSize the largest request header section */
    public void setMaxHeaderSize(DataSize maxHeaderSize) {
        this.maxHeaderSize = maxHeaderSize;
    }

    /** @return the most header fields in one request; 100 unless set */
    public int getMaxHeaderCount() {
        return maxHeaderCount;
    }

    /** @param maxHeaderCount the most header fields in one request */
    public void setMaxHeaderCount(int maxHeaderCount) {
        this.maxHeaderCount = maxHeaderCount;
    }

    /** @return how long a request head may take; 10 s unless set */
    public Duration getRequestHeaderTimeout() {
        return requestHeaderTimeout;
    }

    /** @param requestHeaderTimeout how long a request head may take, above 0 */
    public void setRequestHeaderTimeout(Duration requestHeaderTimeout) {
        this.requestHeaderTimeout = requestHeaderTimeout;
    }

    /** @return how long a read of the request body may wait; 30 s unless set */
    public Duration getRequestBodyTimeout() {
        return requestBodyTimeout;
    }

    /** @param requestBodyTimeout how long a read of the request body may wait, above 0 */
    public void setRequestBodyTimeout(Duration requestBodyTimeout) {
        this.requestBodyTimeout = requestBodyTimeout;
    }

    /** @return whether header fields with an underscore in their name are dropped; false unless set */
    public boolean isDropUnderscoreHeaders() {
        return dropUnderscoreHeaders;
    }

    /** @param dropUnderscoreHeaders whether header fields with an underscore in their name are dropped */
    public void setDropUnderscoreHeaders(boolean dropUnderscoreHeaders) {
        this.dropUnderscoreHeaders = dropUnderscoreHeaders;
    }

    /** @return whether Proxy-Authorization reaches the backends; false unless set */
    public boolean isForwardProxyAuthorization() {
        return forwardProxyAuthorization;
    }

    /** @param forwardProxyAuthorization whether Proxy-Authorization reaches the backends */
    public void setForwardProxyAuthorization(boolean forwardProxyAuthorization) {
        this.forwardProxyAuthorization = forwardProxyAuthorization;
    }

    /** @return how long a lingering close reads before it closes; 2 s unless set */
    public Duration getLingeringCloseTime() {
        return lingeringCloseTime;
    }

    /** @param lingeringCloseTime how long a lingering close reads before it closes, 0 or more */
    public void setLingeringCloseTime(Duration lingeringCloseTime) {
        this.lingeringCloseTime = lingeringCloseTime;
    }

    /** @return how much a lingering close reads and drops at most; 1 MB unless set */
    public DataSize getLingeringCloseBytes() {
        return lingeringCloseBytes;
    }

    /** @param lingeringCloseBytes how much a lingering close reads and drops at most */
    public void setLingeringCloseBytes(DataSize lingeringCloseBytes) {
        this.lingeringCloseBytes = lingeringCloseBytes;
    }
}
