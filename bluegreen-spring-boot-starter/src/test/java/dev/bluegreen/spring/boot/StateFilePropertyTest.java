package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code bluegreen.state.file}: an application's restart is never a rollback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StateFilePropertyTest {

    @TempDir
    Path directory;

    private ApplicationContextRunner runner(Path file) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BlueGreenAutoConfiguration.class))
                .withPropertyValues("bluegreen.proxy.listen=127.0.0.1:0", "bluegreen.proxy.threads=1",
                        "bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.green.backends=127.0.0.1:9002",
                        "bluegreen.state.file=" + file);
    }

    @Test
    void aRestartedApplication_comesBackToTheColourAndGenerationItHad() {
        Path file = directory.resolve("state/routing.json");
        runner(file).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(BlueGreen.class).switchTo(Colour.GREEN).generation()).isEqualTo(1);
        });

        runner(file).run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreen restarted = context.getBean(BlueGreen.class);
            assertThat(restarted.snapshot().live()).isEqualTo(Colour.GREEN);
            assertThat(restarted.snapshot().generation()).isEqualTo(1);
        });
    }

    @Test
    void aSecondApplicationOnTheFile_orADamagedFile_failsTheStartupNamingThePropertyAndTheFile() throws Exception {
        // Boot's failure report then names the property, as for any value refused, rather than a stack trace.
        Path file = directory.resolve("routing.json");
        runner(file).run(first -> {
            assertThat(first).hasNotFailed();
            runner(file).run(second -> assertThat(second.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("Property bluegreen.state.file with value '" + file + "' is invalid")
                    .hasMessageContaining("is already open in this process"));
        });

        Files.writeString(file, "{\"format\": ");
        runner(file).run(context -> assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("Property bluegreen.state.file with value '" + file + "' is invalid")
                .hasMessageContaining("is damaged"));
    }

    @Test
    void aPathThatNamesNoFile_failsTheStartupNamingTheProperty() {
        runner(Path.of("/")).run(context -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("bluegreen.state.file")
                .hasMessageContaining("file: '/' (expected: the path of a file"));
    }
}
