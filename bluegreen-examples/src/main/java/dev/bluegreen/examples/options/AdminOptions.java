package dev.bluegreen.examples.options;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.examples.Converters;
import dev.bluegreen.examples.Converters.ListenAddress;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenMetrics;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.TlsSettings;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The admin endpoint beside the proxy, with the proxy's meters at {@code /metrics}: {@code --admin},
 * {@code --admin-token}, {@code --admin-allowed-hosts}, {@code --admin-allowed-origins}, {@code --admin-tls-cert},
 * {@code --admin-tls-key} and {@code --admin-request-timeout}. Unlike the other groups it builds a server of its own,
 * once the proxy is built.
 */
public final class AdminOptions {

    /** The environment variable {@code --admin-token} defaults to. */
    public static final String TOKEN_VARIABLE = "BLUEGREEN_ADMIN_TOKEN";

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = Converters.ListenAddressConverter.class,
            description = "Also run the admin endpoint there: the status page at /, GET /status, /history,"
                    + " /mirror, /metrics, POST /switch?to=green, /promote, /rollback, /deploy. Beyond loopback it"
                    + " needs --admin-token.")
    ListenAddress admin;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "A bearer token every admin request but the page must carry (at least 16 characters);"
                    + " defaults to the environment variable " + TOKEN_VARIABLE + ".",
            defaultValue = "${env:" + TOKEN_VARIABLE + "}")
    String adminToken;

    @Option(names = "--admin-allowed-hosts", paramLabel = "HOST",
            split = Converters.LIST_SPLIT, splitSynopsisLabel = ",",
            description = "Names (without port) the admin endpoint also answers in Host, besides its address and,"
                    + " on loopback, localhost; any other gets 421 (keeps DNS-rebinding pages out).")
    List<String> adminAllowedHosts;

    @Option(names = "--admin-allowed-origins", paramLabel = "ORIGIN",
            split = Converters.LIST_SPLIT, splitSynopsisLabel = ",",
            description = "Origins (scheme://host[:port]) whose pages may change state through the admin endpoint,"
                    + " e.g. a reverse proxy's https://admin.example.com; other web pages get 403.")
    List<String> adminAllowedOrigins;

    @Option(names = "--admin-tls-cert", paramLabel = "PEM",
            description = "Serve the admin endpoint over HTTPS with this certificate chain (it may be --tls-cert's),"
                    + " so that the token and the verbs never cross the network in clear; needs --admin-tls-key.")
    Path adminTlsCertificate;

    @Option(names = "--admin-tls-key", paramLabel = "PEM",
            description = "The private key of --admin-tls-cert (PKCS#8 PEM).")
    Path adminTlsKey;

    @Option(names = "--admin-request-timeout", paramLabel = "DURATION",
            converter = Converters.DurationConverter.class,
            description = "How long an admin connection may take to send a whole request (or sit idle) before it is"
                    + " closed; the time a change takes to answer does not count; above 0, at most 1h (default:"
                    + " 30s).")
    Duration adminRequestTimeout;

    /** Creates the group; picocli does this. */
    public AdminOptions() {
    }

    /**
     * The admin endpoint of {@code --admin}, not started, with the proxy's meters only at {@code /metrics}.
     *
     * @param blueGreen the admin object it serves
     * @param proxy the proxy whose status and meters it shows
     * @param errors turns a refused value into a usage error naming the option
     * @return the endpoint, or {@code null} without {@code --admin}
     * @throws picocli.CommandLine.ParameterException if the token is refused, or the address needs a token
     */
    public AdminEndpoint endpoint(BlueGreen blueGreen, BlueGreenProxy proxy, OptionErrors errors) {
        return endpoint(blueGreen, proxy, errors, List.of());
    }

    /**
     * The admin endpoint of {@code --admin}, not started.
     *
     * @param blueGreen the admin object it serves
     * @param proxy the proxy whose status and meters it shows
     * @param errors turns a refused value into a usage error naming the option
     * @param moreMeters meters to show at {@code /metrics} besides the proxy's, such as a ZooKeeper store's
     * @return the endpoint, or {@code null} without {@code --admin}
     * @throws picocli.CommandLine.ParameterException if the token is refused, or the address needs a token
     */
    public AdminEndpoint endpoint(BlueGreen blueGreen, BlueGreenProxy proxy, OptionErrors errors,
                                  List<MeterBinder> moreMeters) {
        if (admin == null) {
            refuseEndpointSettingsWithoutIt(errors);
            return null;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BlueGreenMetrics.of(proxy).bindTo(registry);
        moreMeters.forEach(meters -> meters.bindTo(registry));
        AdminEndpoint.Builder endpoint = AdminEndpoint.builder(blueGreen)
                .listen(admin.host(), admin.port())
                .proxy(proxy)
                .metrics(registry::scrape);
        if (adminToken != null && !adminToken.isEmpty()) {
            try {
                endpoint.bearerToken(adminToken);
            } catch (IllegalArgumentException e) {
                // A token from the environment was not on the command line: say where the value came from.
                throw errors.usage("--admin-token", (adminToken.equals(System.getenv(TOKEN_VARIABLE))
                        ? "its default, the environment variable " + TOKEN_VARIABLE + ": " : "") + e.getMessage());
            }
        }
        if (adminAllowedHosts != null) {
            errors.check("--admin-allowed-hosts", () -> endpoint.allowedHosts(adminAllowedHosts));
        }
        if (adminAllowedOrigins != null) {
            errors.check("--admin-allowed-origins", () -> endpoint.allowedOrigins(adminAllowedOrigins));
        }
        if (adminRequestTimeout != null) {
            errors.check("--admin-request-timeout", () -> endpoint.requestTimeout(adminRequestTimeout));
        }
        TlsSettings tls = errors.pemPair("--admin-tls-cert", adminTlsCertificate, "--admin-tls-key", adminTlsKey,
                () -> TlsSettings.fromPem(adminTlsCertificate, adminTlsKey));
        if (tls != null) {
            endpoint.tls(tls);
        }
        try {
            return endpoint.build();
        } catch (IllegalStateException e) {
            throw errors.usage("--admin", e.getMessage());
        }
    }

    /**
     * Starts looking for renewed admin certificate files, when the endpoint serves HTTPS from them.
     *
     * @param endpoint the endpoint these options built, or {@code null}
     * @param period how often to look; zero for never
     * @return the watch, to close when the endpoint stops; {@code null} when there is nothing to watch
     */
    public TlsFileWatch watch(AdminEndpoint endpoint, Duration period) {
        if (endpoint == null || adminTlsCertificate == null || period.isZero()) {
            return null;
        }
        return TlsFileWatch.start(endpoint::reloadTls, "admin endpoint", List.of(adminTlsCertificate, adminTlsKey),
                period);
    }

    /**
     * The endpoint's settings without {@code --admin} would be ignored, unchecked: refused instead, as
     * {@code --zk-path} is without {@code --zookeeper}. A token equal to {@code BLUEGREEN_ADMIN_TOKEN} is the
     * option's default (an environment shared with other commands), not a setting given here.
     */
    private void refuseEndpointSettingsWithoutIt(OptionErrors errors) {
        String given = adminAllowedHosts != null ? "--admin-allowed-hosts"
                : adminAllowedOrigins != null ? "--admin-allowed-origins"
                : adminTlsCertificate != null ? "--admin-tls-cert"
                : adminTlsKey != null ? "--admin-tls-key"
                : adminRequestTimeout != null ? "--admin-request-timeout"
                : adminToken != null && !adminToken.equals(System.getenv(TOKEN_VARIABLE)) ? "--admin-token"
                : null;
        if (given != null) {
            throw errors.usage(given, "given without --admin (expected: --admin HOST:PORT to run the admin"
                    + " endpoint)");
        }
    }
}
