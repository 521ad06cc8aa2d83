package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the {@code proxy} command: with options it must refuse, returning what it printed; or started, for a test to
 * talk to.
 */
final class RunnerUsage {

    /** A refusal is a matter of parsing: far less than this. */
    private static final long REFUSAL_TIMEOUT_SECONDS = 30;

    private RunnerUsage() {
    }

    /**
     * Starts {@code proxy --listen 127.0.0.1:0 --threads 1 --no-health-checks <options>}: the test stops it.
     *
     * @param options the other options, {@code --blue} among them
     * @return the proxy (and admin endpoint), listening
     */
    static StandaloneProxy started(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--threads", "1",
                "--no-health-checks"));
        args.addAll(List.of(options));
        picocli.CommandLine line = Main.commandLine();
        line.parseArgs(args.toArray(String[]::new));
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        return command.start().get(10, TimeUnit.SECONDS);
    }

    /**
     * Runs {@code proxy --listen 127.0.0.1:0 --blue 127.0.0.1:9001 <extra>}, expects exit code 2, returns stderr.
     * If the command accepts the options instead, it starts the proxy and runs until stopped: that fails the test
     * after a timeout rather than hanging it.
     */
    static String refused(String... extra) {
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--blue", "127.0.0.1:9001"));
        args.addAll(List.of(extra));
        FutureTask<Integer> command = new FutureTask<>(() -> Main.commandLine(
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute(args.toArray(String[]::new)));
        Thread runner = new Thread(command, "runner-usage");
        runner.setDaemon(true);
        runner.start();
        int code;
        try {
            code = command.get(REFUSAL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException accepted) {
            runner.interrupt();
            throw new AssertionError("the runner accepted " + args + " and is running the proxy instead of exiting"
                    + " with 2; it printed: " + err);
        } catch (ExecutionException failed) {
            throw new AssertionError("the runner threw for " + args, failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + args, interrupted);
        }
        assertThat(code).as("exit code for %s", args).isEqualTo(2);
        return err.toString();
    }
}
