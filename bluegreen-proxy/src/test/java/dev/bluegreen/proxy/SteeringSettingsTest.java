package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad settings for preview, sticky sessions and the safety net are refused at once, naming the value. */
class SteeringSettingsTest {

    @Test
    void previewRule_nameNotAToken_isRefused() {
        assertThatThrownBy(() -> PreviewRule.header("X Preview")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header: 'X Preview' (expected: a token, RFC 9110 §5.6.2)");
        assertThatThrownBy(() -> PreviewRule.cookie("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cookie: ''");
    }

    @Test
    void previewRule_headerEveryRequestCarriesOrTheBackendsNeed_isRefused() {
        for (String taken : new String[] {"Host", "authorization", "Cookie", "Content-Type", "X-Forwarded-For"}) {
            assertThatThrownBy(() -> PreviewRule.header(taken)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("header: '" + taken + "' (expected: a header of its own, such as"
                            + " X-Preview");
        }
        assertThat(PreviewRule.header("X-Preview").name()).isEqualTo("X-Preview");
        assertThat(PreviewRule.cookie("session").name()).as("a cookie's name is its own").isEqualTo("session");
    }

    @Test
    void previewRule_badSecret_isRefused_withoutShowingIt() {
        assertThatThrownBy(() -> PreviewRule.header("X-Preview").withSecret("")).hasMessageStartingWith("secret: 0");
        assertThatThrownBy(() -> PreviewRule.header("X-Preview").withSecret("a;b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("a;b");
        assertThatThrownBy(() -> PreviewRule.header("X-Preview").withSecret("x".repeat(257)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void previewRule_toString_neverShowsTheSecret() {
        PreviewRule rule = PreviewRule.cookie("preview").withSecret("s3cret");

        assertThat(rule).hasToString("PreviewRule[cookie preview, with secret]");
        assertThat(rule.secret()).contains("s3cret");
        assertThat(rule.isCookie()).isTrue();
    }

    @Test
    void stickySessions_badTtlOrSize_isRefused() {
        StickySessions sessions = StickySessions.proxyCookie("bg");

        assertThatThrownBy(() -> sessions.idleTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTtl: 0s (expected: > 0)");
        assertThatThrownBy(() -> sessions.maximumSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximumSize: 0 (expected: 1-100000000)");
        assertThatThrownBy(() -> StickySessions.fromHeader("bad:name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stickySessions_areImmutable_withDefaults() {
        StickySessions base = StickySessions.fromCookie("JSESSIONID");
        StickySessions tuned = base.idleTtl(Duration.ofMinutes(5)).maximumSize(10).secureCookie(true);

        assertThat(base.idleTtl()).isEqualTo(StickySessions.DEFAULT_IDLE_TTL);
        assertThat(base.maximumSize()).isEqualTo(StickySessions.DEFAULT_MAXIMUM_SIZE);
        assertThat(base.secureCookie()).isFalse();
        assertThat(tuned.idleTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(tuned.maximumSize()).isEqualTo(10);
        assertThat(tuned.source()).isEqualTo(StickySessions.Source.COOKIE);
        assertThat(tuned.name()).isEqualTo("JSESSIONID");
    }

    @Test
    void builder_safetyNetWindowOutOfRange_isRefused() {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 1)).build()) {
            BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin);

            assertThatThrownBy(() -> builder.safetyNet(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("safetyNet: 0s (expected: > 0)");
            assertThatThrownBy(() -> builder.safetyNet(Duration.ofHours(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("safetyNet: 2h (expected: at most 1 hour)");
            assertThatThrownBy(() -> builder.previewListen("127.0.0.1", 70_000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("port: 70000 (expected: 0-65535)");
        }
    }
}
