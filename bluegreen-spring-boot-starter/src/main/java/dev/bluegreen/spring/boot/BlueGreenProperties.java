package dev.bluegreen.spring.boot;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.HealthCheckSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code bluegreen.*} properties: the two pools, the proxy's listener, its TLS and HTTP/2, what the backends
 * speak, health checks, limits, preview, shadow traffic, the automatic rollback, where the routing state is kept and
 * the admin endpoint.
 *
 * <pre>
 * bluegreen.proxy.listen=0.0.0.0:8080
 * bluegreen.blue.version=v1
 * bluegreen.blue.backends=10.0.0.1:8080,10.0.0.2:8080
 * bluegreen.green.version=v2
 * bluegreen.green.backends=10.0.0.3:8080
 * </pre>
 *
 * <p>Values are checked when the beans are built; a value the library refuses fails the startup with the property's
 * name, the value and what was expected. Mutable, as Spring binds it; not meant to be changed after startup.
 */
@ConfigurationProperties("bluegreen")
public class BlueGreenProperties {

    /** Whether to configure the proxy at all. */
    private boolean enabled = true;

    /** The colour live at the start (unless a shared routing store already has a state). */
    private Colour live = Colour.BLUE;

    @NestedConfigurationProperty
    private final BlueGreenProxyProperties proxy = new BlueGreenProxyProperties();
    private final Pool blue = new Pool("blue");
    private final Pool green = new Pool("green");
    private final Health health = new Health();
    @NestedConfigurationProperty
    private final BlueGreenTlsProperties tls = new BlueGreenTlsProperties();
    @NestedConfigurationProperty
    private final BlueGreenHttp2Properties http2 = new BlueGreenHttp2Properties();
    @NestedConfigurationProperty
    private final BlueGreenLimitsProperties limits = new BlueGreenLimitsProperties();
    private final Preview preview = new Preview();
    private final Backend backend = new Backend();
    private final Mirror mirror = new Mirror();
    @NestedConfigurationProperty
    private final AutoRollbackProperties autoRollback = new AutoRollbackProperties();
    private final State state = new State();
    private final Admin admin = new Admin();

    /** Creates the properties with their defaults; Spring does this. */
    public BlueGreenProperties() {
    }

    /** @return whether the auto-configuration is on */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the auto-configuration is on */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the colour live at the start */
    public Colour getLive() {
        return live;
    }

    /** @param live the colour live at the start */
    public void setLive(Colour live) {
        this.live = live;
    }

    /** @return the proxy's listener and timeouts, {@code bluegreen.proxy.*} */
    public BlueGreenProxyProperties getProxy() {
        return proxy;
    }

    /** @return the watch after a change and its automatic rollback, {@code bluegreen.auto-rollback.*} */
    public AutoRollbackProperties getAutoRollback() {
        return autoRollback;
    }

    /** @return the blue pool */
    public Pool getBlue() {
        return blue;
    }

    /** @return the green pool */
    public Pool getGreen() {
        return green;
    }

    /** @return the health checks and switch guard */
    public Health getHealth() {
        return health;
    }

    /** @return TLS on the proxy's listener */
    public BlueGreenTlsProperties getTls() {
        return tls;
    }

    /** @return HTTP/2 towards clients */
    public BlueGreenHttp2Properties getHttp2() {
        return http2;
    }

    /** @return the limits on clients and requests */
    public BlueGreenLimitsProperties getLimits() {
        return limits;
    }

    /** @return the preview rule */
    public Preview getPreview() {
        return preview;
    }

    /** @return what the backends speak */
    public Backend getBackend() {
        return backend;
    }

    /** @return the shadow traffic to the idle colour */
    public Mirror getMirror() {
        return mirror;
    }

    /** @return where the routing state is kept */
    public State getState() {
        return state;
    }

    /** @return bluegreen's own admin HTTP endpoint */
    public Admin getAdmin() {
        return admin;
    }

    /** {@code bluegreen.blue.*} and {@code bluegreen.green.*}: one pool. */
    public static class Pool {
        /** A version label, shown in the status and logs. */
        private String version;
        /**
         * The backends, HOST:PORT each, optionally followed by " weight=N" (a load-balancing weight, 1-1000) and
         * " max=N" (at most N requests under way at once).
         */
        private List<String> backends = new ArrayList<>();

