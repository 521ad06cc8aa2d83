package dev.bluegreen.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example of docs/drill.md, run as the test it shows (two test backends stand in for the two versions a user's
 * test would start), and a check that the page quotes it verbatim.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrillDocsTest {

    private final TestBackend today = TestBackend.start("v1");
    private final TestBackend candidate = TestBackend.start("v2");

    @AfterEach
    void stop() {
        today.close();
        candidate.close();
    }

    // tag::drill[]
    @Test
    void survivesSwitchingBackAndForth() {
        DrillReport report = SwitchDrill.builder()
                .blue("127.0.0.1:" + today.port())          // the version in production today
                .green("127.0.0.1:" + candidate.port())     // the one about to replace it
                .get("/", "/orders/42")
                .request(DrillRequest.of("POST", "/orders").withBody("application/json", "{\"item\":\"tea\"}"))
                .connections(4)
                .switches(40)
                .duration(Duration.ofSeconds(2))
                .build()
                .run();

        report.assertNoFailures();
    }
    // end::drill[]

    @Test
    void docs_quoteTheExampleVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/bluegreen/drill/DrillDocsTest.java"));
        String tagged = source.split("// tag::drill\\[]\n")[1].split("\\s*// end::drill\\[]")[0];
        String dedented = tagged.lines()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n"));

        assertThat(Files.readString(Path.of("../docs/drill.md"))).contains("```java\n" + dedented + "\n```");
    }
}
