package dev.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentTest {

    @Test
    void of_copiesTheBackends() {
        List<Backend> backends = new ArrayList<>(List.of(Fixtures.BLUE_1));
        Environment environment = Environment.of(Colour.BLUE, "v1", backends);
        backends.add(Fixtures.BLUE_2);

        assertThat(environment.backends()).containsExactly(Fixtures.BLUE_1);
        assertThatThrownBy(() -> environment.backends().add(Fixtures.BLUE_2))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(environment.isEmpty()).isFalse();
    }

    @Test
    void empty_hasNoBackendsAndVersionNone() {
        Environment environment = Environment.empty(Colour.GREEN);

        assertThat(environment.colour()).isEqualTo(Colour.GREEN);
        assertThat(environment.version()).isEqualTo("none");
        assertThat(environment.backends()).isEmpty();
        assertThat(environment.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "v1\n", "v\u00001"})
    void of_badVersion_namesTheVersion(String version) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Environment.of(Colour.BLUE, version, List.of()))
                .withMessageStartingWith("version: '")
                .withMessageContaining("(expected: not blank, at most 256 characters, no control characters)");
    }

    @Test
    void of_versionBeyondTheLimit_isRefusedShowingItsLength() {
        String longest = "v".repeat(Environment.MAX_VERSION_LENGTH);
        assertThat(Environment.of(Colour.BLUE, longest, List.of()).version()).isEqualTo(longest);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Environment.of(Colour.BLUE, longest + "v", List.of()))
                .withMessageStartingWith("version: 'vvvv")
                .withMessageContaining("(257 characters; expected: not blank, at most 256 characters");
    }

    @Test
    void of_duplicateId_isRefused() {
        Backend a = new Backend("10.0.0.1", 80, "app", 1);
        Backend b = new Backend("10.0.0.2", 80, "app", 1);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Environment.of(Colour.BLUE, "v1", List.of(a, b)))
                .withMessage("backends: id 'app' appears more than once in the BLUE pool (expected: unique ids)");
    }

    @Test
    void of_sameHostAndPortUnderTwoIds_isRefused() {
        Backend a = new Backend("App.Internal", 80, "a", 1);
        Backend b = new Backend("app.internal", 80, "b", 1);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Environment.of(Colour.GREEN, "v1", List.of(a, b)))
                .withMessageStartingWith("backends: 'app.internal:80' appears more than once in the GREEN pool");
    }

    @Test
    void of_sameIpv6AddressSpelledTwoWays_isRefused() {
        List<Backend> backends = List.of(Backend.parse("[2001:db8::1]:80"), Backend.parse("[2001:DB8:0:0::1]:80"));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Environment.of(Colour.BLUE, "v1", backends))
                .withMessageContaining("appears more than once in the BLUE pool");
    }

    @Test
    void of_sameIpv6AddressInTwoZones_isNotADuplicate() {
        List<Backend> backends = List.of(Backend.of("fe80::1%eth0", 80), Backend.of("fe80::1%eth1", 80));

        assertThat(Environment.of(Colour.BLUE, "v1", backends).backends()).hasSize(2);
    }

    @Test
    void of_nulls_nameTheComponent() {
        assertThatNullPointerException().isThrownBy(() -> Environment.of(null, "v", List.of())).withMessage("colour");
        assertThatNullPointerException().isThrownBy(() -> Environment.of(Colour.BLUE, null, List.of()))
                .withMessage("version");
        assertThatNullPointerException().isThrownBy(() -> Environment.of(Colour.BLUE, "v", null))
                .withMessage("backends");
        assertThatNullPointerException()
                .isThrownBy(() -> Environment.of(Colour.BLUE, "v", Arrays.asList(Fixtures.BLUE_1, null)))
                .withMessage("backends[1]");
    }
}
