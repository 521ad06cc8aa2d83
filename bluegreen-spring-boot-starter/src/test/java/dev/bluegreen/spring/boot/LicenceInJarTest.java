package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The starter's jar carries the project's licence as {@code META-INF/LICENSE}: its POM lists resources of its own,
 * so it repeats the parent's licence resource, and this checks that it still does.
 */
class LicenceInJarTest {

    @Test
    void theStartersClasses_carryTheLicenceAsMetaInfLicense() throws IOException, URISyntaxException {
        // Surefire runs in the module's directory, one level below the repository root.
        Path licence = Path.of("..", "LICENSE");
        Path classes = Path.of(BlueGreenAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());

        assertThat(classes.resolve("META-INF/LICENSE")).exists()
                .hasContent(Files.readString(licence, StandardCharsets.UTF_8));
    }
}
