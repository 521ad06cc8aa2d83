package dev.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColourTest {

    @Test
    void other_flipsTheColour() {
        assertThat(Colour.BLUE.other()).isEqualTo(Colour.GREEN);
        assertThat(Colour.GREEN.other()).isEqualTo(Colour.BLUE);
    }

    @Test
    void label_isLowerCase() {
        assertThat(Colour.BLUE.label()).isEqualTo("blue");
        assertThat(Colour.GREEN.label()).isEqualTo("green");
    }

    @ParameterizedTest
    @ValueSource(strings = {"blue", "BLUE", "Blue", " blue "})
    void parse_blueInAnyCase(String text) {
        assertThat(Colour.parse(text)).isEqualTo(Colour.BLUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"green", "GREEN", "gReEn"})
    void parse_greenInAnyCase(String text) {
        assertThat(Colour.parse(text)).isEqualTo(Colour.GREEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "red", "bluegreen", "b"})
    void parse_unknown_namesTheTextAndTheChoices(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Colour.parse(text))
                .withMessage("colour: '" + text + "' (expected: blue or green)");
    }

    @Test
    void parse_null_namesTheParameter() {
        assertThatNullPointerException().isThrownBy(() -> Colour.parse(null)).withMessage("text");
    }
}
