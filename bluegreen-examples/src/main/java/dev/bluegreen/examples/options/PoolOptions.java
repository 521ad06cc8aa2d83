package dev.bluegreen.examples.options;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.LoadBalancing;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The two pools, their version labels, the colour live at the start, and how long the proxy waits on their backends:
 * {@code --blue}, {@code --green}, {@code --live}, {@code --blue-version}, {@code --green-version},
 * {@code --connect-timeout}, {@code --response-timeout}, {@code --drain-timeout}, {@code --rollback-window},
 * {@code --[no-]close-client-connections-after-switch},
 * {@code --queue-timeout}, {@code --max-queued}; and how a request's backend is picked: {@code --load-balancing}.
 */
public final class PoolOptions implements ProxyOptionGroup {

    @Option(names = "--blue", paramLabel = "HOST:PORT", required = true,
            split = Converters.LIST_SPLIT, splitSynopsisLabel = ",",
            converter = Converters.BackendConverter.class,
            description = "The blue pool: backends separated by commas, as in 10.0.0.1:8080,10.0.0.2:8080; one"
                    + " followed by ' weight=N' (1-1000, default 1) gets N shares of the requests, by ' max=N'"
                    + " (1-1000000) at most N requests under way at once.")
    List<Backend> blue;

    @Option(names = "--green", paramLabel = "HOST:PORT",
            split = Converters.LIST_SPLIT, splitSynopsisLabel = ",",
            converter = Converters.BackendConverter.class,
            description = "The green pool, as --blue; empty when left out.")
    List<Backend> green;

    @Option(names = "--live", paramLabel = "COLOUR", defaultValue = "blue",
            converter = Converters.ColourConverter.class,
            description = "The colour that is live at the start: blue or green (default: ${DEFAULT-VALUE}).")
    Colour live;

    @Option(names = "--blue-version", paramLabel = "V", defaultValue = "blue",
            description = "A version label for the blue pool, shown in /status and logs (default: ${DEFAULT-VALUE}).")
    String blueVersion;

    @Option(names = "--green-version", paramLabel = "V", defaultValue = "green",
            description = "A version label for the green pool (default: ${DEFAULT-VALUE}).")
    String greenVersion;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.DurationConverter.class,
            description = "How long one upstream connect may take, as in 500ms, 2s, 1m (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationConverter.class,
            description = "How long a backend may stay silent before the client gets 504 (default: ${DEFAULT-VALUE}).")
    Duration responseTimeout;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationConverter.class,
            description = "How long a colour that stopped being live may keep requests, streams and tunnels under way;"
                    + " at the end they are closed (gRPC calls with UNAVAILABLE) (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--rollback-window", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationConverter.class,
            description = "How long a colour that stopped being live keeps its idle backend connections warm, so that"
                    + " a rollback opens none; 0s closes them at the switch (default: ${DEFAULT-VALUE}).")
    Duration rollbackWindow;

    @Option(names = "--close-client-connections-after-switch", negatable = true, defaultValue = "false",
            fallbackValue = "true",
            description = "After a switch, the next response on a client connection opened before it says"
                    + " Connection: close (an HTTP/2 connection gets GOAWAY), for clients or balancers that must"
                    + " reconnect to notice; off: a keep-alive connection's next request goes to the new colour.")
    boolean closeClientConnectionsAfterSwitch;

    @Option(names = "--queue-timeout", paramLabel = "DURATION", defaultValue = "0s",
            converter = Converters.DurationConverter.class,
            description = "How long a request that finds every backend of its pool at its limit (max=N) waits for one"
                    + " of them before 503; 0s: no queue, 503 at once (default: ${DEFAULT-VALUE}).")
    Duration queueTimeout;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "0",
            description = "The most requests that may wait at once in each colour's queue (--queue-timeout); one that"
                    + " finds it full gets 503 at once; 0: no limit of its own (default: ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--load-balancing", paramLabel = "NAME", defaultValue = "round-robin",
            description = "How each request's backend is picked from the live pool: round-robin (by weight),"
                    + " least-requests (the fewest requests under way for its weight, counted over the event loops),"
                    + " or a consistent hash: hash:header:NAME, hash:cookie:NAME, hash:query:NAME, hash:client-address"
                    + " or hash:path (the same value to the same backend; round robin without one), or"
                    + " affinity-cookie:NAME (round robin, then each client kept on its backend by a cookie the proxy"
                    + " sets; after another too: least-requests,affinity-cookie:NAME; affinity-cookie:NAME:secure marks"
                    + " it Secure behind a TLS-ending balancer) (default: ${DEFAULT-VALUE}).")
    String loadBalancing;

    /** Creates the group; picocli does this. */
    public PoolOptions() {
    }

    @Override
    public AutoCloseable configureAdmin(BlueGreen.Builder admin, OptionErrors errors) {
        List<Backend> greenPool = green == null ? List.of() : green;
        Environment bluePool = environment(Colour.BLUE, "--blue", blue, "--blue-version", blueVersion, errors);
        Environment greenEnv = environment(Colour.GREEN, "--green", greenPool, "--green-version", greenVersion,
                errors);
        if (live == Colour.GREEN && greenPool.isEmpty()) {
            throw errors.usage("--live", "green, but --green names no backends (expected: a colour whose pool has"
                    + " backends)");
        }
        admin.blue(bluePool.version(), bluePool.backends())
                .green(greenEnv.version(), greenEnv.backends())
                .live(live);
        return null;
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        errors.check("--connect-timeout", () -> proxy.connectTimeout(connectTimeout));
        errors.check("--response-timeout", () -> proxy.responseTimeout(responseTimeout));
        errors.check("--drain-timeout", () -> proxy.drainTimeout(drainTimeout));
        errors.check("--rollback-window", () -> proxy.rollbackWindow(rollbackWindow));
        proxy.closeClientConnectionsAfterSwitch(closeClientConnectionsAfterSwitch);
        errors.check("--queue-timeout", () -> proxy.queueTimeout(queueTimeout));
        errors.check("--max-queued", () -> proxy.maxQueuedRequests(maxQueued));
        if (maxQueued != 0 && queueTimeout.isZero()) {
            throw errors.usage("--max-queued", "given without --queue-timeout (expected: a queue timeout above 0s"
                    + " for the queue it limits)");
        }
        errors.check("--load-balancing", () -> proxy.loadBalancing(LoadBalancing.named(loadBalancing)));
    }

    private static Environment environment(Colour colour, String poolOption, List<Backend> backends,
                                           String versionOption, String version, OptionErrors errors) {
        // The version first, against an empty pool, so that a bad label is blamed on its own option.
        errors.check(versionOption, () -> Environment.of(colour, version, List.of()));
        return errors.check(poolOption, () -> Environment.of(colour, version, backends));
    }
}
