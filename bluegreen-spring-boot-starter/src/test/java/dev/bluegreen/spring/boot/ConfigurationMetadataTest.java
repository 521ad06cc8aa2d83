package dev.bluegreen.spring.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.MirrorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata Boot's processor writes into the jar (what IDEs complete and describe), against the
 * property table of docs/spring-boot.md: the same {@code bluegreen.*} names on both sides, each described in plain
 * text.
 */
class ConfigurationMetadataTest {

    private static final Path DOCS = Path.of("..", "docs", "spring-boot.md");
    /** A table row's first cell: full names such as {@code `bluegreen.health.path`}, or {@code `.interval`} after. */
    private static final Pattern NAME = Pattern.compile("`(bluegreen(?:\\.[a-z0-9-]+)+|\\.[a-z0-9-]+)`");

    @Test
    void everyPropertyIsDescribed_andTheDocsTableNamesTheSameOnes() throws IOException {
        List<Map<String, Object>> properties = metadataProperties();

        Set<String> inMetadata = new TreeSet<>();
        for (Map<String, Object> property : properties) {
            String name = (String) property.get("name");
            if (!name.startsWith("bluegreen.")) {
                continue; // Boot's own for the Actuator endpoint: management.endpoint.bluegreen.*
            }
            inMetadata.add(name);
            // The processor copies a field's Javadoc as it is: a tag would show as {@code x} in the IDE.
            assertThat((String) property.get("description")).as("description of %s", name).isNotBlank()
                    .doesNotContain("{@");
        }
        assertThat(inMetadata).isEqualTo(documented());
    }

    @Test
    void defaultsTheProcessorCannotSee_areGivenByHand_andMatchTheLibrary() throws IOException {
        // Set per pool by a constructor, or by a constant of another class: the processor writes no default for
        // them, so META-INF/additional-spring-configuration-metadata.json gives it (docs/spring-boot.md states it).
        Map<String, Object> defaults = new HashMap<>();
        for (Map<String, Object> property : metadataProperties()) {
            defaults.put((String) property.get("name"), property.get("defaultValue"));
        }

        assertThat(defaults.get("bluegreen.blue.version")).isEqualTo(new BlueGreenProperties().getBlue().getVersion());
        assertThat(defaults.get("bluegreen.green.version"))
                .isEqualTo(new BlueGreenProperties().getGreen().getVersion());
        assertThat(defaults.get("bluegreen.health.path")).isEqualTo(HealthCheckSettings.DEFAULT_PATH);
        assertThat(defaults.get("bluegreen.mirror.guard-min")).isEqualTo(MirrorSettings.DEFAULT_GUARD_MIN_PAIRS);
    }

    private static List<Map<String, Object>> metadataProperties() throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
            return JsonPath.read(new String(in.readAllBytes(), UTF_8), "$.properties");
        }
    }

    /** The names in the first cell of the docs' property table, {@code .x} read against the full name before it. */
    private static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(DOCS, UTF_8)) {
            if (!line.startsWith("| `bluegreen.")) {
                continue;
            }
            String prefix = null;
            Matcher name = NAME.matcher(line.split("\\|")[1]);
            while (name.find()) {
                String found = name.group(1);
                if (found.startsWith(".")) {
                    names.add(prefix + found);
                } else {
                    names.add(found);
                    prefix = found.substring(0, found.lastIndexOf('.'));
                }
            }
        }
        return names;
    }
}
