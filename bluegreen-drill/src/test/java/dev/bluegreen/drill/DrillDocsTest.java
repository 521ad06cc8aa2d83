package dev.bluegreen.drill;

import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example of docs/drill.md, run as the test it shows: two test backends stand in for the two versions a user's
 * test would start. The page quotes the tagged region; {@code DocsSnippetTest} (bluegreen-examples) checks the quote.
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
}
