package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.bluegreen.examples.MarkdownDocs.Link;
import dev.bluegreen.examples.MarkdownDocs.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every relative link and image in README.md and docs/**.md points to a file or directory that exists, and a link
 * with an anchor into a Markdown page ({@code fleet.md#faults}, {@code #faults}) to one of its headings. One test
 * per page; external links (http:, https:, mailto:) are not checked.
 */
class DocsLinkTest {

    private static final Path ROOT = MarkdownDocs.repositoryRoot();

    @TestFactory
    Stream<DynamicTest> everyRelativeLink_resolves() {
        return MarkdownDocs.pages(ROOT).stream().map(page -> dynamicTest(ROOT.relativize(page.path()).toString(),
                () -> assertThat(brokenLinks(page)).isEmpty()));
    }

    @Test
    void aMissingFileOrAnchor_isReported() {
        Page page = Page.of(ROOT.resolve("docs/broken.md"), """
                # Broken links

                [fine](../README.md), [fine too](#broken-links), ![status page](status-page.png)
                [no such page](nowhere.md) and [no such heading](../README.md#no-such-heading)
                `[in code](ignored.md)`

                ```sh
                echo "[in a block](ignored.md)"
                ```
                [no such section](#nothing), and a link whose text wraps, [to a page that is
                not there](wrapped.md)
                """);

        assertThat(brokenLinks(page)).containsExactly(
                "docs/broken.md:4: nowhere.md (no such file)",
                "docs/broken.md:4: ../README.md#no-such-heading (no such heading)",
                "docs/broken.md:10: #nothing (no such heading)",
                "docs/broken.md:11: wrapped.md (no such file)");
    }

    @Test
    void headingAnchors_followGitHub() {
        assertThat(MarkdownDocs.slug("TLS and HTTP/2")).isEqualTo("tls-and-http2");
        assertThat(MarkdownDocs.slug("Health checks, ejection, `--eject-after`")).isEqualTo("health-checks-ejection---eject-after");
        assertThat(MarkdownDocs.slug("What happens on faults")).isEqualTo("what-happens-on-faults");
    }

    private static List<String> brokenLinks(Page page) {
        List<String> broken = new ArrayList<>();
        for (Link link : MarkdownDocs.relativeLinks(page)) {
            String target = link.target();
            int hash = target.indexOf('#');
            String file = hash < 0 ? target : target.substring(0, hash);
            Path resolved = file.isEmpty() ? page.path() : page.path().getParent().resolve(file).normalize();
            String where = ROOT.relativize(page.path()) + ":" + link.line() + ": " + target;
            if (!file.isEmpty() && !Files.exists(resolved)) {
                broken.add(where + " (no such file)");
            } else if (hash >= 0 && resolved.toString().endsWith(".md")) {
                Page linked = resolved.equals(page.path()) ? page : Page.read(resolved);
                if (!MarkdownDocs.anchors(linked).contains(target.substring(hash + 1))) {
                    broken.add(where + " (no such heading)");
                }
            }
        }
        return broken;
    }
}
