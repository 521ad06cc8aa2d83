package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An h2c upload to a backend that takes its bytes slowly is held by the stream's flow-control window, not buffered in
 * the proxy: a stream takes its DATA from the window only as its exchange reads it, and the exchange reads only as
 * fast as the backend takes the body. The client here keeps to the windows the proxy grants, as a real one must.
 */
class Http2UploadBackpressureTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int STREAM = 1;
    private static final int FRAME = 16 * 1024;
    private static final long BODY = 16L * 1024 * 1024;

    @Test
    void anUploadToABackendThatDoesNotRead_isHeldByTheWindow_andGoesOnWhenTheBackendReads() throws Exception {
        try (StalledBackend backend = new StalledBackend();
             BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", backend.port()))
                     .green("v2", Backend.of("127.0.0.1", backend.port())).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawH2Connection client = RawH2Connection.open(proxy.port())) {
                client.headers(STREAM, new DefaultHttp2Headers(false).method("POST").scheme("http").path("/upload")
                        .authority("127.0.0.1").setLong("content-length", BODY), false);
                Upload upload = new Upload(client);

                // Sends what the windows allow until they stay shut for half a second: the backend reads nothing.
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).during(Duration.ofMillis(500))
                        .until(() -> !upload.sendWhatTheWindowsAllow());
                // What the sockets towards the backend hold (up to a few MiB: the kernel's send buffer), and one
                // stream window; a proxy that opened the window as DATA arrived would take the whole body.
                assertThat(upload.sent()).as("bytes the proxy let the client send to a backend that reads nothing")
                        .isLessThan(BODY / 2);

                backend.startReading();
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(1)).until(() -> {
                    upload.sendWhatTheWindowsAllow();
                    return upload.sent() == BODY;
                });
                await().atMost(TIMEOUT).until(() -> backend.received() >= BODY);
            } finally {
                proxy.stop().orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    /** The client's side of the upload: DATA frames of stream 1, within the stream's and the connection's windows. */
    private static final class Upload {

        private final RawH2Connection client;
        private final byte[] payload = new byte[FRAME];
        private long sent;

        Upload(RawH2Connection client) {
            this.client = client;
        }

        long sent() {
            return sent;
        }

        /** What both windows allow now: the initial 65,535 bytes of each, plus what WINDOW_UPDATE frames added. */
        private long allowed() {
            long stream = 65_535 + granted(STREAM) - sent;
            long connection = 65_535 + granted(0) - sent;
            return Math.max(0, Math.min(BODY - sent, Math.min(stream, connection)));
        }

        private long granted(int streamId) {
            return client.received(RawH2Connection.WINDOW_UPDATE).stream()
                    .filter(frame -> frame.streamId() == streamId)
                    .mapToLong(RawH2Connection.Frame::windowIncrement)
                    .sum();
        }

        /** @return whether the windows let anything be sent */
        boolean sendWhatTheWindowsAllow() throws IOException {
            long before = sent;
            long allowed;
            while ((allowed = allowed()) > 0) {
                int length = (int) Math.min(FRAME, allowed);
                boolean last = sent + length == BODY;
                client.frame(RawH2Connection.DATA, last ? RawH2Connection.END_STREAM : 0, STREAM,
                        length == FRAME ? payload : new byte[length]);
                sent += length;
            }
            client.flush();
            return sent > before;
        }
    }

    /**
     * A backend that accepts a connection and reads nothing from it until told to, with a fixed receive buffer so that
     * the kernel holds little of what the proxy sends it.
     */
    private static final class StalledBackend implements AutoCloseable {

        private final ServerSocket server;
        private final CountDownLatch reading = new CountDownLatch(1);
        private final AtomicLong received = new AtomicLong();

        StalledBackend() throws IOException {
            server = new ServerSocket();
            server.setReceiveBufferSize(64 * 1024);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread thread = new Thread(this::serve, "stalled-backend");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void startReading() {
            reading.countDown();
        }

        long received() {
            return received.get();
        }

        private void serve() {
            try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                reading.await();
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.addAndGet(n);
                }
            } catch (IOException | InterruptedException e) {
                // The proxy closed the connection, or the test ended: what was read is counted.
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
