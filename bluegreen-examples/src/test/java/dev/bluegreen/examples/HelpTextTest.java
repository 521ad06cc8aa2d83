package dev.bluegreen.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every command's {@code --help}, as a user sees it: printed by a JVM of its own, so that what picocli's tracer writes
 * to standard error (such as "[picocli WARN] Could not format ..." for a lone {@code %} in a description) is caught
 * whichever way the tracer holds its stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HelpTextTest {

    @Test
    void everyCommandsHelp_printsNoWarning() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PrintEveryHelp.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Usage: bluegreen-examples [-h] [COMMAND]");
        for (String command : PrintEveryHelp.commands()) {
            assertThat(output).contains("Usage: bluegreen-examples " + command + " ");
        }
        assertThat(output).doesNotContain("[picocli").doesNotContainIgnoringCase("warn")
                .doesNotContain("%n").doesNotContain("%%");
    }

    /** Prints the help of the top-level command and of every sub-command, as {@code <command> --help} would. */
    static final class PrintEveryHelp {

        private PrintEveryHelp() {
        }

        static List<String> commands() {
            return List.copyOf(Main.commandLine().getSubcommands().keySet());
        }

        public static void main(String[] args) {
            int worst = Main.commandLine().execute("--help");
            for (String command : commands()) {
                worst = Math.max(worst, Main.commandLine().execute(command, "--help"));
            }
            System.exit(worst);
        }
    }
}
