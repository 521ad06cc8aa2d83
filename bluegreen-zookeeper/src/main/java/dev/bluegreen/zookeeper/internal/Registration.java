package dev.bluegreen.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's ephemeral registration znode, kept holding the latest report: written with {@code setData}, and
 * created (with persistent parents) when it is missing because the instance just started, its session expired, or
 * someone deleted it.
 *
 * <p>Level-triggered: {@link #sync()} writes whatever the latest report is, and the store calls it after each
 * applied snapshot, after each reconnection, and whenever its watch shows the registration missing or behind. At
 * most one write is in flight; a sync requested meanwhile runs after it, so this instance's writes reach
 * ZooKeeper in order. Nothing here blocks the store's thread: Curator answers on its event thread and the
 * follow-up runs back on the store's thread.
 *
 * <p>Parents are created persistent, not as containers: the registrations' parent lives under the routing znode,
 * and a container there would be removed by ZooKeeper when the last instance leaves.
 *
 * <p>Thread-safe: {@link #report} and {@link #sync} from any thread; the rest of the state is confined to the
 * store's thread.
 */
public final class Registration {

    private static final Logger log = LoggerFactory.getLogger(Registration.class);

    private final CuratorFramework client;
    private final String path;
    private final Executor storeThread;
    private final CompletableFuture<Void> firstWritten = new CompletableFuture<>();
    private volatile byte[] latest;
    private volatile boolean closed;
    // Confined to the store's thread.
    private boolean inFlight;
    private boolean again;

    /**
     * A registration, not yet written.
     *
     * @param client the Curator client
     * @param path the registration znode
     * @param storeThread the store's one thread
     * @param initial the first report
     */
    public Registration(CuratorFramework client, String path, Executor storeThread, byte[] initial) {
        this.client = requireNonNull(client, "client");
        this.path = requireNonNull(path, "path");
        this.storeThread = requireNonNull(storeThread, "storeThread");
        this.latest = requireNonNull(initial, "initial");
    }

    /**
     * The registration znode.
     *
     * @return its path
     */
    public String path() {
        return path;
    }

    /**
     * Completes when a report was first written.
     *
     * @return the future
     */
    public CompletableFuture<Void> firstWritten() {
        return firstWritten;
    }

    /**
     * Makes {@code report} the latest report and writes it.
     *
     * @param report the report's bytes
     */
    public void report(byte[] report) {
        latest = requireNonNull(report, "report");
        sync();
    }

    /** Writes the latest report, creating the znode if it is missing. */
    public void sync() {
        if (closed) {
            return;
        }
        try {
            storeThread.execute(this::syncNow);
        } catch (RejectedExecutionException e) {
            // The store is closing.
        }
    }

    /**
     * Stops writing and, if connected, deletes the znode, waiting at most {@code timeout} for ZooKeeper. Failures
     * are logged: the znode goes anyway when the session ends.
     *
     * @param connected whether the client is connected now; if not, the znode is left to the session's end
     * @param timeout how long to wait
     */
    public void close(boolean connected, Duration timeout) {
        closed = true;
        if (!connected) {
            return;
        }
        CompletableFuture<CuratorEvent> deleted = Background.call(callback -> client.delete().inBackground(callback)
                .forPath(path));
        try {
            deleted.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("removing the registration {} took over {} ms; it goes when the ZooKeeper session ends", path,
                    timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("could not remove the registration {} ({}); it goes when the ZooKeeper session ends", path,
                    e.getCause().toString());
        }
    }

    private void syncNow() {
        if (closed) {
            return;
        }
        if (inFlight) {
            again = true;
            return;
        }
        inFlight = true;
        again = false;
        byte[] data = latest;
        Background.call(callback -> client.setData().inBackground(callback).forPath(path, data))
                .whenCompleteAsync((event, failure) -> {
                    if (failure == null && Code.get(event.getResultCode()) == Code.NONODE) {
                        create(data);
                    } else {
                        done(failure == null ? Code.get(event.getResultCode()) : null, failure);
                    }
                }, storeThread);
    }

    private void create(byte[] data) {
        Background.call(callback -> client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .inBackground(callback).forPath(path, data))
                .whenCompleteAsync((event, failure) -> {
                    Code code = failure == null ? Code.get(event.getResultCode()) : null;
                    if (code == Code.NODEEXISTS) {
                        // Created meanwhile (by a retry of ours, or by a session of ours that has not ended yet).
                        again = true;
                    }
                    done(code, failure);
                }, storeThread);
    }

    private void done(Code code, Throwable failure) {
        inFlight = false;
        if (code == Code.OK) {
            firstWritten.complete(null);
        } else if (code != Code.NODEEXISTS) {
            // Connection trouble, mostly: the store syncs again when the connection is back.
            log.debug("writing the registration {} failed: {}", path, failure != null ? failure : code);
        }
        if (again) {
            syncNow();
        }
    }
}