        /**
         * An empty pool without a version label. With a second constructor, Boot's metadata processor reads the pool
         * as a JavaBean (as the binder does, through the parent's getters) rather than as bound through its one
         * constructor, which would leave {@code backends} out of the metadata.
         */
        public Pool() {
        }

        /** An empty pool with a version label: the parent's defaults. */
        Pool(String version) {
            this.version = version;
        }

        /** @return the version label */
        public String getVersion() {
            return version;
        }

        /** @param version the version label */
        public void setVersion(String version) {
            this.version = version;
        }

        /** @return the backends, HOST:PORT each */
        public List<String> getBackends() {
            return backends;
        }

        /** @param backends the backends, HOST:PORT each */
        public void setBackends(List<String> backends) {
            this.backends = backends;
        }
    }

    /** {@code bluegreen.health.*}: active health checks and the switch guard that relies on them. */
    public static class Health {
        /** Whether to check every backend; the switch guard then refuses a switch to a pool with none healthy. */
        private boolean enabled;
        /** The path the checks GET; 2xx and 3xx pass. */
        private String path = HealthCheckSettings.DEFAULT_PATH;
        /** Time between two checks of a backend. */
        private Duration interval = Duration.ofSeconds(2);
        /** How long one check may take. */
        private Duration timeout = Duration.ofSeconds(1);
        /** Passes in a row that make a backend healthy. */
        private int rise = 2;
        /** Failures in a row that make a backend unhealthy. */
        private int fall = 3;
        /** Healthy backends the target pool needs for a switch; 0 turns the guard off. */
        private int minHealthy = 1;
        /**
         * Check with the standard gRPC health service (grpc.health.v1.Health/Check; SERVING passes) instead of
         * GET path; needs backend.protocol h2c or h2.
         */
        private boolean grpc;
        /** With grpc: the service asked about; empty for the server as a whole. */
        private String grpcService = "";
        /**
         * Slow start: a backend healthy again after failing its checks gets a share of new requests that grows to its
         * full share over this time (at most 1h); 0s: its full share at once.
         */
        private Duration slowStart = Duration.ZERO;

        /** @return whether checks are on */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether checks are on */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the checked path */
        public String getPath() {
            return path;
        }

        /** @param path the checked path */
        public void setPath(String path) {
            this.path = path;
        }

        /** @return the interval */
        public Duration getInterval() {
            return interval;
        }

        /** @param interval the interval */
        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        /** @return the timeout */
        public Duration getTimeout() {
            return timeout;
        }

        /** @param timeout the timeout */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        /** @return passes in a row to become healthy */
        public int getRise() {
            return rise;
        }

        /** @param rise passes in a row to become healthy */
        public void setRise(int rise) {
            this.rise = rise;
        }

        /** @return failures in a row to become unhealthy */
        public int getFall() {
            return fall;
        }

        /** @param fall failures in a row to become unhealthy */
        public void setFall(int fall) {
            this.fall = fall;
        }

        /** @return the guard's minimum, 0 for no guard */
        public int getMinHealthy() {
            return minHealthy;
        }

        /** @param minHealthy the guard's minimum, 0 for no guard */
        public void setMinHealthy(int minHealthy) {
            this.minHealthy = minHealthy;
        }

        /** @return whether the checks ask the gRPC health service */
        public boolean isGrpc() {
            return grpc;
        }

        /** @param grpc whether the checks ask the gRPC health service */
        public void setGrpc(boolean grpc) {
            this.grpc = grpc;
        }

        /** @return the gRPC service asked about, empty for the whole server */
        public String getGrpcService() {
            return grpcService;
        }

        /** @param grpcService the gRPC service asked about, empty for the whole server */
        public void setGrpcService(String grpcService) {
            this.grpcService = grpcService;
        }

        /** @return how long a backend that came back takes to reach its full share */
        public Duration getSlowStart() {
            return slowStart;
        }

        /** @param slowStart how long a backend that came back takes to reach its full share; 0s: at once */
        public void setSlowStart(Duration slowStart) {
            this.slowStart = slowStart;
        }

