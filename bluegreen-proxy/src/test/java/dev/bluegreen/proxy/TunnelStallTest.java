package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tunnels (a 101 to a request that asked to upgrade) whose peer stops taking bytes: the proxy must not hold the other
 * side's connection for ever, nor a drain past its deadline. The backend here is a plain socket that switches to a
 * protocol the proxy can't speak ({@code x-stall}), so that nothing in the tunnel is framed.
 */
class TunnelStallTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String UPGRADE_REQUEST = "GET /stall HTTP/1.1\r\nHost: shop.example\r\n"
            + "Connection: Upgrade\r\nUpgrade: x-stall\r\n\r\n";
    private static final byte[] SWITCHING = ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
            + "Upgrade: x-stall\r\n\r\n").getBytes(US_ASCII);

    private ServerSocket server;
    private BlueGreen admin;
    private BlueGreenProxy proxy;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.stop(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void tunnelWhoseBackendStopsReading_isClosedAtTheDrainDeadline_andTheDrainEnds() throws Exception {
        server = new ServerSocket();
        // A small window, so that the proxy's writes to the backend back up soon.
        server.setReceiveBufferSize(4096);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        CompletableFuture<Long> readAfterTheDeadline = new CompletableFuture<>();
        CompletableFuture<Void> drainEnded = new CompletableFuture<>();
        backend(socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write(SWITCHING);
            // Reads nothing more until the drain has ended, then what the proxy left in the socket, to its end.
            drainEnded.join();
            readAfterTheDeadline.complete(socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
        });
        start(b -> b.drainTimeout(Duration.ofMillis(300)));
        try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", proxy.port()))) {
            client.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
            client.write(ByteBuffer.wrap(UPGRADE_REQUEST.getBytes(US_ASCII)));
            readSwitching(client);
            client.configureBlocking(false);
            // Sends until the tunnel holds it back: the backend takes nothing, so its side of the tunnel is full.
            ByteBuffer bytes = ByteBuffer.allocate(16 * 1024);
            AtomicInteger writesRefused = new AtomicInteger();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                bytes.clear();
                writesRefused.set(client.write(bytes) == 0 ? writesRefused.get() + 1 : 0);
                return writesRefused.get() >= 10;
            });

            admin.switchTo(Colour.GREEN);
            Drain drain = proxy.drain(Colour.BLUE).orElseThrow();

            DrainReport report = drain.completion().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            drainEnded.complete(null);
            assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DEADLINE);
            assertThat(drain.openConnections()).isZero();
            assertThat(readAfterTheDeadline.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the backend's connection ended").isPositive();
        } finally {
            drainEnded.complete(null);
        }
    }

    @Test
    void tunnelWhoseClientStopsReading_isCutAfterTheSendTimeout_andTheBackendReleased() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CompletableFuture<Long> sentUntilCut = new CompletableFuture<>();
        backend(socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write(SWITCHING);
            byte[] bytes = new byte[16 * 1024];
            long sent = 0;
            try {
                // Sends for as long as the proxy takes it: its client reads nothing.
                while (true) {
                    socket.getOutputStream().write(bytes);
                    sent += bytes.length;
                }
            } catch (IOException cut) {
                sentUntilCut.complete(sent);
            }
        });
        start(b -> b.sendTimeout(Duration.ofMillis(500)));
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
            client.getOutputStream().write(UPGRADE_REQUEST.getBytes(US_ASCII));

            assertThat(sentUntilCut.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the backend's connection closed")
                    .isPositive();
            await().atMost(WAIT).until(() -> proxy.activeExchanges(Colour.BLUE) == 0);
            client.setSoTimeout((int) WAIT.toMillis());
            InputStream in = client.getInputStream();
            readToTheEnd(in);
        }
    }

    /** Reads what the proxy sent before it cut the connection, up to its end (or the reset that ends it). */
    private static void readToTheEnd(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException reset) {
            assertThat(reset).hasMessageContaining("reset");
        }
    }

    private void start(Consumer<BlueGreenProxyBuilder> settings) {
        admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", server.getLocalPort()))
                .green("v2", Backend.of("127.0.0.1", server.getLocalPort()))
                .build();
        BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1);
        settings.accept(builder);
        proxy = builder.build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** What the backend does with the one connection it accepts, on a thread of its own. */
    private interface Connection {
        void serve(Socket socket) throws IOException;
    }

    private void backend(Connection connection) {
        Thread thread = new Thread(() -> {
            try (Socket socket = server.accept()) {
                connection.serve(socket);
            } catch (IOException closed) {
                // The proxy closed the connection (or the test ended): what the test waits on says which.
            }
        }, "stalling-backend");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads the backend's 101 (byte by byte, to its empty line) from the client's blocking channel. */
    private static void readSwitching(SocketChannel client) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            one.clear();
            if (client.read(one) < 0) {
                throw new IOException("the connection ended within: " + head);
            }
            head.append((char) one.get(0));
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    /** Reads byte by byte up to and including an empty line, so that nothing after it is read. */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended within a request head");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
