package dev.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentTest {

    @Test
    void of_appliesToAnyGenerationAndIsNotForced() {
        Deployment deployment = Deployment.of(Colour.GREEN, "v3", List.of(Fixtures.GREEN_1));

        assertThat(deployment.expectedGeneration()).isEqualTo(BlueGreen.ANY_GENERATION);
        assertThat(deployment.forceLive()).isFalse();
        assertThat(deployment.environment()).isEqualTo(Environment.of(Colour.GREEN, "v3", List.of(Fixtures.GREEN_1)));
    }

    @Test
    void expectingGenerationAndForced_returnCopies() {
        Deployment deployment = Deployment.of(Colour.GREEN, "v3", List.of(Fixtures.GREEN_1));

        Deployment tuned = deployment.expectingGeneration(7).forced();

        assertThat(tuned.expectedGeneration()).isEqualTo(7);
        assertThat(tuned.forceLive()).isTrue();
        assertThat(tuned.backends()).isEqualTo(deployment.backends());
        assertThat(deployment.forceLive()).isFalse();
    }

    @Test
    void expectingGeneration_belowAny_isRefused() {
        Deployment deployment = Deployment.of(Colour.GREEN, "v3", List.of());

        assertThatIllegalArgumentException()
                .isThrownBy(() -> deployment.expectingGeneration(-2))
                .withMessage("expectedGeneration: -2 (expected: >= 0, or ANY_GENERATION (-1))");
    }

    @Test
    void of_duplicateBackends_failsAtOnce() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Deployment.of(Colour.GREEN, "v3", List.of(Fixtures.GREEN_1, Fixtures.GREEN_1)))
                .withMessageContaining("appears more than once in the GREEN pool");
    }
}
