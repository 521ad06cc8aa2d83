package dev.bluegreen.spring.boot;

import static dev.bluegreen.spring.boot.PropertyChecks.check;
import static dev.bluegreen.spring.boot.PropertyChecks.refused;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.FileRoutingStore;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.Http2Options;
import dev.bluegreen.proxy.IoTransport;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.MirrorSettings;
import dev.bluegreen.proxy.PreviewRule;
import dev.bluegreen.proxy.TlsFileException;
import dev.bluegreen.proxy.UpstreamTls;
import dev.bluegreen.proxy.watch.AutoRollback;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;

/**
 * The {@code bluegreen.*} properties applied to the library's builders, one feature group per method, each value
 * checked against the property that holds it. Stateless.
 */
final class BlueGreenBuilders {

    private BlueGreenBuilders() {
    }

    /** The admin object's builder: both pools, the live colour and, with {@code bluegreen.state.file}, the store. */
    static BlueGreen.Builder admin(BlueGreenProperties properties) {
        Environment blue = pool(Colour.BLUE, properties.getBlue());
        Environment green = pool(Colour.GREEN, properties.getGreen());
        if (blue.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException("bluegreen.blue.backends", "",
                    "expected: at least one HOST:PORT, the pool that is live first");
        }
        if (properties.getLive() == Colour.GREEN && green.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException("bluegreen.live", "green",
                    "bluegreen.green.backends names no backends (expected: a colour whose pool has backends)");
        }
        BlueGreen.Builder builder = BlueGreen.builder()
                .blue(blue.version(), blue.backends())
                .green(green.version(), green.backends())
                .live(properties.getLive());
        String stateFile = properties.getState().getFile();
        if (stateFile != null && !stateFile.isBlank()) {
            // Opened (and locked) when the admin object is built: a damaged file or one held by another process
            // fails the startup with the store's message, which names the file (BlueGreenAutoConfiguration).
            builder.store(check("bluegreen.state.file", stateFile, () -> FileRoutingStore.at(Path.of(stateFile))));
        }
        return builder;
    }

    private static Environment pool(Colour colour, BlueGreenProperties.Pool pool) {
        String prefix = "bluegreen." + colour.label();
        List<Backend> backends = pool.getBackends().stream()
                .map(text -> check(prefix + ".backends", text, () -> Backend.parse(text)))
                .toList();
        // The version first, against an empty pool, so that a bad label is blamed on its own property.
        check(prefix + ".version", pool.getVersion(), () -> Environment.of(colour, pool.getVersion(), List.of()));
        return check(prefix + ".backends", String.join(",", pool.getBackends()),
                () -> Environment.of(colour, pool.getVersion(), backends));
    }

    /** The proxy's builder, from every group of properties. */
    static BlueGreenProxyBuilder proxy(BlueGreen admin, BlueGreenProperties properties) {
        BlueGreenProxyBuilder proxy = BlueGreenProxy.builder(admin);
        listener(proxy, properties.getProxy());
        health(proxy, properties.getHealth(), properties.getBackend().getProtocol());
        http2(proxy, properties.getHttp2());
        limits(proxy, properties.getLimits());
        preview(proxy, properties.getPreview());
        backend(proxy, properties.getBackend());
        mirror(proxy, properties.getMirror());
        autoRollback(proxy, properties.getAutoRollback());
        return proxy;
    }

