package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.TestBackend;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Two test backends, blue and green, and a context runner whose auto-configured proxy has one each as its pools,
 * listening on a free port with one event loop. Close it after the test.
 */
final class TwoPools implements AutoCloseable {

    final TestBackend blue = TestBackend.start("blue");
    final TestBackend green = TestBackend.start("green");
    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BlueGreenAutoConfiguration.class))
            .withPropertyValues("bluegreen.proxy.listen=127.0.0.1:0", "bluegreen.proxy.threads=1",
                    "bluegreen.blue.backends=127.0.0.1:" + blue.port(),
                    "bluegreen.green.backends=127.0.0.1:" + green.port());

    /**
     * Asserts that the context does not start with {@code settings}: Boot refuses {@code property}, shows its value as
     * written ({@code -5s}, never ISO-8601's {@code PT-5S}) and says why.
     */
    void assertRefused(String property, String value, String reason, String... settings) {
        runner.withPropertyValues(settings).run(context -> assertThat(context.getStartupFailure())
                .as(String.join(", ", settings)).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("Property " + property + " with value '" + value + "' is invalid")
                .hasMessageContaining(reason)
                .hasMessageNotContaining("PT"));
    }

    @Override
    public void close() {
        blue.close();
        green.close();
    }
}
