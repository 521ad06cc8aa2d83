package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stream errors that are not a malformed request keep their own HTTP/2 error code in the RST_STREAM the client gets
 * (RFC 9113 §5.4.2), rather than all becoming {@code PROTOCOL_ERROR}; the connection's other streams go on.
 */
class Http2StreamErrorsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int FLOW_CONTROL_ERROR = 0x3;
    /** The stream window the proxy gives: the smallest allowed, one full-size DATA frame. */
    private static final int WINDOW = 16_384;

    private ProxyFixture fixture;

    @BeforeEach
    void start() {
        // A fixture per test: its first request has no upstream connection yet, so it reads none of its body before
        // the connect completes, and DATA past the window is past it when it arrives.
        fixture = ProxyFixture.start(proxy -> proxy.http2(Http2Options.defaults().withInitialWindowSize(WINDOW)));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Http2Headers post() {
        return new DefaultHttp2Headers(false).method("POST").scheme("http").path("/upload")
                .authority("127.0.0.1:" + fixture.port());
    }

    @Test
    void windowUpdateThatOverflowsTheStreamWindow_resetsItWithFlowControlError() throws Exception {
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            client.headers(1, post(), false);
            // RFC 9113 §6.9.1: a window above 2^31-1 is a stream error FLOW_CONTROL_ERROR.
            client.frame(RawH2Connection.WINDOW_UPDATE, 0, 1, ByteBuffer.allocate(4).putInt(0x7fffffff).array());

            assertThat(awaitReset(client, 1)).isEqualTo(FLOW_CONTROL_ERROR);
            client.get(3);
            assertThat(client.awaitStatus(3, TIMEOUT)).as("the next stream").isEqualTo(200);
        }
    }

    @Test
    void dataBeyondTheStreamWindow_resetsItWithFlowControlError() throws Exception {
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            // One write: the head, a DATA frame that fills the window, and one byte more (RFC 9113 §6.9).
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.writeBytes(client.headersFrame(1, post(), false));
            frames.writeBytes(RawH2Connection.encode(RawH2Connection.DATA, 0, 1, new byte[WINDOW]));
            frames.writeBytes(RawH2Connection.encode(RawH2Connection.DATA, RawH2Connection.END_STREAM, 1, new byte[1]));
            client.writeRaw(frames.toByteArray());

            assertThat(awaitReset(client, 1)).isEqualTo(FLOW_CONTROL_ERROR);
            client.get(3);
            assertThat(client.awaitStatus(3, TIMEOUT)).as("the next stream").isEqualTo(200);
        }
    }

    /** The error code of the server's RST_STREAM on {@code streamId}. */
    private static int awaitReset(RawH2Connection client, int streamId) {
        return await().atMost(TIMEOUT).until(() -> client.received(RawH2Connection.RST_STREAM).stream()
                        .filter(frame -> frame.streamId() == streamId).findFirst(), Optional::isPresent)
                .map(RawH2Connection.Frame::errorCode).orElseThrow();
    }
}
