package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.Behaviour;
import dev.bluegreen.testing.TestBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A response larger than what an h2c client's windows let through waits for the client's WINDOW_UPDATE frames: the
 * exchange stops reading the backend while its stream can't be written, and goes on when the client opens the stream's
 * window, or only the connection's. The client here reads as a real one does, granting what it has taken.
 */
class Http2DownloadFlowControlTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int STREAM = 1;
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    private static final int CONNECTION_WINDOW = 65_535;
    private static final long BODY = 4L * 1024 * 1024;

    private TestBackend backend;
    private BlueGreen admin;
    private BlueGreenProxy proxy;

    @BeforeEach
    void start() {
        backend = TestBackend.start("blue", Behaviour.download(BODY));
        admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", backend.port()))
                .green("v2", Backend.of("127.0.0.1", backend.port())).build();
        proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @AfterEach
    void stop() {
        proxy.stop().orTimeout(10, TimeUnit.SECONDS).join();
        admin.close();
        backend.close();
    }

    @Test
    void aSmallStreamWindow_holdsTheResponse_untilTheClientOpensIt_thenItArrivesWhole() throws Exception {
        int streamWindow = 16 * 1024;
        // Nothing granted yet: the proxy sends one stream window and stops.
        download(streamWindow, true, streamWindow);
    }

    @Test
    void aShutConnectionWindow_holdsTheResponse_untilTheClientOpensIt_withoutAnyStreamWindowUpdate() throws Exception {
        // A stream window larger than the body: only the connection's window (65,535 bytes, never widened by SETTINGS)
        // holds the response back, and the client's WINDOW_UPDATE frames for the connection alone let it go on.
        download((int) (2 * BODY), false, CONNECTION_WINDOW);
    }

    /**
     * Downloads the body on stream 1 with the stream window {@code streamWindow}: waits until the proxy has sent
     * {@code heldAt} bytes, the most the windows allow before the client grants any, then grants what it takes
     * (to the connection, and to the stream if {@code grantsTheStream}) until the response ends: whole, and never
     * beyond the windows.
     */
    private void download(int streamWindow, boolean grantsTheStream, long heldAt) throws Exception {
        try (RawH2Connection client = RawH2Connection.open(proxy.port())) {
            client.frame(RawH2Connection.SETTINGS, 0, 0, initialWindowSize(streamWindow));
            client.get(STREAM);
            Download download = new Download(client, streamWindow, grantsTheStream);

            await().atMost(TIMEOUT).until(() -> download.received() == heldAt);
            download.assertWithinWindows();

            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(1)).until(download::grantWhatWasTaken);
            assertThat(download.received()).isEqualTo(BODY);
            download.assertWithinWindows();
        }
    }

    private static byte[] initialWindowSize(int size) {
        return ByteBuffer.allocate(6).putShort((short) SETTINGS_INITIAL_WINDOW_SIZE).putInt(size).array();
    }

    /** The client's side of the download: counts stream 1's DATA, and gives back to the windows what it took. */
    private static final class Download {

        private final RawH2Connection client;
        private final int streamWindow;
        private final boolean grantsTheStream;
        private long granted;

        Download(RawH2Connection client, int streamWindow, boolean grantsTheStream) {
            this.client = client;
            this.streamWindow = streamWindow;
            this.grantsTheStream = grantsTheStream;
        }

        long received() {
            return client.received(RawH2Connection.DATA).stream()
                    .filter(frame -> frame.streamId() == STREAM)
                    .mapToLong(frame -> frame.payload().length)
                    .sum();
        }

        private boolean ended() {
            return client.received(RawH2Connection.DATA).stream()
                    .anyMatch(frame -> frame.streamId() == STREAM && (frame.flags() & RawH2Connection.END_STREAM) != 0);
        }

        /** @return whether the response has ended */
        boolean grantWhatWasTaken() throws IOException {
            boolean ended = ended();
            long taken = received() - granted;
            if (taken > 0 && !ended) {
                byte[] increment = ByteBuffer.allocate(4).putInt((int) taken).array();
                client.frame(RawH2Connection.WINDOW_UPDATE, 0, 0, increment);
                if (grantsTheStream) {
                    client.frame(RawH2Connection.WINDOW_UPDATE, 0, STREAM, increment);
                }
                client.flush();
                granted += taken;
            }
            return ended;
        }

        /** The proxy never sent more than the windows allowed. */
        void assertWithinWindows() {
            long allowed = Math.min(CONNECTION_WINDOW, streamWindow) + granted;
            assertThat(received()).as("DATA bytes sent within the windows granted").isLessThanOrEqualTo(allowed);
        }
    }
}
