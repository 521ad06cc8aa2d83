package dev.bluegreen.spring.boot;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What {@code GET /actuator/bluegreen} answers, as JSON: the routing state (live colour, generation, the last change
 * and why), both pools, and the proxy's counts. Immutable.
 *
 * @param live the live colour, {@code blue} or {@code green}
 * @param generation the routing generation; grows by one at every change
 * @param lastChange the kind of the last change, such as {@code switch}
 * @param changedAt when it was made
 * @param actor who made it
 * @param reason why
 * @param rollbackTo the colour a rollback would make live, or {@code null}
 * @param shiftPercent the share of new requests sent to the idle colour during a gradual shift
 * @param blue the blue pool
 * @param green the green pool
 * @param proxy the proxy's counts
 */
public record BlueGreenStatus(String live, long generation, String lastChange, Instant changedAt, String actor,
                              String reason, String rollbackTo, int shiftPercent, Pool blue, Pool green,
                              ProxyCounts proxy) {

    /**
     * One pool.
     *
     * @param version its version label
     * @param backends its backends, {@code host:port} each
     * @param activeExchanges exchanges under way on it
     */
    public record Pool(String version, List<String> backends, long activeExchanges) {
    }

    /**
     * The proxy's counts.
     *
     * @param listening where it listens, or {@code null} when it is not running
     * @param clientConnections client connections open now
     */
    public record ProxyCounts(String listening, long clientConnections) {
    }

    /**
     * The status now.
     *
     * @param snapshot the routing state
     * @param proxy the proxy
     * @return the status
     */
    static BlueGreenStatus of(RoutingSnapshot snapshot, BlueGreenProxy proxy) {
        String listening;
        try {
            listening = proxy.localAddress().getHostString() + ":" + proxy.localAddress().getPort();
        } catch (IllegalStateException notRunning) {
            listening = null;
        }
        return new BlueGreenStatus(snapshot.live().label(), snapshot.generation(),
                snapshot.lastChange().name().toLowerCase(Locale.ROOT), snapshot.changedAt(), snapshot.actor(),
                snapshot.reason(), snapshot.rollbackColour().map(Colour::label).orElse(null), snapshot.shiftPercent(),
                pool(snapshot.blue(), proxy), pool(snapshot.green(), proxy),
                new ProxyCounts(listening, proxy.clientConnections()));
    }

    private static Pool pool(Environment environment, BlueGreenProxy proxy) {
        return new Pool(environment.version(), environment.backends().stream().map(Backend::authority).toList(),
                proxy.activeExchanges(environment.colour()));
    }
}
