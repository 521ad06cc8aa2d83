package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.RoutingSnapshot;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket addresses of the backends, following DNS. A backend given by IP address has it for good and never
 * touches DNS. A backend given by name is resolved by Netty's asynchronous resolver, which reads the hosts file first,
 * caches each answer for its TTL and a failure for {@value #NEGATIVE_TTL_SECONDS} s, and never blocks a thread; every
 * name of the pools is looked up again each {@value #REFRESH_MILLIS} ms (an answer from the cache until its TTL runs
 * out), so a changed address is followed without a redeploy and a failure is tried again. While a name that resolved
 * before fails to, its last address is kept (a DNS outage does not take the pools down).
 *
 * <p>Thread-safe. The event loops only read {@link #cached}; lookups run on the resolver's own loop (never a worker,
 * nor the thread that starts the proxy or changes the routing), created when the first name needs it.
 */
public final class BackendAddresses {

    private static final Logger log = LoggerFactory.getLogger(BackendAddresses.class);
    static final int NEGATIVE_TTL_SECONDS = 2;
    static final long REFRESH_MILLIS = 1_000;

    /** One backend's address, as last known; {@code pending} and {@code failing} are touched on the DNS loop only. */
    private static final class Entry {
        final Backend backend;
        final boolean literal;
        volatile InetSocketAddress address;
        CompletableFuture<InetSocketAddress> pending;
        boolean failing;

        Entry(Backend backend) {
            this.backend = backend;
            InetAddress ip = NetUtil.createInetAddressFromIpAddressString(backend.host());
            this.literal = ip != null;
            this.address = ip == null ? null : new InetSocketAddress(ip, backend.port());
        }
    }

    private final Map<Backend, Entry> entries = new ConcurrentHashMap<>();
    private final EventLoop dnsLoop;
    private final List<InetSocketAddress> nameServers;
    /** Built on the DNS loop, when a name first needs it; touched there only. */
    private DnsNameResolver resolver;
    private volatile boolean refreshing;
    private volatile boolean closed;

    /**
     * @param dnsLoop     where names are resolved: a loop of the resolver's own (its datagram channel is NIO)
     * @param nameServers the DNS servers to ask, or empty for the system's
     */
    public BackendAddresses(EventLoop dnsLoop, List<InetSocketAddress> nameServers) {
        this.dnsLoop = dnsLoop;
        this.nameServers = List.copyOf(nameServers);
    }

    /**
     * Follows the backends of both pools of {@code snapshot} (and forgets those no longer in either): their names
     * start resolving, off the calling thread, which returns at once.
     */
    public void track(RoutingSnapshot snapshot) {
        Set<Backend> current = new HashSet<>(snapshot.blue().backends());
        current.addAll(snapshot.green().backends());
        entries.keySet().retainAll(current);
        for (Backend backend : current) {
            Entry entry = entry(backend);
            if (!entry.literal && entry.address == null) {
                dnsLoop.execute(() -> lookUp(entry));
            }
        }
    }

    /** The address of {@code backend} as last known, or {@code null} when its name has not resolved yet. */
    public InetSocketAddress cached(Backend backend) {
        Entry entry = entries.get(backend);
        return entry == null ? null : entry.address;
    }

    /**
     * The address of {@code backend}: the last known at once, else when its name resolves. The future completes on
     * the resolver's loop, exceptionally when the name does not resolve.
     */
    public CompletableFuture<InetSocketAddress> resolve(Backend backend) {
        Entry entry = entry(backend);
        InetSocketAddress known = entry.address;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<InetSocketAddress> resolved = new CompletableFuture<>();
        dnsLoop.execute(() -> lookUp(entry).whenComplete((address, error) -> {
            if (error != null) {
                resolved.completeExceptionally(error);
            } else {
                resolved.complete(address);
            }
        }));
        return resolved;
    }

    /** Stops resolving and closes the resolver (the proxy is stopping). */
    public void close() {
        closed = true;
        dnsLoop.execute(() -> {
            if (resolver != null) {
                resolver.close();
                resolver = null;
            }
        });
    }

    private Entry entry(Backend backend) {
        Entry entry = entries.get(backend);
        return entry != null ? entry : entries.computeIfAbsent(backend, Entry::new);
    }

    /** On the DNS loop: looks the entry's name up, once at a time, and keeps what it finds. */
    private CompletableFuture<InetSocketAddress> lookUp(Entry entry) {
        if (entry.pending != null) {
            return entry.pending;
        }
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the proxy is stopping"));
        }
        startRefreshing();
        CompletableFuture<InetSocketAddress> pending = new CompletableFuture<>();
        entry.pending = pending;
        String host = entry.backend.host();
        resolver().resolve(host).addListener(done -> {
            entry.pending = null;
            if (done.isSuccess()) {
                InetSocketAddress address = new InetSocketAddress((InetAddress) done.getNow(), entry.backend.port());
                resolved(entry, address);
                pending.complete(address);
            } else {
                failed(entry, done.cause());
                UnknownHostException unknown = new UnknownHostException(
                        "backend " + entry.backend.authority() + ": " + host + " does not resolve");
                unknown.initCause(done.cause());
                pending.completeExceptionally(unknown);
            }
        });
        return pending;
    }

    private void resolved(Entry entry, InetSocketAddress address) {
        InetSocketAddress before = entry.address;
        if (before == null || !before.equals(address)) {
            entry.address = address;
            if (before != null) {
                log.info("backend {} now resolves to {} (was {})", entry.backend.authority(),
                        address.getAddress().getHostAddress(), before.getAddress().getHostAddress());
            }
        }
        if (entry.failing) {
            entry.failing = false;
            log.info("backend {} resolves again, to {}", entry.backend.authority(),
                    address.getAddress().getHostAddress());
        }
    }

    private void failed(Entry entry, Throwable cause) {
        if (!entry.failing) {
            entry.failing = true;
            InetSocketAddress kept = entry.address;
            log.warn("backend {}: {} does not resolve ({}){}", entry.backend.authority(), entry.backend.host(),
                    cause.getMessage(), kept == null ? "" : "; keeping " + kept.getAddress().getHostAddress());
        }
    }

    /** Looks every name up again periodically, once a name has been seen. */
    private void startRefreshing() {
        if (refreshing) {
            return;
        }
        refreshing = true;
        dnsLoop.scheduleWithFixedDelay(() -> {
            for (Entry entry : entries.values()) {
                if (!entry.literal && !closed) {
                    lookUp(entry);
                }
            }
        }, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private DnsNameResolver resolver() {
        if (resolver == null) {
            DnsServerAddressStreamProvider servers = nameServers.isEmpty()
                    ? DnsServerAddressStreamProviders.platformDefault()
                    : new SequentialDnsServerAddressStreamProvider(nameServers);
            resolver = new DnsNameResolverBuilder(dnsLoop)
                    .datagramChannelType(NioDatagramChannel.class)
                    .socketChannelType(NioSocketChannel.class)
                    .nameServerProvider(servers)
                    .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                    .negativeTtl(NEGATIVE_TTL_SECONDS)
                    .build();
        }
        return resolver;
    }
}
