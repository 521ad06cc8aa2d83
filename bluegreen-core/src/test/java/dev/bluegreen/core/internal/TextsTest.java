package dev.bluegreen.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextsTest {

    /** U+1F600, one character that Java holds as two chars (a surrogate pair). */
    private static final String EMOJI = "\uD83D\uDE00";

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0s",
        "PT1S, 1s",
        "PT90S, 90s",
        "PT2M, 2m",
        "PT1H, 1h",
        "PT25H, 25h",
        "PT48H, 2d",
        "PT61M, 61m",
        "PT0.5S, 500ms",
        "PT1.5S, 1500ms",
        "PT0.36S, 360ms",
        "PT0.00025S, 250us",
        "PT0.000000007S, 7ns",
        "PT1.000000007S, 1000000007ns",
        "PT0.0000015S, 1500ns",
        "PT-5S, -5s",
        "PT-0.001S, -1ms",
    })
    void duration_isTheLargestExactUnit(String iso, String expected) {
        assertThat(Texts.duration(Duration.parse(iso))).isEqualTo(expected);
    }

    @Test
    void duration_beyondWhatNanosecondsCount_isInTheLargestWholeUnit_orIsoWithAFraction() {
        assertThat(Texts.duration(Duration.ofDays(999_999_999))).isEqualTo("999999999d");
        assertThat(Texts.duration(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE + "s");
        assertThat(Texts.duration(Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE + "s");
        Duration withFraction = Duration.ofDays(999_999_999).plusNanos(1);
        assertThat(Texts.duration(withFraction)).isEqualTo(withFraction.toString());
        assertThat(Texts.duration(Duration.ofDays(100 * 365))).isEqualTo(100 * 365 + "d");
    }

    @Test
    void duration_ofNull_isNull() {
        assertThat(Texts.duration(null)).isEqualTo("null");
    }

    @Test
    void requirePositive_namesTheSettingAndShowsTheValueAsWritten() {
        Duration interval = Duration.ofMillis(1);
        assertThat(Texts.requirePositive("interval", interval)).isSameAs(interval);
        assertThatThrownBy(() -> Texts.requirePositive("interval", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval: 0s (expected: > 0)");
        assertThatThrownBy(() -> Texts.requirePositive("drainTimeout", Duration.ofMillis(-1500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("drainTimeout: -1500ms (expected: > 0)");
        assertThatThrownBy(() -> Texts.requirePositive("interval", null))
                .isInstanceOf(NullPointerException.class).hasMessage("interval");
    }

    @Test
    void requirePositive_refusesMoreThanAYear_whichWouldOverflowADeadlineLater() {
        assertThat(Texts.requirePositive("idleTimeout", Duration.ofDays(365))).isEqualTo(Duration.ofDays(365));
        assertThatThrownBy(() -> Texts.requirePositive("idleTimeout", Duration.ofDays(999_999_999)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTimeout: 999999999d (expected: at most 365d)");
        assertThatThrownBy(() -> Texts.requireAtMostAYear("rollbackWindow", Duration.ofDays(365).plusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rollbackWindow: ").hasMessageEndingWith(" (expected: at most 365d)");
    }

    @Test
    void count_pluralisesAllButOne() {
        assertThat(Texts.count(1, "backend")).isEqualTo("1 backend");
        assertThat(Texts.count(0, "backend")).isEqualTo("0 backends");
        assertThat(Texts.count(3, "backend")).isEqualTo("3 backends");
    }

    @Test
    void quote_escapesControlsAndUnicodeLineSeparators() {
        assertThat(Texts.quote("a\r\nb\u0085c\u2028d\u2029e")).isEqualTo("'a\\u000d\\u000ab\\u0085c\\u2028d\\u2029e'");
        assertThat(Texts.quote("x\u2028".repeat(3), 4)).isEqualTo("'x\\u2028x\\u2028...'");
    }

    @Test
    void escapeControls_returnsACleanTextItself_andEscapesWhatCouldBreakALine() {
        String clean = "caf\u00e9 \"ok\" \\ done";

        assertThat(Texts.escapeControls(clean)).isSameAs(clean);
        assertThat(Texts.escapeControls("ok\u001b[2J\u007f\u2029")).isEqualTo("ok\\u001b[2J\\u007f\\u2029");
    }

    @Test
    void requireShortText_emojiAtTheLimit_isAccepted_countingEachAsOneCharacter() {
        String reason = EMOJI.repeat(500);

        assertThat(Texts.requireShortText("reason", reason, 500)).isSameAs(reason);
        assertThat(Texts.length(reason)).isEqualTo(500);
    }

    @Test
    void requireShortText_emojiOnePastTheLimit_isRefusedCountingCharactersNotChars() {
        assertThatThrownBy(() -> Texts.requireShortText("reason", EMOJI.repeat(501), 500))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason: '" + EMOJI.repeat(40) + "...' (501 characters; expected: not blank, at most 500"
                        + " characters, no control characters)");
        assertThatThrownBy(() -> Texts.requireShortText("reason", "r" + EMOJI.repeat(500), 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(501 characters; ");
    }

    @Test
    void length_countsALoneSurrogateAsOne() {
        assertThat(Texts.length("a\uD83D" + EMOJI + "\uDE00")).isEqualTo(4);
        assertThat(Texts.length("")).isZero();
    }

    @Test
    void abbreviate_countsCharacters_andNeverCutsASurrogatePair() {
        assertThat(Texts.abbreviate(EMOJI.repeat(10), 10)).isEqualTo(EMOJI.repeat(10));
        assertThat(Texts.abbreviate(EMOJI.repeat(11), 10)).isEqualTo(EMOJI.repeat(7) + "...");
        assertThat(Texts.abbreviate("ab" + EMOJI.repeat(3), 4)).isEqualTo("a...");
        assertThat(Texts.abbreviate("abcdef", 5)).isEqualTo("ab...");
    }
}
