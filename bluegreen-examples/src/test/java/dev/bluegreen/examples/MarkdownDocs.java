package dev.bluegreen.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the project's Markdown pages (README.md and every {@code docs/**}{@code /*.md}) the way the docs tests need
 * them: fenced code blocks with the {@code <!-- java: ... -->} directives written above them, relative links, and
 * the anchors GitHub gives headings. A small line-based reader, not a full CommonMark parser: enough for the
 * pages as they are written here (fences of three backticks, inline links).
 */
final class MarkdownDocs {

    private static final Pattern FENCE = Pattern.compile("^( {0,12})```\\s*([^`\\s]*)[^`]*$");
    private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\]\\\\]|\\\\.)*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+]:\\s+(\\S+)");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");

    private MarkdownDocs() {
    }

    /** A page: its path and its lines. */
    record Page(Path path, List<String> lines) {

        static Page read(Path path) {
            try {
                return new Page(path, Files.readAllLines(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Page of(Path path, String text) {
            return new Page(path, text.lines().toList());
        }
    }

    /**
     * A fenced code block.
     *
     * @param page       the page it is on
     * @param language   the first word of the fence's info string ({@code java}, {@code sh}...), or empty
     * @param firstLine  the 1-based line of the block's first content line (the one after the fence)
     * @param closeLine  the 1-based line of the closing fence
     * @param code       the content, with the fence's indentation removed, lines joined by {@code \n}
     * @param directives the {@code <!-- java: ... -->} comments directly above the fence, their text after
     *                   {@code java:}, top to bottom
     */
    record CodeBlock(Page page, String language, int firstLine, int closeLine, String code,
                     List<String> directives) {

        /** Where the block is, as {@code docs/fleet.md:42}, relative to {@code root}. */
        String location(Path root) {
            return root.relativize(page.path()).toString().replace('\\', '/') + ":" + firstLine;
        }
    }

    /** A relative link (or image) on a page: its target as written and the line it is on. */
    record Link(Page page, int line, String target) {
    }

    /** The repository root: the directory holding the reactor POM and README.md, found from the module dir. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no README.md with a docs/ directory above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** README.md and every Markdown file under docs/, in a stable order. */
    static List<Page> pages(Path root) {
        List<Path> paths = new ArrayList<>();
        paths.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(paths::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths.stream().map(Page::read).toList();
    }

    /** Every fenced code block of the page. */
    static List<CodeBlock> codeBlocks(Page page) {
        List<CodeBlock> blocks = new ArrayList<>();
        List<String> lines = page.lines();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            int indent = open.group(1).length();
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException(page.path() + ":" + (i + 1) + ": code block never closed");
            }
            String code = lines.subList(i + 1, end).stream()
                    .map(line -> line.length() >= indent && line.substring(0, indent).isBlank()
                            ? line.substring(indent) : line.stripLeading())
                    .collect(Collectors.joining("\n"));
            blocks.add(new CodeBlock(page, open.group(2).toLowerCase(Locale.ROOT), i + 2, end + 1, code,
                    directives(lines, i)));
            i = end;
        }
        return blocks;
    }

    /** The {@code <!-- java: ... -->} comments stacked directly above line {@code fence}, top to bottom. */
    private static List<String> directives(List<String> lines, int fence) {
        List<String> found = new ArrayList<>();
        int line = fence - 1;
        while (line >= 0 && lines.get(line).strip().endsWith("-->")) {
            int start = line;
            while (start >= 0 && !lines.get(start).strip().startsWith("<!--")) {
                start--;
            }
            if (start < 0) {
                break;
            }
            String comment = String.join("\n", lines.subList(start, line + 1)).strip();
            String body = comment.substring("<!--".length(), comment.length() - "-->".length()).strip();
            if (!body.startsWith("java:")) {
                break;
            }
            found.add(0, body.substring("java:".length()).strip());
            line = start - 1;
        }
        return found;
    }

    /**
     * Every relative link and image target of the page, outside code blocks and inline code. The page is scanned
     * whole, so a link whose text wraps onto the next line is found too.
     */
    static List<Link> relativeLinks(Page page) {
        boolean[] code = fencedLines(page);
        List<String> lines = page.lines();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            // Blanked rather than dropped, so that an offset still tells the line.
            String line = code[i] ? "" : lines.get(i);
            Matcher inline = INLINE_CODE.matcher(line);
            StringBuilder kept = new StringBuilder();
            while (inline.find()) {
                inline.appendReplacement(kept, " ".repeat(inline.group().length()));
            }
            inline.appendTail(kept);
            text.append(kept).append('\n');
        }
        List<Link> links = new ArrayList<>();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            addIfRelative(links, page, lineAt(text, link.start(1)), link.group(1));
        }
        Matcher definition = REFERENCE_DEFINITION.matcher(text);
        while (definition.find()) {
            addIfRelative(links, page, lineAt(text, definition.start(1)), definition.group(1));
        }
        links.sort(java.util.Comparator.comparingInt(Link::line));
        return links;
    }

    private static int lineAt(CharSequence text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** For each line of the page, whether it is a fence or inside a fenced block. */
    private static boolean[] fencedLines(Page page) {
        boolean[] code = new boolean[page.lines().size()];
        for (CodeBlock block : codeBlocks(page)) {
            for (int i = block.firstLine() - 2; i < block.closeLine(); i++) {
                code[i] = true;
            }
        }
        return code;
    }

    private static void addIfRelative(List<Link> links, Page page, int line, String target) {
        if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {   // http:, https:, mailto: ... are not checked
            links.add(new Link(page, line, target));
        }
    }

    /**
     * The anchors GitHub makes for the page's headings: the text lowercased, punctuation other than {@code -} and
     * {@code _} removed, spaces made hyphens; a repeated heading gets {@code -1}, {@code -2}...
     */
    static Set<String> anchors(Page page) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean[] code = fencedLines(page);
        List<String> lines = page.lines();
        for (int i = 0; i < lines.size(); i++) {
            Matcher heading = HEADING.matcher(lines.get(i));
            if (code[i] || !heading.matches()) {
                continue;
            }
            String slug = slug(heading.group(1));
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }

    /** GitHub's heading anchor for {@code text}. */
    static String slug(String text) {
        String plain = text.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1")   // a link in a heading: its text
                .replace("`", "").replace("*", "");
        return plain.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }
}
