package dev.bluegreen.examples;

import io.netty.util.ResourceLeakDetector;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The entry point of {@code bluegreen-examples.jar}: the {@code demo}, {@code proxy}, {@code backend} and
 * {@code drill} commands; with no command it runs the demo.
 *
 * <p>Exit codes: 0 when done (or after Ctrl-C), 2 for a usage error, with the message and the usage, 1 when
 * something fails at run time, such as a port in use, with a one-line error on standard error.
 */
@Command(name = "bluegreen-examples",
        description = "Blue-green deployments with one call: a demo, a standalone proxy, a demo backend and a switch"
                + " drill."
                + " With no command, runs the demo.",
        subcommands = {DemoCommand.class, ProxyCommand.class, BackendCommand.class, DrillCommand.class})
public final class Main implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    /** Creates the command; {@link #commandLine()} does this. */
    public Main() {
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default (SIMPLE) samples buffers for leak reports at a few per cent of the proxy's CPU
            // (profiled for issue 7). The test suites run at PARANOID; a production runner needs none. Passing
            // -Dio.netty.leakDetection.level=... keeps that choice.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, printing to standard output and error, with the one-line runtime error handler. Use
     * {@link CommandLine#parseArgs(String...)} and a sub-command's object to start it without blocking, or
     * {@link CommandLine#execute(String...)} to run it as {@link #main(String[])} does, without the exit.
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(oneLineError());
        return commandLine;
    }

    /**
     * As {@link #commandLine()}, printing to the given writers.
     *
     * @param out where usage help and the commands' own lines go
     * @param err where errors go
     * @return a new command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine().setOut(out).setErr(err);
    }

    /**
     * Runs the demo: what {@code bluegreen-examples} does with no command.
     *
     * @return the exit code
     */
    @Override
    public Integer call() {
        DemoCommand demo = spec.subcommands().get("demo").getCommand();
        return demo.call();
    }

    private static IExecutionExceptionHandler oneLineError() {
        return (exception, commandLine, parseResult) -> {
            Throwable failure = Futures.unwrap(exception);
            String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
            log.debug("{} failed", commandLine.getCommandName(), failure);
            // The message names what failed ("proxy: cannot listen on ..."); the library's messages are one line.
            commandLine.getErr().println(commandLine.getColorScheme().errorText(
                    "bluegreen-examples: " + message.replace('\n', ' ')));
            commandLine.getErr().flush();
            return 1;
        };
    }
}
