package dev.bluegreen.proxy.internal.routing;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.PreviewRule;
import dev.bluegreen.proxy.StickySessions;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The settings of the routing decision beyond "the live colour": preview traffic, sticky sessions and the safety
 * net. Each is off when {@code null}. Validated by {@code BlueGreenProxyBuilder}.
 *
 * @param preview               which requests go to the idle colour, or {@code null}
 * @param previewListenAddress  a second listener whose requests all go to the idle colour, or {@code null}
 * @param stickySessions        how sessions are named and remembered, or {@code null}
 * @param safetyNetWindow       how long after the live colour changed a request the new colour could not take is
 *                              sent to the old one, or {@code null}
 * @param ticker                the time source of session expiry, the safety-net window and the sticky deadline
 */
public record SteeringSettings(PreviewRule preview, InetSocketAddress previewListenAddress,
                               StickySessions stickySessions, Duration safetyNetWindow, Ticker ticker) {

    /** Plain blue-green: every request to the live colour (or a gradual shift's share to the idle one). */
    public static final SteeringSettings NONE = new SteeringSettings(null, null, null, null, Ticker.systemTicker());

    /** Validates the components. */
    public SteeringSettings {
        java.util.Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * Checks that the cookie {@code balancing} keeps clients on their backends with, if it has one, is not a cookie
     * this routing reads: the sticky sessions' or the preview rule's. The proxy takes its affinity cookie out of each
     * request and sets it on answers, so the two would overwrite each other.
     *
     * @throws IllegalArgumentException naming the cookie and the setting whose cookie it is
     */
    public void checkAffinityCookie(LoadBalancing balancing) {
        String cookie = balancing.affinityCookie().orElse(null);
        if (cookie == null) {
            return;
        }
        if (stickySessions != null && stickySessions.source() != StickySessions.Source.HEADER
                && stickySessions.name().equals(cookie)) {
            throw new IllegalArgumentException("loadBalancing: " + balancing.label()
                    + " (expected: a cookie other than the sticky sessions' '" + cookie + "')");
        }
        if (preview != null && preview.isCookie() && preview.name().equals(cookie)) {
            throw new IllegalArgumentException("loadBalancing: " + balancing.label()
                    + " (expected: a cookie other than the preview rule's '" + cookie + "')");
        }
    }
}