    private static void listener(BlueGreenProxyBuilder proxy, BlueGreenProxyProperties settings) {
        InetSocketAddress listen = PropertyChecks.listenAddress("bluegreen.proxy.listen", settings.getListen());
        proxy.listen(listen.getHostString(), listen.getPort());
        if (settings.getThreads() != null) {
            check("bluegreen.proxy.threads", settings.getThreads(),
                    () -> proxy.eventLoopThreads(settings.getThreads()));
        }
        check("bluegreen.proxy.transport", settings.getTransport(),
                () -> proxy.transport(IoTransport.named(settings.getTransport())));
        proxy.yieldAfterIo(settings.isYieldAfterIo());
        check("bluegreen.proxy.connect-timeout", settings.getConnectTimeout(),
                () -> proxy.connectTimeout(settings.getConnectTimeout()));
        check("bluegreen.proxy.response-timeout", settings.getResponseTimeout(),
                () -> proxy.responseTimeout(settings.getResponseTimeout()));
        check("bluegreen.proxy.send-timeout", settings.getSendTimeout(),
                () -> proxy.sendTimeout(settings.getSendTimeout()));
        check("bluegreen.proxy.queue-timeout", settings.getQueueTimeout(),
                () -> proxy.queueTimeout(settings.getQueueTimeout()));
        check("bluegreen.proxy.max-queued", settings.getMaxQueued(),
                () -> proxy.maxQueuedRequests(settings.getMaxQueued()));
        if (settings.getMaxQueued() != 0 && settings.getQueueTimeout().isZero()) {
            throw refused("bluegreen.proxy.max-queued", settings.getMaxQueued(),
                    "given without bluegreen.proxy.queue-timeout (expected: a queue timeout above 0 for the queue it"
                            + " limits)");
        }
        check("bluegreen.proxy.idle-timeout", settings.getIdleTimeout(),
                () -> proxy.idleTimeout(settings.getIdleTimeout()));
        check("bluegreen.proxy.upstream-idle-timeout", settings.getUpstreamIdleTimeout(),
                () -> proxy.upstreamIdleTimeout(settings.getUpstreamIdleTimeout()));
        check("bluegreen.proxy.max-connect-attempts", settings.getMaxConnectAttempts(),
                () -> proxy.maxConnectAttempts(settings.getMaxConnectAttempts()));
        check("bluegreen.proxy.load-balancing", settings.getLoadBalancing(),
                () -> proxy.loadBalancing(LoadBalancing.named(settings.getLoadBalancing())));
        check("bluegreen.proxy.drain-timeout", settings.getDrainTimeout(),
                () -> proxy.drainTimeout(settings.getDrainTimeout()));
        check("bluegreen.proxy.rollback-window", settings.getRollbackWindow(),
                () -> proxy.rollbackWindow(settings.getRollbackWindow()));
        check("bluegreen.proxy.shutdown-grace-period", settings.getShutdownGracePeriod(),
                () -> proxy.shutdownGracePeriod(settings.getShutdownGracePeriod()));
        proxy.closeClientConnectionsAfterSwitch(settings.isCloseClientConnectionsAfterSwitch());
        if (settings.getRoutingHeader() != null) {
            check("bluegreen.proxy.routing-header", settings.getRoutingHeader(),
                    () -> proxy.routingHeader(settings.getRoutingHeader()));
        }
    }

    private static void health(BlueGreenProxyBuilder proxy, BlueGreenProperties.Health health,
                               BackendProtocol protocol) {
        if (!health.isEnabled()) {
            PropertyChecks.refuseGivenWhileOff("bluegreen.health.", health.changed());
            return;
        }
        if (!health.isGrpc() && !health.getGrpcService().isEmpty()) {
            throw PropertyChecks.refused("bluegreen.health.grpc-service", health.getGrpcService(),
                    "given without bluegreen.health.grpc=true (expected: both)");
        }
        HealthCheckSettings path = health.isGrpc() ? grpcCheck(health, protocol)
                : check("bluegreen.health.path", health.getPath(),
                        () -> HealthCheckSettings.defaults().withPath(health.getPath()));
        HealthCheckSettings every = check("bluegreen.health.interval", health.getInterval(),
                () -> path.withInterval(health.getInterval()));
        HealthCheckSettings timed = check("bluegreen.health.timeout", health.getTimeout(),
                () -> every.withTimeout(health.getTimeout()));
        HealthCheckSettings risen = check("bluegreen.health.rise", health.getRise(),
                () -> timed.withThresholds(health.getRise(), timed.fall()));
        HealthCheckSettings all = check("bluegreen.health.fall", health.getFall(),
                () -> risen.withThresholds(risen.rise(), health.getFall()));
        proxy.healthChecks(all);
        if (health.getMinHealthy() == 0) {
            proxy.withoutTargetGuard();
        } else {
            check("bluegreen.health.min-healthy", health.getMinHealthy(),
                    () -> proxy.targetGuard(health.getMinHealthy()));
        }
        check("bluegreen.health.slow-start", health.getSlowStart(), () -> proxy.slowStart(health.getSlowStart()));
    }

