package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.List;
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
            assertThat(silent).hasMessageContaining("HttpTimeoutException");
            assertThat(other.snapshot().live()).isEqualTo(Colour.BLUE);
        } finally {
            other.close();
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
}
