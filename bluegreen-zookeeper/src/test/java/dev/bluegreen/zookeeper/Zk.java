package dev.bluegreen.zookeeper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Real ZooKeeper servers in this JVM on 127.0.0.1, and Curator clients with short timeouts, so that the fault
 * tests see disconnections, lost sessions and recoveries within seconds.
 */
final class Zk {

    /** The servers' tick: sessions may last 2 to 20 ticks. */
    static final int TICK_MS = 300;
    /**
     * Short, so that the fault tests lose sessions within seconds; not shorter, because a client that hears nothing
     * for two thirds of it disconnects, and a loaded 2-core machine can starve threads for a second or two.
     */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** The stores' operation timeout in tests. */
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(3);

    private Zk() {
    }

    /** A standalone server on 127.0.0.1 and a free port, started; restartable on the same port and data. */
    static TestingServer server() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MS, -1,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
        return new TestingServer(spec, true);
    }

    /** An ensemble of {@code size} servers on 127.0.0.1, started. */
    static TestingCluster cluster(int size) throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        int[] ports = distinctFreePorts(3 * size);
        for (int id = 1; id <= size; id++) {
            int base = 3 * (id - 1);
            specs.add(new InstanceSpec(null, ports[base], ports[base + 1], ports[base + 2], true, id, TICK_MS, -1,
                    Map.of(), "127.0.0.1"));
        }
        TestingCluster cluster = new TestingCluster(specs);
        cluster.start();
        return cluster;
    }

    /**
     * {@code count} different free ports. Curator picks each port of a spec by opening and closing a socket on port 0,
     * which can hand out the same port twice in a row; holding every socket open until all are picked can't.
     */
    private static int[] distinctFreePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    /**
     * Ends {@code client}'s session on the server, as the server does when a session times out: opens a second
     * connection with the same session id and password and closes it. The client then hears that its session
     * expired.
     */
    static void expireSession(CuratorFramework client, String connectString) throws Exception {
        ZooKeeper zooKeeper = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(connectString, (int) SESSION_TIMEOUT.toMillis(), event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, zooKeeper.getSessionId(), zooKeeper.getSessionPasswd());
        try {
            if (!connected.await(SESSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("could not connect a second client to session 0x"
                        + Long.toHexString(zooKeeper.getSessionId()));
            }
        } finally {
            twin.close();
        }
    }

    /** The connect string of one server of an ensemble. */
    static String connectString(InstanceSpec server) {
        return server.getHostname() + ":" + server.getPort();
    }

    /**
     * A started client with a 5 s session, a 2 s connection timeout and few, quick retries. It talks to the servers
     * it is given only: Curator's ensemble tracker, which would learn the rest of an ensemble from its
     * configuration, is off, so that a test can cut one instance off by stopping its server.
     */
    static CuratorFramework client(String connectString) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .ensembleTracker(false)
                .sessionTimeoutMs((int) SESSION_TIMEOUT.toMillis())
                .connectionTimeoutMs((int) CONNECTION_TIMEOUT.toMillis())
                .retryPolicy(new RetryNTimes(2, 100))
                .build();
        client.start();
        return client;
    }
}