        /**
         * The settings given other than their defaults, for the refusal of settings given while the checks are off.
         *
         * @return each such property's name below {@code bluegreen.health.} with its value, in the order above
         */
        Map<String, Object> changed() {
            Health defaults = new Health();
            Map<String, Object> changed = new LinkedHashMap<>();
            PropertyChecks.putIfChanged(changed, "path", path, defaults.path);
            PropertyChecks.putIfChanged(changed, "interval", interval, defaults.interval);
            PropertyChecks.putIfChanged(changed, "timeout", timeout, defaults.timeout);
            PropertyChecks.putIfChanged(changed, "rise", rise, defaults.rise);
            PropertyChecks.putIfChanged(changed, "fall", fall, defaults.fall);
            PropertyChecks.putIfChanged(changed, "min-healthy", minHealthy, defaults.minHealthy);
            PropertyChecks.putIfChanged(changed, "grpc", grpc, defaults.grpc);
            PropertyChecks.putIfChanged(changed, "grpc-service", grpcService, defaults.grpcService);
            PropertyChecks.putIfChanged(changed, "slow-start", slowStart, defaults.slowStart);
            return changed;
        }
    }

    /** {@code bluegreen.preview.*}: requests that reach the idle colour before a switch, for testers. */
    public static class Preview {
        /** A request header that sends a request to the idle colour. */
        private String header;
        /** The value the header must have; it never reaches a backend. */
        private String secret;
        /** A second listener, HOST:PORT, that always serves the idle colour. */
        private String listen;

        /** @return the preview header's name, or {@code null} */
        public String getHeader() {
            return header;
        }

        /** @param header the preview header's name */
        public void setHeader(String header) {
            this.header = header;
        }

        /** @return the secret, or {@code null} */
        public String getSecret() {
            return secret;
        }

        /** @param secret the secret */
        public void setSecret(String secret) {
            this.secret = secret;
        }

        /** @return the preview listener, HOST:PORT, or {@code null} */
        public String getListen() {
            return listen;
        }

        /** @param listen the preview listener, HOST:PORT */
        public void setListen(String listen) {
            this.listen = listen;
        }
    }

    /** {@code bluegreen.backend.*}: what the backends of both pools speak, and the trust for TLS to them. */
    public static class Backend {
        /** http1, h2c (cleartext HTTP/2, as a gRPC server without TLS) or h2 (HTTP/2 over TLS, through ALPN). */
        private BackendProtocol protocol = BackendProtocol.HTTP1;
        /**
         * A PEM file of the certificates to trust for TLS to the backends (a private CA, or their own); with h2 and
         * none given, the JDK's trusted certificates. Not with h2c.
         */
        private String ca;
        /** A PEM client certificate chain presented to backends that ask for one (mutual TLS); needs client-key. */
        private String clientCertificate;
        /** The PKCS#8 PEM private key of client-certificate. */
        private String clientKey;

        /** @return the protocol */
        public BackendProtocol getProtocol() {
            return protocol;
        }

        /** @param protocol the protocol */
        public void setProtocol(BackendProtocol protocol) {
            this.protocol = protocol;
        }

        /** @return the PEM file's path, or {@code null} */
        public String getCa() {
            return ca;
        }

        /** @param ca the PEM file's path */
        public void setCa(String ca) {
            this.ca = ca;
        }

        /** @return the client certificate chain's path, or {@code null} */
        public String getClientCertificate() {
            return clientCertificate;
        }

        /** @param clientCertificate the client certificate chain's path */
        public void setClientCertificate(String clientCertificate) {
            this.clientCertificate = clientCertificate;
        }

        /** @return the client key's path, or {@code null} */
        public String getClientKey() {
            return clientKey;
        }

        /** @param clientKey the client key's path */
        public void setClientKey(String clientKey) {
            this.clientKey = clientKey;
        }
    }

