package dev.bluegreen.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on 127.0.0.1, an ephemeral port, in front of a target port: a slow network towards the target, full
 * speed back. Put in front of a backend, it makes the backend a slow reader of request bodies, so that a proxy
 * without backpressure would have to hold what the client sends faster.
 *
 * <p>Blocking sockets, an accept thread and two daemon threads per connection. A side that ends its output
 * (FIN) has that passed on; a failure on either side closes both. {@link #close()} stops listening and closes every
 * connection. Thread-safe.
 */
final class ThrottledRelay implements AutoCloseable {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long bytesPerSecondTowardsTarget;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private ThrottledRelay(ServerSocket server, InetSocketAddress target, long bytesPerSecondTowardsTarget) {
        this.server = server;
        this.target = target;
        this.bytesPerSecondTowardsTarget = bytesPerSecondTowardsTarget;
    }

    /**
     * Starts relaying to {@code 127.0.0.1:targetPort}.
     *
     * @param bytesPerSecondTowardsTarget how fast bytes may flow towards the target, per connection
     */
    static ThrottledRelay start(int targetPort, long bytesPerSecondTowardsTarget) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket server = new ServerSocket(0, 50, loopback);
        ThrottledRelay relay = new ThrottledRelay(server, new InetSocketAddress(loopback, targetPort),
                bytesPerSecondTowardsTarget);
        daemon(relay::acceptLoop, "relay-accept");
        return relay;
    }

    /** The port the relay listens on, on 127.0.0.1. */
    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                sockets.add(client);
                sockets.add(upstream);
                try {
                    upstream.connect(target, 5_000);
                } catch (IOException e) {
                    closeQuietly(client, upstream);
                    continue;
                }
                daemon(() -> pump(client, upstream, new Pacer(bytesPerSecondTowardsTarget)), "relay-to-target");
                daemon(() -> pump(upstream, client, Pacer.UNLIMITED), "relay-from-target");
            } catch (IOException e) {
                // The server socket was closed: the relay is stopping.
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, Pacer pacer) {
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                pacer.pass(n);
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from, to);
        }
    }

    /** Stops listening and closes every relayed connection. */
    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(ThrottledRelay::closeQuietly);
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Closing is all that is left to do.
            }
        }
    }

    /**
     * Paces a byte stream to a rate: {@link #pass} returns once the bytes passed so far are not ahead of the rate.
     * Pacing is the point here (a slow network, a slow reader), not waiting for an event. Not thread-safe.
     */
    static final class Pacer {

        static final Pacer UNLIMITED = new Pacer(Long.MAX_VALUE);

        private final long bytesPerSecond;
        private long startNanos = -1;
        private long passed;

        Pacer(long bytesPerSecond) {
            if (bytesPerSecond <= 0) {
                throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: > 0)");
            }
            this.bytesPerSecond = bytesPerSecond;
        }

        void pass(int bytes) {
            if (bytesPerSecond == Long.MAX_VALUE) {
                return;
            }
            if (startNanos < 0) {
                startNanos = System.nanoTime();
            }
            passed += bytes;
            long dueNanos = startNanos + (long) (passed * (double) TimeUnit.SECONDS.toNanos(1) / bytesPerSecond);
            for (long ahead = dueNanos - System.nanoTime(); ahead > 0; ahead = dueNanos - System.nanoTime()) {
                LockSupport.parkNanos(ahead);
            }
        }
    }

    @Override
    public String toString() {
        return "ThrottledRelay[" + server.getLocalSocketAddress() + " -> " + target + ", "
                + bytesPerSecondTowardsTarget + " B/s towards it]";
    }
}
