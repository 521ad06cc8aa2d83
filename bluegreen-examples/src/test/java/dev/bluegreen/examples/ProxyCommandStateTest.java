package dev.bluegreen.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.LeakDetectionExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The standalone proxy with {@code --state FILE}, each run a JVM of its own as a user would start it: a switch
 * survives {@code kill -9}, a second process on the file is refused, a damaged file is refused, naming it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyCommandStateTest {

    private static final Pattern PROXY_LINE = Pattern.compile("bluegreen proxy on (http://\\S+), (blue|green) live");
    private static final Pattern ADMIN_LINE = Pattern.compile("  admin on (http://\\S+):");

    @TempDir
    Path directory;

    private final Http http = new Http();
    private final List<DemoBackend> backends = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private DemoBackend blue;
    private DemoBackend green;

    @BeforeEach
    void startBackends() throws Exception {
        blue = backend("b1");
        green = backend("g1");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process process : processes) {
            process.toHandle().destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        for (DemoBackend backend : backends) {
            backend.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void switchThenKill9_restartComesBackAtTheSameColourAndGeneration_andASecondProcessIsRefused() throws Exception {
        Path file = directory.resolve("routing.json");
        Runner first = Runner.start(this, file);
        assertThat(first.live()).isEqualTo("blue");
        assertThat(http.post(first.adminUrl() + "/switch?to=green&actor=ops&reason=release").statusCode())
                .isEqualTo(200);
        assertThat(http.body(first.proxyUrl() + "/")).isEqualTo("hello from g1\n");

        Runner second = Runner.start(this, file);
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.stderr()).contains("the routing state file " + file + " is in use by another process",
                "pid " + first.process.pid());

        first.process.toHandle().destroyForcibly();
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        Runner restarted = Runner.start(this, file);
        assertThat(restarted.live()).isEqualTo("green");
        assertThat(restarted.banner()).anySatisfy(line -> assertThat(line)
                .isEqualTo("  routing state kept in " + file + " at generation 1: a restart comes back here"));
        assertThat(http.body(restarted.adminUrl() + "/status")).contains("\"live\":\"green\"", "\"generation\":1");
        assertThat(http.body(restarted.adminUrl() + "/history")).contains("\"generation\":1", "\"actor\":\"ops\"",
                "\"reason\":\"release\"");
        assertThat(http.body(restarted.proxyUrl() + "/")).isEqualTo("hello from g1\n");
    }

    @Test
    void damagedFile_isRefused_namingTheFileAndWhatIsWrong() throws Exception {
        Path file = directory.resolve("routing.json");
        Files.writeString(file, "{\"format\":1,\"snapshot\":");

        Runner refused = Runner.start(this, file);

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("the routing state file " + file
                + " is damaged or in an unknown format: not valid JSON at offset 23 (line 1, column 24)");
        assertThat(Files.readString(file)).isEqualTo("{\"format\":1,\"snapshot\":");
    }

    @Test
    void stateWithZooKeeper_exits2_namingTheOption() {
        String refused = RunnerUsage.refused("--state", directory.resolve("x.json").toString(), "--zookeeper",
                "127.0.0.1:1");
        assertThat(refused).contains("--state", "given with --zookeeper")
                .as("a usage error, not a failure").doesNotContain("Exception");
    }

    @Test
    void stateThatNamesNoFile_exits2_namingTheOption_andCreatesNothing() {
        assertThat(RunnerUsage.refused("--state", "/")).contains("Invalid value for option '--state': file: '/'"
                + " (expected: the path of a file");
        assertThat(RunnerUsage.refused("--state", "")).contains("Invalid value for option '--state': file: ''");
        assertThat(Path.of(".lock")).doesNotExist();
    }

    private DemoBackend backend(String name) throws Exception {
        CommandLine line = Main.commandLine();
        line.parseArgs("backend", "--listen", "127.0.0.1:0", "--name", name);
        BackendCommand command = line.getSubcommands().get("backend").getCommand();
        DemoBackend backend = command.start().get(10, TimeUnit.SECONDS);
        backends.add(backend);
        return backend;
    }

    /** One {@code proxy --state FILE} in a JVM of its own, and what it printed. */
    private static final class Runner {
        final Process process;
        final Path stderr;
        private final CompletableFuture<List<String>> banner = new CompletableFuture<>();

        private Runner(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
        }

        static Runner start(ProxyCommandStateTest test, Path file) throws IOException {
            Path stderr = Files.createTempFile(test.directory, "runner", ".stderr");
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(LeakDetectionExtension.childJvmFlags());
            command.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                    "--threads", "1", "--no-health-checks", "--blue", "127.0.0.1:" + test.blue.port(),
                    "--green", "127.0.0.1:" + test.green.port(), "--state", file.toString()));
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            test.processes.add(process);
            Runner runner = new Runner(process, stderr);
            runner.readStdout();
            return runner;
        }

        /** Reads stdout on a daemon thread, so the child never blocks on a full pipe; the banner ends a start. */
        private void readStdout() {
            Thread reader = new Thread(() -> {
                List<String> lines = new ArrayList<>();
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (!banner.isDone()) {
                            lines.add(line);
                            if (line.equals("Ctrl-C stops it.")) {
                                banner.complete(List.copyOf(lines));
                            }
                        }
                    }
                } catch (IOException e) {
                    banner.completeExceptionally(e);
                }
                banner.completeExceptionally(new IllegalStateException("stdout ended before the banner: " + lines));
            }, "runner-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        List<String> banner() throws Exception {
            try {
                return banner.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("no banner from the runner; its stderr: " + stderr(), e);
            }
        }

        String live() throws Exception {
            return match(PROXY_LINE, 2);
        }

        String proxyUrl() throws Exception {
            return match(PROXY_LINE, 1);
        }

        String adminUrl() throws Exception {
            return match(ADMIN_LINE, 1);
        }

        private String match(Pattern pattern, int group) throws Exception {
            for (String line : banner()) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.matches()) {
                    return matcher.group(group);
                }
            }
            throw new AssertionError("no line like " + pattern + " in " + banner());
        }

        int exitCode() throws Exception {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the runner ends").isTrue();
            return process.exitValue();
        }

        String stderr() throws IOException {
            return Files.readString(stderr);
        }
    }
}
