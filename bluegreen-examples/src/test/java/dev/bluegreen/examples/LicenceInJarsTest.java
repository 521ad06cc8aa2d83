package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.drill.SwitchDrill;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.zookeeper.ZooKeeperRoutingStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every library this module depends on carries the project's licence as {@code META-INF/LICENSE}, in the jar Maven
 * publishes (or, inside the reactor, the classes directory that jar is made of). The starter checks its own.
 */
class LicenceInJarsTest {

    @ParameterizedTest
    @ValueSource(classes = {BlueGreen.class, BlueGreenProxy.class, ZooKeeperRoutingStore.class, SwitchDrill.class})
    void eachLibrary_carriesTheLicenceAsMetaInfLicense(Class<?> type) throws IOException, URISyntaxException {
        Path licence = MarkdownDocs.repositoryRoot().resolve("LICENSE");

        assertThat(metaInfLicense(type)).as("META-INF/LICENSE beside %s", type.getName())
                .isEqualTo(Files.readString(licence, StandardCharsets.UTF_8));
    }

    /** The {@code META-INF/LICENSE} of the jar or directory {@code type} was loaded from, or {@code null}. */
    static String metaInfLicense(Class<?> type) throws IOException, URISyntaxException {
        Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            Path file = location.resolve("META-INF/LICENSE");
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        }
        try (ZipFile jar = new ZipFile(location.toFile())) {
            ZipEntry entry = jar.getEntry("META-INF/LICENSE");
            return entry == null ? null : new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
