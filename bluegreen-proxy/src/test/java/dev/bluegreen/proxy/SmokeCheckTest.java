package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Smoke checks as switch guards, against real backends on loopback. */
class SmokeCheckTest {

    private final TestBackend blue = TestBackend.start("blue-1");
    private final TestBackend green1 = TestBackend.start("green-1");
    private final TestBackend green2 = TestBackend.start("green-2");
    private final BlueGreen admin = BlueGreen.builder()
            .blue("v1", Backend.of("127.0.0.1", blue.port()))
            .green("v2", Backend.of("127.0.0.1", green1.port()), Backend.of("127.0.0.1", green2.port()))
            .build();

    @AfterEach
    void close() {
        admin.close();
        blue.close();
        green1.close();
        green2.close();
    }

    @Test
    void passingSmokeCheck_letsTheSwitchThrough_afterAskingEveryTargetBackend() {
        admin.addGuard(SmokeCheck.get("/smoke?deep=1").expectStatus(200));

        assertThat(admin.switchTo(Colour.GREEN).live()).isEqualTo(Colour.GREEN);

        assertThat(green1.requests()).anySatisfy(request -> assertThat(request.uri()).isEqualTo("/smoke?deep=1"));
        assertThat(green2.requests()).anySatisfy(request -> assertThat(request.uri()).isEqualTo("/smoke?deep=1"));
        assertThat(blue.requestCount()).as("the live pool is not asked").isZero();
    }

    @Test
    void oneBackendAnswering500_refusesTheSwitch_namingTheBackendAndTheStatus() {
        green2.status(500, "database down");
        admin.addGuard(SmokeCheck.get("/smoke").named("checkout-smoke"));

        ChangeRefusedException refused = catchThrowableOfType(ChangeRefusedException.class, admin::promote);

        assertThat(refused.refusal()).isEqualTo(ChangeRefusedException.Refusal.GUARD_FAILED);
        assertThat(refused.guard()).contains("checkout-smoke");
        assertThat(refused).hasMessageContaining("1 of 2 GREEN backends failed GET /smoke")
                .hasMessageContaining("127.0.0.1:" + green2.port() + " answered 500 (expected: 2xx)");
        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void missingBodyText_orABackendThatNeverAnswers_refuses() {
        admin.addGuard(SmokeCheck.get("/").expectBodyContaining("\"db\":\"up\""));
        ChangeRefusedException noText = catchThrowableOfType(ChangeRefusedException.class,
                () -> admin.switchTo(Colour.GREEN));
        assertThat(noText).hasMessageContaining("answered without '\"db\":\"up\"'");

        BlueGreen other = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", blue.port()))
                .green("v2", Backend.of("127.0.0.1", green1.port()))
                .guard(SmokeCheck.get("/").timeout(Duration.ofMillis(300)))
                .build();
        try {
            green1.neverRespond();
            ChangeRefusedException silent = catchThrowableOfType(ChangeRefusedException.class,
                    () -> other.switchTo(Colour.GREEN));
            assertThat(silent).hasMessageContaining("sent no whole answer within 300ms");
            assertThat(other.snapshot().live()).isEqualTo(Colour.BLUE);
        } finally {
            other.close();
        }
    }

    @Test
    void aBackendWhoseAnswerNeverEnds_failsAtTheSmokeTimeout_andItsConnectionIsClosed() throws Exception {
        CountDownLatch closedByTheCheck = new CountDownLatch(1);
        try (ServerSocket endless = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serveAnAnswerThatNeverEnds(endless, closedByTheCheck), "endless-backend");
            server.setDaemon(true);
            server.start();
            try (BlueGreen other = BlueGreen.builder()
                    .blue("v1", Backend.of("127.0.0.1", blue.port()))
                    .green("v2", Backend.of("127.0.0.1", endless.getLocalPort()))
                    .guardTimeout(Duration.ofSeconds(30))
                    .guard(SmokeCheck.get("/events").timeout(Duration.ofMillis(300)))
                    .build()) {
                ChangeRefusedException refused = catchThrowableOfType(ChangeRefusedException.class,
                        () -> other.switchTo(Colour.GREEN));

                assertThat(refused).hasMessageContaining("refused by guard smoke GET /events")
                        .hasMessageContaining("127.0.0.1:" + endless.getLocalPort() + " sent no whole answer within");
                assertThat(other.snapshot().live()).isEqualTo(Colour.BLUE);
                assertThat(closedByTheCheck.await(10, TimeUnit.SECONDS)).as("the check's connection closed").isTrue();
            }
        }
    }

    /** Accepts one connection, answers its request with a head and the start of a body that never ends. */
    private static void serveAnAnswerThatNeverEnds(ServerSocket server, CountDownLatch closed) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            String request = "";
            while (!request.contains("\r\n\r\n")) {
                int read = in.read(buffer);
                if (read < 0) {
                    return;
                }
                request += new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 1000000\r\n\r\ndata: 1\n\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // Nothing more: the client's close (end of stream or a reset) is what the test waits for.
            while (in.read(buffer) >= 0) {
                // a check sends nothing more; read on until it goes
            }
            closed.countDown();
        } catch (IOException e) {
            closed.countDown();
        }
    }

    @Test
    void badSettings_areRefusedWithTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> SmokeCheck.get("health"))
                .withMessage("path: 'health' (expected: a path starting with '/')");
        assertThatIllegalArgumentException().isThrownBy(() -> SmokeCheck.get("/").expectStatus(42))
                .withMessage("status: 42 (expected: 100-599)");
        assertThat(List.of(SmokeCheck.get("/x").name())).containsExactly("smoke GET /x");
    }

    @Test
    void pathThatIsNoUriPath_isRefusedNamingThePath() {
        // Before, the JDK's URISyntaxException message came through as it was, naming no setting.
        assertThatIllegalArgumentException().isThrownBy(() -> SmokeCheck.get("/health\r\nX-Injected: 1"))
                .withMessageStartingWith("path: '/health\\u000d\\u000aX-Injected: 1' (expected: a valid URI path"
                        + " and query, percent-encoded: Illegal character in path at index");
        assertThatIllegalArgumentException().isThrownBy(() -> SmokeCheck.get("/a b"))
                .withMessageStartingWith("path: '/a b' (expected: a valid URI path");
    }

    @Test
    void timeoutBeyondAnHour_isRefusedWhenSet() {
        // Before, it was taken and every check failed with "long overflow", refusing every switch.
        assertThat(SmokeCheck.get("/").timeout(Duration.ofHours(1))).isNotNull();
        assertThatIllegalArgumentException().isThrownBy(() -> SmokeCheck.get("/").timeout(Duration.ofDays(365_000)))
                .withMessage("timeout: 365000d (expected: more than 0, at most 1 h)");
    }

    @Test
    void nameWithAControlCharacter_isRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> SmokeCheck.get("/").named("smoke\nFAKE LOG LINE"))
                .withMessage("name: 'smoke\\u000aFAKE LOG LINE' (expected: not blank, at most 200 characters,"
                        + " no control characters)");
    }
}