    /** The gRPC check {@code bluegreen.health.grpc} asks for, refusing the settings that contradict it. */
    private static HealthCheckSettings grpcCheck(BlueGreenProperties.Health health, BackendProtocol protocol) {
        if (protocol == BackendProtocol.HTTP1) {
            throw PropertyChecks.refused("bluegreen.health.grpc", true, "with bluegreen.backend.protocol=http1"
                    + " (expected: h2c or h2, gRPC needs HTTP/2)");
        }
        if (!health.getPath().equals(HealthCheckSettings.DEFAULT_PATH)) {
            // A gRPC check has no path of its own to take: a path given is a check of the other kind, half set.
            throw PropertyChecks.refused("bluegreen.health.path", health.getPath(),
                    "given with bluegreen.health.grpc=true (expected: one kind of check)");
        }
        return check("bluegreen.health.grpc-service", health.getGrpcService(),
                () -> HealthCheckSettings.grpc().withGrpcService(health.getGrpcService()));
    }

    private static void http2(BlueGreenProxyBuilder proxy, BlueGreenHttp2Properties http2) {
        if (!http2.isEnabled()) {
            proxy.http2(Http2Options.disabled());
            return;
        }
        Http2Options cleartext = Http2Options.defaults().withCleartext(http2.isCleartext());
        Http2Options streams = check("bluegreen.http2.max-concurrent-streams", http2.getMaxConcurrentStreams(),
                () -> cleartext.withMaxConcurrentStreams(http2.getMaxConcurrentStreams()));
        String headerList = "bluegreen.http2.max-header-list-size";
        Http2Options headers = check(headerList, http2.getMaxHeaderListSize(), () -> streams.withMaxHeaderListSize(
                PropertyChecks.intBytes(headerList, http2.getMaxHeaderListSize())));
        String window = "bluegreen.http2.initial-window-size";
        Http2Options windows = check(window, http2.getInitialWindowSize(), () -> headers.withInitialWindowSize(
                PropertyChecks.intBytes(window, http2.getInitialWindowSize())));
        Http2Options resets = check("bluegreen.http2.max-reset-streams", http2.getMaxResetStreams(),
                () -> windows.withMaxResetStreams(http2.getMaxResetStreams(), windows.resetWindow()));
        proxy.http2(check("bluegreen.http2.reset-window", http2.getResetWindow(),
                () -> resets.withMaxResetStreams(resets.maxResetStreams(), http2.getResetWindow())));
    }

