package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.RoutingSnapshot;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Socket addresses of the backends, resolved off the event loops. Name resolution can block, so it runs when a
 * pool is deployed (on the admin's thread) or, for a backend seen before that, on a separate executor; the event
 * loops only read the cache. A backend whose name does not resolve gets an unresolved address, and connecting to it
 * fails like a refused connection.
 */
public final class BackendAddresses {

    private final Map<Backend, InetSocketAddress> resolved = new ConcurrentHashMap<>();
    private final Executor resolverExecutor;

    public BackendAddresses(Executor resolverExecutor) {
        this.resolverExecutor = resolverExecutor;
    }

    /** Resolves every backend of both pools of {@code snapshot} on the calling thread (never an event loop). */
    public void resolveAll(RoutingSnapshot snapshot) {
        for (Backend backend : snapshot.blue().backends()) {
            resolved.computeIfAbsent(backend, BackendAddresses::resolve);
        }
        for (Backend backend : snapshot.green().backends()) {
            resolved.computeIfAbsent(backend, BackendAddresses::resolve);
        }
    }

    /** The cached address of {@code backend}, or {@code null} when it was never resolved. */
    public InetSocketAddress cached(Backend backend) {
        return resolved.get(backend);
    }

    /** Resolves {@code backend} on the resolver executor; the future completes there. */
    public CompletableFuture<InetSocketAddress> resolveAsync(Backend backend) {
        return CompletableFuture.supplyAsync(() -> resolved.computeIfAbsent(backend, BackendAddresses::resolve),
                resolverExecutor);
    }

    private static InetSocketAddress resolve(Backend backend) {
        // The InetSocketAddress constructor resolves the name; when that fails it keeps the address unresolved.
        return new InetSocketAddress(backend.host(), backend.port());
    }
}
