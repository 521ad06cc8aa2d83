package dev.bluegreen.examples;

import dev.bluegreen.examples.MarkdownDocs.CodeBlock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Checks the docs' Java blocks: compiles each with the JDK's compiler against this module's test classpath (the
 * proxy, core, ZooKeeper modules and their dependencies), or compares it with the tagged region of source it
 * quotes. The conventions, written as HTML comments directly above a block's fence (invisible on GitHub):
 *
 * <ul>
 *   <li>no comment: the block is statements, compiled as the body of a method that may throw anything, in a
 *       subclass of {@link DocsSnippetScope} (so {@code admin}, {@code proxy}, {@code blue}, {@code green},
 *       {@code registry}, {@code log} are in scope), with the {@link #IMPORTS} imported;</li>
 *   <li>{@code <!-- java: members -->}: the block is class members (methods, fields, nested types) of that
 *       class;</li>
 *   <li>{@code <!-- java: context ... -->}: hidden Java the block needs, placed before it: {@code import} lines go
 *       to the imports, the rest before the block (a declaration the text describes in words, say). May span
 *       lines; several comments may be stacked;</li>
 *   <li>{@code <!-- java: quote PATH#TAG -->}: the block must equal, line for line, the region of the file PATH
 *       (from the repository root) between {@code // tag::TAG[]} and {@code // end::TAG[]}, less the indentation of
 *       the tag line. The build compiles that file; this only checks that the quote is current.</li>
 * </ul>
 *
 * Blocks are compiled, never run. A block that needs a module this one does not depend on needs that module as a
 * test dependency of {@code bluegreen-examples}.
 */
final class SnippetCompiler {

    /** Imported into every compiled block. */
    static final List<String> IMPORTS = List.of(
            "dev.bluegreen.core.*",
            "dev.bluegreen.proxy.*",
            "dev.bluegreen.proxy.watch.*",
            "dev.bluegreen.zookeeper.*",
            "java.time.*",
            "java.util.*",
            "java.util.concurrent.*",
            "java.util.function.*",
            "java.nio.file.Path",
            "io.micrometer.core.instrument.MeterRegistry",
            "org.apache.curator.framework.CuratorFramework",
            "org.apache.curator.framework.CuratorFrameworkFactory",
            "org.apache.curator.retry.ExponentialBackoffRetry");

    private static final String PACKAGE = "docs.snippets";
    private static final Pattern QUOTE = Pattern.compile("quote\\s+(\\S+)#(\\S+)");

    private SnippetCompiler() {
    }

    /**
     * Checks every block.
     *
     * @param blocks Java blocks
     * @param root   the repository root, for quoted files and for locations in the messages
     * @return each block's problems (compiler errors as {@code docs/x.md:LINE: message}, a stale quote, a bad
     *         directive), empty for a block that is fine; one entry per block, in the order given
     */
    static Map<CodeBlock, List<String>> check(List<CodeBlock> blocks, Path root) {
        Map<CodeBlock, List<String>> problems = new IdentityHashMap<>();
        List<Unit> units = new ArrayList<>();
        for (CodeBlock block : blocks) {
            List<String> found = new ArrayList<>();
            problems.put(block, found);
            try {
                Unit unit = unit(block, root, units.size(), found);
                if (unit != null) {
                    units.add(unit);
                }
            } catch (IllegalArgumentException e) {
                found.add(block.location(root) + ": " + e.getMessage());
            }
        }
        compile(units, root, problems);
        return problems;
    }

    /** The compilation unit of a block, or {@code null} for a quote (checked here, into {@code found}). */
    private static Unit unit(CodeBlock block, Path root, int index, List<String> found) {
        boolean members = false;
        List<String> imports = new ArrayList<>();
        List<String> context = new ArrayList<>();
        for (String directive : block.directives()) {
            if (directive.equals("members")) {
                members = true;
            } else if (directive.startsWith("context")) {
                for (String line : directive.substring("context".length()).strip().split("\n")) {
                    (line.strip().startsWith("import ") ? imports : context).add(line);
                }
            } else if (QUOTE.matcher(directive).matches()) {
                var quote = QUOTE.matcher(directive);
                quote.matches();
                checkQuote(block, root, quote.group(1), quote.group(2), found);
                return null;
            } else {
                throw new IllegalArgumentException("unknown directive <!-- java: " + directive + " --> (expected:"
                        + " members, context ..., or quote PATH#TAG)");
            }
        }
        String name = "Snippet" + index;
        StringBuilder source = new StringBuilder("package " + PACKAGE + ";\n");
        IMPORTS.forEach(i -> source.append("import ").append(i).append(";\n"));
        imports.forEach(i -> source.append(i).append('\n'));
        source.append("@SuppressWarnings(\"all\")\npublic abstract class ").append(name)
                .append(" extends ").append(DocsSnippetScope.class.getName()).append(" {\n");
        if (!members) {
            source.append("void snippet() throws Throwable {\n");
        }
        context.forEach(line -> source.append(line).append('\n'));
        int firstLine = (int) source.chars().filter(c -> c == '\n').count() + 1;
        source.append(block.code()).append('\n');
        source.append(members ? "}\n" : "}\n}\n");
        return new Unit(block, name, source.toString(), firstLine);
    }

    private static void checkQuote(CodeBlock block, Path root, String file, String tag, List<String> found) {
        Path path = root.resolve(file);
        if (!file.endsWith(".java") || !Files.isRegularFile(path)) {
            found.add(block.location(root) + ": quotes " + file + " (expected: a .java file of the repository)");
            return;
        }
        String source;
        try {
            source = Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = source.lines().toList();
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.equals("// tag::" + tag + "[]")) {
                start = i;
            } else if (line.equals("// end::" + tag + "[]")) {
                end = i;
            }
        }
        if (start < 0 || end < start) {
            found.add(block.location(root) + ": " + file + " has no region // tag::" + tag + "[] ... // end::"
                    + tag + "[]");
            return;
        }
        String indent = lines.get(start).substring(0, lines.get(start).indexOf('/'));
        String region = lines.subList(start + 1, end).stream()
                .map(line -> line.startsWith(indent) ? line.substring(indent.length()) : line.strip())
                .collect(Collectors.joining("\n"));
        if (!region.equals(block.code())) {
            found.add(block.location(root) + ": the quote of " + file + "#" + tag + " differs from the source;"
                    + " copy the region again. The source's region:\n" + region);
        }
    }

    private static void compile(List<Unit> units, Path root, Map<CodeBlock, List<String>> problems) {
        if (units.isEmpty()) {
            return;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime (expected: a JDK)");
        }
        Path out;
        try {
            out = Files.createTempDirectory("docs-snippets");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-classpath", classpath, "-d", out.toString(), "-proc:none",
                "-implicit:none", "-encoding", "UTF-8", "-Xlint:none", "-nowarn");
        try {
            javac.getTask(null, null, diagnostics, options, null, units).call();
        } finally {
            deleteQuietly(out);
        }
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Unit unit = units.stream().filter(u -> u == d.getSource()).findFirst().orElse(null);
            if (unit == null) {
                throw new IllegalStateException("compiler error outside the doc blocks: " + d);
            }
            problems.get(unit.block).add(unit.locate(d, root));
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind costs nothing that matters here.
        }
    }

    /** One block as a Java source in memory. */
    private static final class Unit extends SimpleJavaFileObject {

        final CodeBlock block;
        private final String source;
        private final int firstLine;

        Unit(CodeBlock block, String name, String source, int firstLine) {
            super(URI.create("string:///" + PACKAGE.replace('.', '/') + "/" + name + ".java"), Kind.SOURCE);
            this.block = block;
            this.source = source;
            this.firstLine = firstLine;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
        }

        /** The error at its line in the Markdown page (or in the hidden context or wrapper around the block). */
        String locate(Diagnostic<? extends JavaFileObject> d, Path root) {
            long line = d.getLineNumber();
            int blockLines = (int) block.code().lines().count();
            String where = line >= firstLine && line < firstLine + blockLines
                    ? root.relativize(block.page().path()).toString().replace('\\', '/') + ":"
                            + (block.firstLine() + line - firstLine)
                    : block.location(root) + " (in the hidden context or the wrapper around the block)";
            return where + ": " + d.getMessage(Locale.ROOT);
        }
    }
}
