package dev.bluegreen.proxy.internal.metrics;

import dev.bluegreen.core.Colour;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counts per colour, updated from every event loop without locks: exchanges under way and upstream
 * connections open. They are what draining is judged by.
 */
public final class ProxyCounters {

    private final LongAdder[] activeExchanges = adders();
    private final LongAdder[] openConnections = adders();
    private final LongAdder[] idleConnections = adders();
    private final LongAdder[] exchangesEnded = adders();
    private final LongAdder[] failedExchanges = adders();
    private final LongAdder clientConnections = new LongAdder();

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[Colour.values().length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    public void exchangeStarted(Colour colour) {
        activeExchanges[colour.ordinal()].increment();
    }

    public void exchangeEnded(Colour colour) {
        activeExchanges[colour.ordinal()].decrement();
    }

    /**
     * Counts an ended exchange: failed when its answer was a 5xx or it was cut short (status 0), unless its client cut
     * it short ({@code byClient}): any client can go away at will, and a colour's errors are the colour's.
     */
    public void exchangeCounted(Colour colour, int status, boolean byClient) {
        exchangesEnded[colour.ordinal()].increment();
        if (!byClient && (status == 0 || status >= 500)) {
            failedExchanges[colour.ordinal()].increment();
        }
    }

    /** Exchanges ended on {@code colour} since the proxy started. */
    public long exchangesEnded(Colour colour) {
        return exchangesEnded[colour.ordinal()].sum();
    }

    /**
     * Exchanges on {@code colour} that ended with a 5xx or were cut short (not by their client), since the proxy
     * started.
     */
    public long failedExchanges(Colour colour) {
        return failedExchanges[colour.ordinal()].sum();
    }

    public void connectionOpened(Colour colour) {
        openConnections[colour.ordinal()].increment();
    }

    public void connectionClosed(Colour colour) {
        openConnections[colour.ordinal()].decrement();
    }

    public void idleAdded(Colour colour) {
        idleConnections[colour.ordinal()].increment();
    }

    public void idleRemoved(Colour colour) {
        idleConnections[colour.ordinal()].decrement();
    }

    public void clientConnected() {
        clientConnections.increment();
    }

    public void clientDisconnected() {
        clientConnections.decrement();
    }

    /** Exchanges routed to {@code colour} that have not ended yet. */
    public long activeExchanges(Colour colour) {
        return activeExchanges[colour.ordinal()].sum();
    }

    /** Upstream connections to {@code colour}'s backends that are open, busy or idle. */
    public long openConnections(Colour colour) {
        return openConnections[colour.ordinal()].sum();
    }

    /**
     * Upstream connections to {@code colour}'s backends that serve an exchange: open and not idle. What a drain
     * waits for; idle ones kept warm for a rollback hold no drain up.
     */
    public long busyConnections(Colour colour) {
        return Math.max(0, openConnections(colour) - idleConnections(colour));
    }

    /** Upstream connections to {@code colour}'s backends that sit idle in a pool. */
    public long idleConnections(Colour colour) {
        return idleConnections[colour.ordinal()].sum();
    }

    /** Client connections open now. */
    public long clientConnections() {
        return clientConnections.sum();
    }
}
