package dev.bluegreen.spring.boot;

import dev.bluegreen.testing.TestBackend;
import org.springframework.boot.autoconfigure.AutoConfigurations;
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

    @Override
    public void close() {
        blue.close();
        green.close();
    }
}
