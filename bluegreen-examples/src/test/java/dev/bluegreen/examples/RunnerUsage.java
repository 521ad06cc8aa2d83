package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the {@code proxy} command with options it must refuse, and returns what it printed. */
final class RunnerUsage {

    private RunnerUsage() {
    }

    /** Runs {@code proxy --listen 127.0.0.1:0 --blue 127.0.0.1:9001 <extra>}, expects exit code 2, returns stderr. */
    static String refused(String... extra) {
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--blue", "127.0.0.1:9001"));
        args.addAll(List.of(extra));
        int code = Main.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        assertThat(code).as("exit code for %s", args).isEqualTo(2);
        return err.toString();
    }
}
