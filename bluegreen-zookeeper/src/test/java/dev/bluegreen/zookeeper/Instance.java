package dev.bluegreen.zookeeper;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Fleet;
import dev.bluegreen.core.RoutingSnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;

/**
 * One instance of a fleet, as one process would have it: its own Curator client (so its own ZooKeeper session),
 * store and {@link BlueGreen}, built with blue v1 live and green v2 idle unless the options say otherwise. It
 * records every change its listeners hear. Closing it closes the admin object, then the client.
 */
final class Instance implements AutoCloseable {

    static final List<Backend> BLUE = List.of(Backend.of("127.0.0.1", 9101));
    static final List<Backend> GREEN = List.of(Backend.of("127.0.0.1", 9201));

    final String id;
    final CuratorFramework client;
    final ZooKeeperRoutingStore.Factory factory;
    final BlueGreen admin;
    final List<Change> heard = new CopyOnWriteArrayList<>();

    private Instance(CuratorFramework client, String path, String id, List<Backend> blue, List<Backend> green,
                     UnaryOperator<BlueGreen.Builder> options) {
        this.id = id;
        this.client = client;
        this.factory = ZooKeeperRoutingStore.builder(client, path)
                .instanceId(id)
                .operationTimeout(Zk.OPERATION_TIMEOUT)
                .build();
        BlueGreen built;
        try {
            built = options.apply(BlueGreen.builder()
                    .blue("v1", blue)
                    .green("v2", green)
                    .listener(heard::add)
                    .store(factory))
                    .build();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        this.admin = built;
    }

    static Instance start(String connectString, String path, String id) {
        return start(connectString, path, id, UnaryOperator.identity());
    }

    static Instance start(String connectString, String path, String id, UnaryOperator<BlueGreen.Builder> options) {
        return new Instance(Zk.client(connectString), path, id, BLUE, GREEN, options);
    }

    /** An instance whose initial pools are the given ones instead of the placeholders. */
    static Instance start(String connectString, String path, String id, List<Backend> blue, List<Backend> green) {
        return new Instance(Zk.client(connectString), path, id, blue, green, UnaryOperator.identity());
    }

    ZooKeeperRoutingStore store() {
        return factory.store().orElseThrow();
    }

    Fleet fleet() {
        return admin.fleet().orElseThrow();
    }

    RoutingSnapshot snapshot() {
        return admin.snapshot();
    }

    long generation() {
        return admin.snapshot().generation();
    }

    @Override
    public void close() {
        try {
            admin.close();
        } finally {
            client.close();
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
