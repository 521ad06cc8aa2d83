package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Runs the examples of docs/spring-boot.md and checks that the page quotes them verbatim. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpringBootDocsTest {

    private static final Path SOURCE = Path.of("src/test/java/dev/bluegreen/spring/boot/SpringBootDocsExamples.java");

    @Test
    void releaseManagerAndCustomizer_workInAnApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BlueGreenAutoConfiguration.class))
                .withUserConfiguration(SpringBootDocsExamples.ProxySettings.class,
                        SpringBootDocsExamples.ReleaseManager.class)
                .withPropertyValues("bluegreen.proxy.listen=127.0.0.1:0", "bluegreen.proxy.threads=1",
                        "bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.green.backends=127.0.0.1:9002")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("stickySessionsAndSafetyNet");
                    assertThat(context.getBean(SpringBootDocsExamples.ReleaseManager.class).release("REL-7"))
                            .satisfies(snapshot -> {
                                assertThat(snapshot.live()).isEqualTo(Colour.GREEN);
                                assertThat(snapshot.reason()).isEqualTo("release REL-7");
                            });
                });
    }

    @Test
    void docs_quoteTheExamplesVerbatim() throws IOException {
        String page = Files.readString(Path.of("../docs/spring-boot.md"));
        String source = Files.readString(SOURCE);
        for (String tag : new String[] {"release-manager", "customizer"}) {
            String tagged = source.split("// tag::" + tag + "\\[]\n")[1].split("\\s*// end::" + tag + "\\[]")[0];
            String dedented = tagged.lines()
                    .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                    .collect(Collectors.joining("\n"));
            assertThat(page).as(tag).contains("```java\n" + dedented + "\n```");
        }
    }
}
