package dev.bluegreen.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code demo} command, also run when no command is given: starts a {@link Demo} and keeps it running until
 * Ctrl-C.
 */
@Command(name = "demo", sortOptions = false,
        description = {"Runs the demo on 127.0.0.1: a blue backend (v1), a green one (v2), the proxy in front of them"
                + " and the admin endpoint, then prints the curl commands to try. Ctrl-C stops it."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", converter = Converters.PortConverter.class,
            description = "The proxy's port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = Demo.DEFAULT_PROXY_PORT;

    @Option(names = "--admin-port", paramLabel = "PORT", converter = Converters.PortConverter.class,
            description = "The admin endpoint's port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int adminPort = Demo.DEFAULT_ADMIN_PORT;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    /** Creates the command; picocli does this. */
    public DemoCommand() {
    }

    /**
     * The demo these options describe, not yet started.
     *
     * @return the demo
     */
    public Demo demo() {
        return Demo.create(port, adminPort);
    }

    /**
     * Starts the demo, prints what to try and blocks until the JVM is asked to exit.
     *
     * @return the exit code
     * @throws java.util.concurrent.CompletionException if the demo can't start, such as when a port is in use
     */
    @Override
    public Integer call() {
        Demo demo = demo().start().join();
        return Foreground.runUntilShutdown("demo", demo.instructions(), spec.commandLine().getOut(), demo::stop);
    }
}