    private static void limits(BlueGreenProxyBuilder proxy, BlueGreenLimitsProperties limits) {
        check("bluegreen.limits.max-connections", limits.getMaxConnections(),
                () -> proxy.maxClientConnections(limits.getMaxConnections()));
        check("bluegreen.limits.max-requests-per-connection", limits.getMaxRequestsPerConnection(),
                () -> proxy.maxRequestsPerConnection(limits.getMaxRequestsPerConnection()));
        check("bluegreen.limits.max-body-size", limits.getMaxBodySize(),
                () -> proxy.maxRequestBodySize(limits.getMaxBodySize().toBytes()));
        String lineLength = "bluegreen.limits.max-request-line-length";
        check(lineLength, limits.getMaxRequestLineLength(), () -> proxy.maxRequestLineLength(
                PropertyChecks.intBytes(lineLength, limits.getMaxRequestLineLength())));
        String headerSize = "bluegreen.limits.max-header-size";
        check(headerSize, limits.getMaxHeaderSize(),
                () -> proxy.maxHeaderSize(PropertyChecks.intBytes(headerSize, limits.getMaxHeaderSize())));
        check("bluegreen.limits.max-header-count", limits.getMaxHeaderCount(),
                () -> proxy.maxHeaderCount(limits.getMaxHeaderCount()));
        check("bluegreen.limits.request-header-timeout", limits.getRequestHeaderTimeout(),
                () -> proxy.requestHeaderTimeout(limits.getRequestHeaderTimeout()));
        check("bluegreen.limits.request-body-timeout", limits.getRequestBodyTimeout(),
                () -> proxy.requestBodyTimeout(limits.getRequestBodyTimeout()));
        proxy.dropUnderscoreHeaders(limits.isDropUnderscoreHeaders());
        proxy.forwardProxyAuthorization(limits.isForwardProxyAuthorization());
        check("bluegreen.limits.lingering-close-time", limits.getLingeringCloseTime(),
                () -> proxy.lingeringCloseTime(limits.getLingeringCloseTime()));
        check("bluegreen.limits.lingering-close-bytes", limits.getLingeringCloseBytes(),
                () -> proxy.lingeringCloseBytes(limits.getLingeringCloseBytes().toBytes()));
        if (!limits.getAllowedHosts().isEmpty()) {
            check("bluegreen.limits.allowed-hosts", limits.getAllowedHosts(),
                    () -> proxy.allowedHosts(limits.getAllowedHosts()));
        }
        if (!limits.getTrustedProxies().isEmpty()) {
            check("bluegreen.limits.trusted-proxies", limits.getTrustedProxies(),
                    () -> proxy.trustedProxies(limits.getTrustedProxies()));
        }
    }

    private static void preview(BlueGreenProxyBuilder proxy, BlueGreenProperties.Preview preview) {
        if (preview.getHeader() != null) {
            PreviewRule rule = check("bluegreen.preview.header", preview.getHeader(),
                    () -> PreviewRule.header(preview.getHeader()));
            proxy.preview(preview.getSecret() == null ? rule
                    : check("bluegreen.preview.secret", "(hidden)", () -> rule.withSecret(preview.getSecret())));
        } else if (preview.getSecret() != null) {
            throw new InvalidConfigurationPropertyValueException("bluegreen.preview.secret", "(hidden)",
                    "given without bluegreen.preview.header (expected: the header that carries it)");
        }
        if (preview.getListen() != null) {
            InetSocketAddress listen = PropertyChecks.listenAddress("bluegreen.preview.listen", preview.getListen());
            check("bluegreen.preview.listen", preview.getListen(),
                    () -> proxy.previewListen(listen.getHostString(), listen.getPort()));
        }
    }

    private static void backend(BlueGreenProxyBuilder proxy, BlueGreenProperties.Backend backend) {
        BackendProtocol protocol = backend.getProtocol();
        check("bluegreen.backend.protocol", protocol, () -> proxy.backendProtocol(protocol));
        UpstreamTls tls = null;
        if (backend.getCa() != null) {
            if (protocol == BackendProtocol.H2C) {
                throw new InvalidConfigurationPropertyValueException("bluegreen.backend.ca", backend.getCa(),
                        "given with bluegreen.backend.protocol=h2c, which is cleartext (expected: h2 for HTTP/2 over"
                                + " TLS, or http1 for HTTP/1.1 over TLS)");
            }
            tls = check("bluegreen.backend.ca", backend.getCa(), () -> UpstreamTls.verifying(Path.of(backend.getCa())));
        } else if (protocol == BackendProtocol.H2) {
            tls = UpstreamTls.verifyingWithSystemTrust();
        }
        if (backend.getClientCertificate() != null || backend.getClientKey() != null) {
            tls = withClientCertificate(tls, backend);
        }
        if (tls != null) {
            proxy.upstreamTls(tls);
        }
    }

