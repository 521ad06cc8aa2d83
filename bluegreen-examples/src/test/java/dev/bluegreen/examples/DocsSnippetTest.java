package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.bluegreen.examples.MarkdownDocs.CodeBlock;
import dev.bluegreen.examples.MarkdownDocs.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Java block in README.md and docs/**.md compiles (or, for a quote, still equals the source it quotes): one
 * test per block, named by its page and line. {@link SnippetCompiler} describes the conventions a block can use;
 * a new page under docs/ is picked up without any change here.
 */
class DocsSnippetTest {

    private static final Path ROOT = MarkdownDocs.repositoryRoot();

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfTheDocs_compiles() {
        List<CodeBlock> blocks = javaBlocks(MarkdownDocs.pages(ROOT));
        Map<CodeBlock, List<String>> problems = SnippetCompiler.check(blocks, ROOT);
        return blocks.stream().map(block -> dynamicTest(block.location(ROOT),
                () -> assertThat(problems.get(block)).as("problems of the Java block at %s", block.location(ROOT))
                        .isEmpty()));
    }

    @Test
    void theScan_coversTheReadmeAndEveryPageUnderDocs() throws IOException {
        List<Path> scanned = MarkdownDocs.pages(ROOT).stream().map(Page::path).toList();
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            List<Path> expected = Stream.concat(Stream.of(ROOT.resolve("README.md")),
                    docs.filter(p -> p.toString().endsWith(".md"))).toList();
            assertThat(scanned).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(javaBlocks(MarkdownDocs.pages(ROOT))).as("Java blocks found").hasSizeGreaterThan(10);
    }

    @Test
    void theReadme_quotesTheEmbeddingExample() {
        List<CodeBlock> readme = javaBlocks(List.of(Page.read(ROOT.resolve("README.md"))));

        assertThat(readme).anySatisfy(block -> assertThat(block.directives())
                .contains("quote bluegreen-examples/src/main/java/dev/bluegreen/examples/EmbeddingExample.java#embed"));
    }

    @Test
    void theReadmesEmbeddingBlock_compilesOnItsOwnWhenPastedIntoAClass() {
        CodeBlock quote = javaBlocks(List.of(Page.read(ROOT.resolve("README.md")))).stream()
                .filter(block -> block.directives().stream().anyMatch(d -> d.endsWith("EmbeddingExample.java#embed")))
                .findFirst().orElseThrow();
        // A newcomer pastes the block into a class of their own: every type it names must be in it or imported.
        Page pasted = Page.of(ROOT.resolve("docs/pasted.md"), "<!-- java: members -->\n```java\n" + quote.code()
                + "\n```\n");

        assertThat(problems(pasted)).isEmpty();
    }

    @Test
    void aBlockThatDoesNotCompile_isReportedAtItsLineOnThePage() {
        Page page = Page.of(ROOT.resolve("docs/broken.md"), """
                # Broken

                ```java
                admin.switchTo(Colour.GREEN);
                admin.switchTo(Colour.PURPLE);
                ```
                """);

        List<String> problems = problems(page);

        assertThat(problems).singleElement().asString().startsWith("docs/broken.md:5: ").contains("PURPLE");
    }

    @Test
    void hiddenContextAndMembers_compileWithTheirBlock() {
        Page page = Page.of(ROOT.resolve("docs/fine.md"), """
                <!-- java: context
                import java.util.function.Consumer;
                Consumer<String> alerts = message -> { };
                -->
                ```java
                alerts.accept(admin.snapshot().live().label());
                ```

                <!-- java: members -->
                ```java
                static String live(BlueGreen admin) {
                    return admin.snapshot().live().label();
                }
                ```
                """);

        assertThat(problems(page)).isEmpty();
    }

    @Test
    void aStaleQuoteAndAnUnknownDirective_areReported() {
        Page page = Page.of(ROOT.resolve("docs/stale.md"), """
                <!-- java: quote bluegreen-examples/src/main/java/dev/bluegreen/examples/EmbeddingExample.java#embed -->
                ```java
                static void start() {
                }
                ```

                <!-- java: membres -->
                ```java
                int x;
                ```
                """);

        assertThat(problems(page)).satisfiesExactly(
                stale -> assertThat(stale).startsWith("docs/stale.md:3: the quote of").contains("static Running start("),
                unknown -> assertThat(unknown).startsWith("docs/stale.md:9: unknown directive"));
    }

    private static List<String> problems(Page page) {
        List<CodeBlock> blocks = javaBlocks(List.of(page));
        Map<CodeBlock, List<String>> problems = SnippetCompiler.check(blocks, ROOT);
        return blocks.stream().flatMap(block -> problems.get(block).stream()).toList();
    }

    private static List<CodeBlock> javaBlocks(List<Page> pages) {
        return pages.stream().flatMap(page -> MarkdownDocs.codeBlocks(page).stream())
                .filter(block -> block.language().equals("java"))
                .toList();
    }
}
