package dev.bluegreen.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM switching in a storm on a {@link FileRoutingStore}, killed with SIGKILL at random moments, again and
 * again: every restart loads the file and comes back at the last generation a caller saw acknowledged, or the one
 * after it (a change written but killed before its verb returned), never behind; and while a child holds the file,
 * a second process is refused, naming the file and the holder's pid.
 */
// About 25 s on a quiet 2-core machine; twenty-odd JVM starts take much longer when other builds share the cores.
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FileRoutingStoreCrashTest {

    private static final int KILLS = 20;

    @TempDir
    Path directory;

    @Test
    void sigkillDuringASwitchStorm_neverLosesAnAcknowledgedGeneration() throws Exception {
        Path file = directory.resolve("routing.json");
        // Seeded from the clock, printed on failure: a failing run can be replayed.
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long lastAcknowledged = 0;
        int killedMidStorm = 0;
        for (int run = 0; run < KILLS; run++) {
            Child child = Child.start(file);
            long started = child.expectStart();
            assertThat(started).as("restart %d (seed %d): generation at start, against the last acknowledged %d",
                    run, seed, lastAcknowledged).isBetween(lastAcknowledged, lastAcknowledged + 1);
            if (run == 0 || run == KILLS / 2) {
                assertSecondProcessIsRefused(file, child);
            }
            // A random moment of the storm: after a random number of acknowledged switches, killed at once.
            int acks = 1 + random.nextInt(40);
            long seen = child.readAcks(acks);
            // Through the handle: Process.destroyForcibly() would also close the pipe that still holds acks.
            child.process.toHandle().destroyForcibly();
            long last = Math.max(seen, child.drainAcks());
            assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            assertThat(last).as("run %d acknowledged something", run).isGreaterThan(started);
            lastAcknowledged = last;
            killedMidStorm++;
        }
        // The file loads here too, with every generation of its history in order and none behind the last ack.
        try (FileRoutingStore store = FileRoutingStore.at(file).open(RoutingSnapshot.initial(Colour.BLUE,
                Environment.empty(Colour.BLUE), Environment.empty(Colour.GREEN), Fixtures.T0))) {
            assertThat(store.current().generation()).isBetween(lastAcknowledged, lastAcknowledged + 1);
            List<Change> changes = store.auditTrail().orElseThrow().changes();
            assertThat(changes).isNotEmpty().allSatisfy(change ->
                    assertThat(change.current().generation()).isEqualTo(change.previous().generation() + 1));
            assertThat(changes.get(changes.size() - 1).current()).isEqualTo(store.current());
        }
        assertThat(killedMidStorm).isEqualTo(KILLS);
    }

    private static void assertSecondProcessIsRefused(Path file, Child holder) throws Exception {
        Child second = Child.start(file);
        String line = second.readLine();
        assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process.exitValue()).isEqualTo(3);
        assertThat(line).startsWith("refused ")
                .contains(file.toString(), "in use by another process", "pid " + holder.process.pid());
    }

    /** One child JVM and its stdout. */
    private static final class Child {
        final Process process;
        final BufferedReader out;
        final Path stderr;

        private Child(Process process, Path stderr) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
            this.stderr = stderr;
        }

        static Child start(Path file) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"),
                    // Started twenty-odd times: the quickest start a JVM allows, and no logging framework to set up.
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                    "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider",
                    SwitchStormChild.class.getName(), file.toString()));
            // Its stderr (SLF4J's one line about the provider; a stack trace if something breaks) goes beside the file.
            Path stderr = Files.createTempFile(file.getParent(), "child", ".stderr");
            return new Child(new ProcessBuilder(command).redirectError(stderr.toFile()).start(), stderr);
        }

        String readLine() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("the child's output ended early ("
                        + (process.isAlive() ? "still running" : "exit " + process.exitValue()) + "); its stderr: "
                        + Files.readString(stderr));
            }
            return line;
        }

        long expectStart() throws IOException {
            String line = readLine();
            assertThat(line).as("the child's first line").startsWith("start ");
            return Long.parseLong(line.substring("start ".length()));
        }

        /** Reads until {@code count} acknowledgements were read; returns the last one. */
        long readAcks(int count) throws IOException {
            long last = -1;
            for (int read = 0; read < count; read++) {
                last = ack(readLine());
            }
            return last;
        }

        /** After the kill: the acknowledgements it printed before it died; returns the last, or -1. */
        long drainAcks() throws IOException {
            long last = -1;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                // A line cut by the kill is not an acknowledgement anyone saw whole.
                if (line.matches("ack \\d+")) {
                    last = ack(line);
                }
            }
            return last;
        }

        private static long ack(String line) {
            assertThat(line).startsWith("ack ");
            return Long.parseLong(line.substring("ack ".length()));
        }
    }
}