    private static UpstreamTls withClientCertificate(UpstreamTls tls, BlueGreenProperties.Backend backend) {
        String certificate = backend.getClientCertificate();
        String key = backend.getClientKey();
        if (certificate == null || key == null) {
            throw certificate == null
                    ? new InvalidConfigurationPropertyValueException("bluegreen.backend.client-certificate", "",
                            "expected: the PEM client certificate chain that goes with bluegreen.backend.client-key")
                    : new InvalidConfigurationPropertyValueException("bluegreen.backend.client-key", "",
                            "expected: the PEM private key that goes with bluegreen.backend.client-certificate");
        }
        if (tls == null) {
            throw new InvalidConfigurationPropertyValueException("bluegreen.backend.client-certificate", certificate,
                    "no TLS to the backends (expected: bluegreen.backend.ca, or bluegreen.backend.protocol=h2)");
        }
        try {
            return tls.withClientCertificate(Path.of(certificate), Path.of(key));
        } catch (TlsFileException e) {
            throw e.isPrivateKey()
                    ? new InvalidConfigurationPropertyValueException("bluegreen.backend.client-key", key,
                            e.getMessage())
                    : new InvalidConfigurationPropertyValueException("bluegreen.backend.client-certificate",
                            certificate, e.getMessage());
        }
    }

    private static void mirror(BlueGreenProxyBuilder proxy, BlueGreenProperties.Mirror mirror) {
        if (mirror.getPercent() == null) {
            if (mirror.getGuard() != null) {
                throw new InvalidConfigurationPropertyValueException("bluegreen.mirror.guard", mirror.getGuard(),
                        "given without bluegreen.mirror.percent (expected: both; the guard judges the mirrored pairs)");
            }
            if (mirror.getGuardMin() != null) {
                throw new InvalidConfigurationPropertyValueException("bluegreen.mirror.guard-min",
                        mirror.getGuardMin(), "given without bluegreen.mirror.guard (expected: both)");
            }
            refuseWithoutPercent("bluegreen.mirror.compared-headers", mirror.getComparedHeaders());
            refuseWithoutPercent("bluegreen.mirror.ignored-json-members", mirror.getIgnoredJsonMembers());
            refuseWithoutPercent("bluegreen.mirror.ignored-body-types", mirror.getIgnoredBodyTypes());
            return;
        }
        MirrorSettings base = compared(mirror, check("bluegreen.mirror.percent", mirror.getPercent(),
                () -> MirrorSettings.percent(mirror.getPercent())));
        MirrorSettings settings = base;
        if (mirror.getGuard() != null) {
            // The ratio first, alone, so that a bad one is blamed on its own property.
            MirrorSettings guarded = check("bluegreen.mirror.guard", mirror.getGuard(),
                    () -> base.withAgreementGuard(mirror.getGuard(), 1));
            settings = mirror.getGuardMin() == null ? base.withAgreementGuard(mirror.getGuard())
                    : check("bluegreen.mirror.guard-min", mirror.getGuardMin(),
                            () -> guarded.withAgreementGuard(mirror.getGuard(), mirror.getGuardMin()));
        } else if (mirror.getGuardMin() != null) {
            throw new InvalidConfigurationPropertyValueException("bluegreen.mirror.guard-min", mirror.getGuardMin(),
                    "given without bluegreen.mirror.guard (expected: both)");
        }
        proxy.mirror(settings);
    }

    private static void refuseWithoutPercent(String property, List<String> values) {
        if (!values.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(property, String.join(",", values),
                    "given without bluegreen.mirror.percent (expected: both; it says what the mirrored pairs compare)");
        }
    }