    /**
     * {@code bluegreen.mirror.*}: a share of the live requests also sent to the idle colour and the two answers
     * compared, without holding back the live answer; optionally a guard that refuses a switch while they disagree.
     * Off unless {@code percent} is set.
     */
    public static class Mirror {
        /** The share of eligible live requests mirrored, 0-100. */
        private Double percent;
        /** The agreement ratio (0-1) below which a switch, promote or shift to the idle colour is refused. */
        private Double guard;
        /** The compared pairs the guard needs before it lets a switch through. */
        private Integer guardMin;
        /** The response headers compared (Content-Type when empty). */
        private List<String> comparedHeaders = new ArrayList<>();
        /** Members left out of JSON answers, at any depth; the rest is compared as JSON, members in any order. */
        private List<String> ignoredJsonMembers = new ArrayList<>();
        /** Media types whose bodies are not compared, such as text/html or image/*. */
        private List<String> ignoredBodyTypes = new ArrayList<>();

        /** @return the share mirrored, or {@code null} when off */
        public Double getPercent() {
            return percent;
        }

        /** @param percent the share mirrored, 0-100 */
        public void setPercent(Double percent) {
            this.percent = percent;
        }

        /** @return the guard's ratio, or {@code null} for no guard */
        public Double getGuard() {
            return guard;
        }

        /** @param guard the guard's ratio, 0-1 */
        public void setGuard(Double guard) {
            this.guard = guard;
        }

        /** @return the pairs the guard needs, or {@code null} for the library's default */
        public Integer getGuardMin() {
            return guardMin;
        }

        /** @param guardMin the pairs the guard needs */
        public void setGuardMin(Integer guardMin) {
            this.guardMin = guardMin;
        }

        /** @return the response headers compared; empty for the library's default, Content-Type */
        public List<String> getComparedHeaders() {
            return comparedHeaders;
        }

        /** @param comparedHeaders the response headers compared */
        public void setComparedHeaders(List<String> comparedHeaders) {
            this.comparedHeaders = comparedHeaders;
        }

        /** @return the members left out of JSON answers before they are compared */
        public List<String> getIgnoredJsonMembers() {
            return ignoredJsonMembers;
        }

        /** @param ignoredJsonMembers the members left out of JSON answers before they are compared */
        public void setIgnoredJsonMembers(List<String> ignoredJsonMembers) {
            this.ignoredJsonMembers = ignoredJsonMembers;
        }

        /** @return the media types whose bodies are not compared */
        public List<String> getIgnoredBodyTypes() {
            return ignoredBodyTypes;
        }

        /** @param ignoredBodyTypes the media types whose bodies are not compared */
        public void setIgnoredBodyTypes(List<String> ignoredBodyTypes) {
            this.ignoredBodyTypes = ignoredBodyTypes;
        }
    }

    /**
     * {@code bluegreen.state.*}: where the routing state is kept. In memory by default, so a restart starts again
     * from {@code bluegreen.live} at generation 0; with a file, a restart (or a crash) comes back to the colour and
     * generation it had, and the pools given here only seed a new file.
     */
    public static class State {
        /** The routing state file (locked while the application runs; keep it on a local disk). */
        private String file;

        /** @return the state file's path, or {@code null} for memory */
        public String getFile() {
            return file;
        }

        /** @param file the state file's path */
        public void setFile(String file) {
            this.file = file;
        }
    }

    /**
     * {@code bluegreen.admin.*}: bluegreen's own admin HTTP endpoint (status page, /status, /switch...), beside the
     * Actuator endpoint. Off by default.
     */
    public static class Admin {
        /** Whether to run it. */
        private boolean enabled;
        /** Where it listens, HOST:PORT. */
        private String listen = "127.0.0.1:8081";
        /** The bearer token its requests need; required beyond loopback. */
        private String token;
        /** The name of a Spring Boot SSL bundle to serve the endpoint over HTTPS with; plain HTTP if unset. */
        private String tlsBundle;

        /** @return whether it runs */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether it runs */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return HOST:PORT */
        public String getListen() {
            return listen;
        }

        /** @param listen HOST:PORT */
        public void setListen(String listen) {
            this.listen = listen;
        }

        /** @return the token, or {@code null} */
        public String getToken() {
            return token;
        }

        /** @param token the token */
        public void setToken(String token) {
            this.token = token;
        }

        /** @return the SSL bundle's name, or {@code null} */
        public String getTlsBundle() {
            return tlsBundle;
        }

        /** @param tlsBundle the SSL bundle's name */
        public void setTlsBundle(String tlsBundle) {
            this.tlsBundle = tlsBundle;
        }
    }
}
