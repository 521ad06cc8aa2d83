package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Backend;
import java.util.List;

/**
 * Which server a {@link Backend} is, as the proxy's state about it sees it: its id and its address (host and port),
 * not its weight or its limit of requests under way. Those two say how the proxy treats the server, not which one it
 * is: a redeploy that only changes them leaves the same process with the same requests under way, as healthy as it
 * was, so the requests counted on it ({@code BackendLoads}) and its health ({@code HealthRegistry}) follow it to its
 * new record. A new address is another process (its count and health start afresh); a new id is another backend to
 * the user (its metrics' tag, its affinity cookie's token), so it starts afresh too.
 *
 * <p>The host is compared as spelt, as {@link Backend#equals} does: two spellings of one address are two servers
 * here, which costs no more than the record did before (a fresh count and health).
 *
 * @param id   the backend's {@link Backend#id()}
 * @param host its {@link Backend#host()}
 * @param port its {@link Backend#port()}
 */
public record ServerIdentity(String id, String host, int port) {

    /** The server {@code backend} is. */
    public static ServerIdentity of(Backend backend) {
        return new ServerIdentity(backend.id(), backend.host(), backend.port());
    }

    /** Whether {@code a} and {@code b} are the same server, whatever their weights and limits. Allocation-free. */
    public static boolean same(Backend a, Backend b) {
        return a == b || a.port() == b.port() && a.id().equals(b.id()) && a.host().equals(b.host());
    }

    /** The index of the backend of {@code pool} that is the same server as {@code backend}, or -1. Allocation-free. */
    public static int indexIn(List<Backend> pool, Backend backend) {
        for (int i = 0; i < pool.size(); i++) {
            if (same(pool.get(i), backend)) {
                return i;
            }
        }
        return -1;
    }
}