    /** {@code settings} with what the mirror's compared headers, ignored JSON members and body types say. */
    private static MirrorSettings compared(BlueGreenProperties.Mirror mirror, MirrorSettings settings) {
        MirrorSettings headers = with(settings, "bluegreen.mirror.compared-headers", mirror.getComparedHeaders(),
                MirrorSettings::withComparedHeaders);
        MirrorSettings members = with(headers, "bluegreen.mirror.ignored-json-members",
                mirror.getIgnoredJsonMembers(), MirrorSettings::withIgnoredJsonMembers);
        return with(members, "bluegreen.mirror.ignored-body-types", mirror.getIgnoredBodyTypes(),
                MirrorSettings::withIgnoredBodyTypes);
    }

    /** {@code settings} with {@code property}'s {@code values} applied, or as they are when it has none. */
    private static MirrorSettings with(MirrorSettings settings, String property, List<String> values,
                                       BiFunction<MirrorSettings, String[], MirrorSettings> apply) {
        return values.isEmpty() ? settings : check(property, String.join(",", values),
                () -> apply.apply(settings, values.toArray(String[]::new)));
    }

    private static void autoRollback(BlueGreenProxyBuilder proxy, AutoRollbackProperties settings) {
        String prefix = "bluegreen.auto-rollback.";
        if (!settings.isEnabled()) {
            PropertyChecks.refuseGivenWhileOff(prefix, settings.changed());
            return;
        }
        AutoRollback.Builder rules = AutoRollback.builder();
        check(prefix + "bake-window", settings.getBakeWindow(), () -> rules.bakeWindow(settings.getBakeWindow()));
        check(prefix + "window", settings.getWindow(), () -> rules.window(settings.getWindow()));
        check(prefix + "evaluation-interval", settings.getEvaluationInterval(),
                () -> rules.evaluationInterval(settings.getEvaluationInterval()));
        check(prefix + "min-requests", settings.getMinRequests(), () -> rules.minRequests(settings.getMinRequests()));
        check(prefix + "max-error-rate", settings.getMaxErrorRate(),
                () -> rules.maxErrorRate(settings.getMaxErrorRate()));
        Duration maxP99 = settings.getMaxP99();
        if (maxP99.isNegative()) {
            throw PropertyChecks.refused(prefix + "max-p99", maxP99,
                    "expected: above 0, or 0 to judge latency against the old colour only");
        }
        rules.maxP99(maxP99.isZero() ? null : maxP99);
        // What build() refuses is the interval against the window: blamed on the interval, as its message is.
        proxy.autoRollback(check(prefix + "evaluation-interval", settings.getEvaluationInterval(), rules::build));
    }

    /** Bluegreen's own admin endpoint, from {@code bluegreen.admin.*}; not started. */
    static AdminEndpoint adminEndpoint(BlueGreen admin, BlueGreenProxy proxy, BlueGreenProperties.Admin settings,
                                       Supplier<SslBundles> bundles) {
        InetSocketAddress listen = PropertyChecks.listenAddress("bluegreen.admin.listen", settings.getListen());
        AdminEndpoint.Builder endpoint = AdminEndpoint.builder(admin)
                .listen(listen.getHostString(), listen.getPort())
                .proxy(proxy);
        if (settings.getToken() != null && !settings.getToken().isEmpty()) {
            check("bluegreen.admin.token", "(hidden)", () -> endpoint.bearerToken(settings.getToken()));
        }
        String tlsBundle = settings.getTlsBundle();
        if (tlsBundle != null && !tlsBundle.isBlank()) {
            endpoint.tls(ListenerTls.fromBundle("bluegreen.admin.tls-bundle", tlsBundle, bundles.get()));
        }
        try {
            return endpoint.build();
        } catch (IllegalStateException e) {
            throw new InvalidConfigurationPropertyValueException("bluegreen.admin.listen", settings.getListen(),
                    e.getMessage());
        }
    }
}
