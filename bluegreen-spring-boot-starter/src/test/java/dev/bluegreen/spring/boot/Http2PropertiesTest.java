package dev.bluegreen.spring.boot;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.bluegreen.proxy.BlueGreenProxy;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bluegreen.http2.*}: the limits reach the SETTINGS frame the proxy opens an h2c connection with, HTTP/2 can be
 * turned off (the preface is then read as an HTTP/1.1 request, and refused), and a value the proxy refuses fails the
 * startup naming the property.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2PropertiesTest {

    private static final int FRAME_SETTINGS = 0x4;
    /** The client connection preface (RFC 9113 §3.4), then an empty SETTINGS frame: nine bytes, type 4. */
    private static final byte[] PREFACE = prefaceAndEmptySettings();
    private static final int MAX_CONCURRENT_STREAMS = 0x3;
    private static final int INITIAL_WINDOW_SIZE = 0x4;
    private static final int MAX_HEADER_LIST_SIZE = 0x6;

    private final TwoPools pools = new TwoPools();
    private final ApplicationContextRunner runner = pools.runner;

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void limits_areAnnouncedInTheProxysSettings() {
        runner.withPropertyValues("bluegreen.http2.max-concurrent-streams=7",
                "bluegreen.http2.max-header-list-size=4KB", "bluegreen.http2.initial-window-size=32KB").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(serverSettings(context.getBean(BlueGreenProxy.class).port())).contains(
                            entry(MAX_CONCURRENT_STREAMS, 7L), entry(MAX_HEADER_LIST_SIZE, 4096L),
                            entry(INITIAL_WINDOW_SIZE, 32_768L));
                });
        runner.run(context -> assertThat(serverSettings(context.getBean(BlueGreenProxy.class).port()))
                .as("the defaults")
                .contains(entry(MAX_CONCURRENT_STREAMS, 100L), entry(MAX_HEADER_LIST_SIZE, 16_384L)));
    }

    @Test
    void disabled_orCleartextOff_readsThePrefaceAsHttp11() {
        for (String off : new String[] {"bluegreen.http2.enabled=false", "bluegreen.http2.cleartext=false"}) {
            runner.withPropertyValues(off).run(context -> {
                assertThat(context).hasNotFailed();
                try (Socket socket = connect(context.getBean(BlueGreenProxy.class).port())) {
                    socket.getOutputStream().write(PREFACE);
                    byte[] start = socket.getInputStream().readNBytes(9);
                    assertThat(new String(start, ISO_8859_1)).as(off).isEqualTo("HTTP/1.1 ");
                }
            });
        }
    }

    @Test
    void invalidValues_failTheStartupNamingThePropertyAndTheValueAsWritten() {
        pools.assertRefused("bluegreen.http2.max-concurrent-streams", "0",
                "http2 maxConcurrentStreams: 0 (expected: 1-1000)", "bluegreen.http2.max-concurrent-streams=0");
        pools.assertRefused("bluegreen.http2.max-header-list-size", "100B",
                "http2 maxHeaderListSize: 100 (expected: 1024-1048576)", "bluegreen.http2.max-header-list-size=100B");
        pools.assertRefused("bluegreen.http2.initial-window-size", "1024B",
                "http2 initialWindowSize: 1024 (expected: 16384-16777216)", "bluegreen.http2.initial-window-size=1KB");
        pools.assertRefused("bluegreen.http2.max-reset-streams", "0", "http2 maxResetStreams: 0 (expected: 1-100000)",
                "bluegreen.http2.max-reset-streams=0");
        pools.assertRefused("bluegreen.http2.reset-window", "2h", "http2 reset window: 2h (expected: 1 s - 1 h)",
                "bluegreen.http2.reset-window=2h");
        pools.assertRefused("bluegreen.http2.reset-window", "", "expected: a duration",
                "bluegreen.http2.reset-window=");
    }

    /** Opens an h2c connection and returns the parameters of the server's first SETTINGS frame, by identifier. */
    private static Map<Integer, Long> serverSettings(int port) {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(PREFACE);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                in.readInt(); // the stream
                byte[] payload = in.readNBytes(length);
                if (type == FRAME_SETTINGS && (flags & 0x1) == 0) {
                    Map<Integer, Long> settings = new HashMap<>();
                    for (int at = 0; at + 6 <= payload.length; at += 6) {
                        int id = (payload[at] & 0xff) << 8 | (payload[at + 1] & 0xff);
                        long value = ((payload[at + 2] & 0xffL) << 24) | ((payload[at + 3] & 0xff) << 16)
                                | ((payload[at + 4] & 0xff) << 8) | (payload[at + 5] & 0xff);
                        settings.put(id, value);
                    }
                    return settings;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] prefaceAndEmptySettings() {
        byte[] magic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(ISO_8859_1);
        byte[] preface = Arrays.copyOf(magic, magic.length + 9);
        preface[magic.length + 3] = FRAME_SETTINGS;
        return preface;
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }
}
