package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README quotes EmbeddingExample's tagged code; this keeps the quote and the compiled code the same. */
class ReadmeSnippetTest {

    @Test
    void readme_quotesTheEmbeddingExampleVerbatim() throws IOException {
        String source = Files.readString(
                Path.of("src/main/java/dev/bluegreen/examples/EmbeddingExample.java"));
        String tagged = source.split("// tag::embed\\[]\n")[1].split("\\s*// end::embed\\[]")[0];
        String dedented = tagged.lines()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));

        assertThat(readme).contains("```java\n" + dedented + "\n```");
    }
}
