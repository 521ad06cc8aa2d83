package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Runs the examples of docs/spring-boot.md in an application context. The page quotes their tagged regions;
 * {@code DocsSnippetTest} (bluegreen-examples) checks the quotes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpringBootDocsTest {

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
}
