package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.bluegreen.testing.LeakDetectionExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A {@link ForkedProxyMain} proxy running in a child JVM, so that its heap and direct memory can be capped below
 * what buffering a large body would take.
 *
 * <p>The child runs {@code java} of this JVM with this JVM's class path, this run's leak detection
 * ({@link LeakDetectionExtension#childJvmFlags()}: PARANOID) and the flags given. Its stdout is read for
 * the {@code PORT <n>} line; its stderr goes to {@code <dir>/<name>.stderr.log} and its logging to
 * {@code <dir>/<name>.log}. {@link #close()} kills it if it is still running, so use try-with-resources or an
 * {@code @AfterEach}. Not thread-safe.
 */
final class ForkedProxy implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path stderr;
    private final Path log;
    private final int port;

    private ForkedProxy(Process process, Path stderr, Path log, int port) {
        this.process = process;
        this.stderr = stderr;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the child and waits (bounded) until its proxy listens.
     *
     * @param bluePort the port of the blue backend on 127.0.0.1
     * @param jvmFlags flags for the child JVM, e.g. {@code -Xmx48m}
     * @param dir where the child's stderr, log and logging configuration go; created if missing
     * @param name names the files in {@code dir}
     * @throws AssertionError if the child exits or says nothing within 30 s (its stderr is in the message)
     */
    static ForkedProxy start(int bluePort, List<String> jvmFlags, Path dir, String name) throws IOException {
        return start(bluePort, jvmFlags, dir, name, 0);
    }

    /**
     * Like {@link #start(int, List, Path, String)}, with the child's open files capped at {@code maxOpenFiles}
     * ({@code ulimit -n} in a {@code bash} that then becomes the JVM), to run the proxy out of file descriptors.
     */
    static ForkedProxy startWithOpenFileLimit(int bluePort, List<String> jvmFlags, Path dir, String name,
                                              int maxOpenFiles) throws IOException {
        return start(bluePort, jvmFlags, dir, name, maxOpenFiles);
    }

    private static ForkedProxy start(int bluePort, List<String> jvmFlags, Path dir, String name, int maxOpenFiles)
            throws IOException {
        Files.createDirectories(dir);
        Path stderr = dir.resolve(name + ".stderr.log");
        Path log = dir.resolve(name + ".log");
        Path logbackConfig = dir.resolve(name + "-logback.xml");
        Files.writeString(logbackConfig, logbackConfig(log));

        List<String> command = new ArrayList<>();
        if (maxOpenFiles > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", "forked-proxy"));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // First, so that a test's own flags can override them.
        command.addAll(LeakDetectionExtension.childJvmFlags());
        command.addAll(jvmFlags);
        command.add("-Dlogback.configurationFile=" + logbackConfig.toAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ForkedProxyMain.class.getName());
        command.add(Integer.toString(bluePort));
        Process process = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .start();
        try {
            int port = readPort(process).get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new ForkedProxy(process, stderr, log, port);
        } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new AssertionError("forked proxy did not report its port (waited at most " + STARTUP_TIMEOUT
                    + "): " + e + System.lineSeparator() + "its stderr:" + System.lineSeparator() + read(stderr), e);
        }
    }

    /**
     * Reads the child's stdout on a daemon thread: the future completes with the port of the first
     * {@code PORT <n>} line, or fails if stdout ends first. Later lines are read and dropped, so the child never
     * blocks on a full pipe.
     */
    private static CompletableFuture<Integer> readPort(Process process) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            List<String> seen = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (!port.isDone() && line.startsWith(ForkedProxyMain.PORT_LINE_PREFIX)) {
                        port.complete(Integer.parseInt(line.substring(ForkedProxyMain.PORT_LINE_PREFIX.length())));
                    } else if (seen.size() < 100) {
                        seen.add(line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("stdout ended without a port line: " + seen));
        }, "forked-proxy-stdout");
        reader.setDaemon(true);
        reader.start();
        return port;
    }

    /** The port the child's proxy listens on, on 127.0.0.1. */
    int port() {
        return port;
    }

    /**
     * Closes the child's stdin, which tells it to stop, and waits for it to exit.
     *
     * @return its exit code
     * @throws AssertionError if it is still running after {@code timeout}
     */
    int stopAndAwaitExit(Duration timeout) throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("forked proxy still running " + timeout + " after its stdin closed; stderr:"
                    + System.lineSeparator() + stderr());
        }
        return process.exitValue();
    }

    /** What the child wrote to stderr so far. */
    String stderr() {
        return read(stderr);
    }

    /** What the child logged so far. */
    String log() {
        return read(log);
    }

    /**
     * The lines of the child's log that tell what went wrong: warnings, errors, exceptions and their causes (at
     * most 40), for a failure message.
     */
    String logTrouble() {
        return log().lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception")
                        || line.contains("Error") || line.startsWith("Caused by"))
                .limit(40)
                .collect(Collectors.joining(System.lineSeparator()));
    }

    /** Kills the child if it is still running, and waits a little for it to go. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything to the log file; warnings and errors (leak reports among them) also to stderr. */
    private static String logbackConfig(Path log) {
        String pattern = "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern>"
                + "</encoder>";
        return "<configuration>\n"
                + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">\n"
                + "    <file>" + log.toAbsolutePath() + "</file>\n"
                + "    <append>false</append>\n"
                + "    " + pattern + "\n"
                + "  </appender>\n"
                + "  <appender name=\"STDERR\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                + "    <target>System.err</target>\n"
                + "    <filter class=\"ch.qos.logback.classic.filter.ThresholdFilter\"><level>WARN</level></filter>\n"
                + "    " + pattern + "\n"
                + "  </appender>\n"
                + "  <logger name=\"dev.bluegreen\" level=\"DEBUG\"/>\n"
                + "  <root level=\"INFO\">\n"
                + "    <appender-ref ref=\"FILE\"/>\n"
                + "    <appender-ref ref=\"STDERR\"/>\n"
                + "  </root>\n"
                + "</configuration>\n";
    }
}
