package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar's {@code META-INF/THIRD-PARTY.txt} ({@code src/main/shade/THIRD-PARTY.txt}) names exactly the
 * libraries the jar bundles: this module's runtime dependencies, which the build lists in
 * {@code target/runtime-dependencies.txt} before the tests run. A dependency added, or one that a version bump brings
 * or drops, fails here until the list says under which licence it ships.
 */
class ThirdPartyListTest {

    /** {@code   group:artifact:jar[:classifier]:version:scope}, as {@code dependency:list} writes a line. */
    private static final Pattern LISTED_DEPENDENCY = Pattern.compile("^\\s+([\\w.\\-]+):([\\w.\\-]+):jar:");
    /** {@code group:artifact  licence}, a line of the third-party list. */
    private static final Pattern THIRD_PARTY_ENTRY = Pattern.compile("^([\\w.\\-]+:[\\w.\\-]+) {2,}\\S");

    @Test
    void theThirdPartyList_namesExactlyTheBundledLibraries() throws IOException {
        Set<String> bundled = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("target", "runtime-dependencies.txt"))) {
            Matcher m = LISTED_DEPENDENCY.matcher(line);
            if (m.find() && !m.group(1).equals("dev.bluegreen")) {
                bundled.add(m.group(1) + ":" + m.group(2));
            }
        }
        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("src", "main", "shade", "THIRD-PARTY.txt"))) {
            Matcher m = THIRD_PARTY_ENTRY.matcher(line);
            if (m.find()) {
                listed.add(m.group(1));
            }
        }

        assertThat(bundled).as("runtime dependencies found").hasSizeGreaterThan(20);
        assertThat(listed).as("src/main/shade/THIRD-PARTY.txt against the runtime dependencies")
                .containsExactlyElementsOf(bundled);
    }
}
