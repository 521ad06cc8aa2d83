package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Limits on clients and requests, and whose forwarding headers are trusted: {@code --max-connections},
 * {@code --max-requests-per-connection}, {@code --max-body-size}, {@code --trusted-proxies},
 * {@code --allowed-hosts}.
 */
public final class LimitOptions implements ProxyOptionGroup {

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
            description = "Client connections at once; above it a new one gets 503 and is closed; 0: no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-requests-per-connection", paramLabel = "N", defaultValue = "10000",
            description = "Requests on one HTTP/1.1 client connection before the proxy closes it (HTTP/2"
                    + " connections are not limited by count); 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxRequestsPerConnection;

    @Option(names = "--max-body-size", paramLabel = "BYTES", defaultValue = "0",
            description = "Largest request body; larger gets 413; 0: no limit (default: ${DEFAULT-VALUE}).")
    long maxBodySize;

    @Option(names = "--trusted-proxies", paramLabel = "ADDRESS|CIDR",
            split = Converters.LIST_SPLIT, splitSynopsisLabel = ",",
            description = "Peers whose X-Forwarded-* and Forwarded headers are kept and appended to; from any other"
                    + " peer they are replaced.")
    List<String> trustedProxies;

    @Option(names = "--allowed-hosts", paramLabel = "HOST",
            split = Converters.LIST_SPLIT, splitSynopsisLabel = ",",
            description = "The Host values served; any other gets 421 (default: any).")
    List<String> allowedHosts;

    /** Creates the group; picocli does this. */
    public LimitOptions() {
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        errors.check("--max-connections", () -> proxy.maxClientConnections(maxConnections));
        errors.check("--max-requests-per-connection", () -> proxy.maxRequestsPerConnection(maxRequestsPerConnection));
        errors.check("--max-body-size", () -> proxy.maxRequestBodySize(maxBodySize));
        if (trustedProxies != null) {
            errors.check("--trusted-proxies", () -> proxy.trustedProxies(trustedProxies));
        }
        if (allowedHosts != null) {
            errors.check("--allowed-hosts", () -> proxy.allowedHosts(allowedHosts));
        }
    }
}
