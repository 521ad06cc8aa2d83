package dev.bluegreen.examples;

import dev.bluegreen.examples.Converters.ListenAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code backend} command: runs a {@link DemoBackend} until Ctrl-C. */
@Command(name = "backend", sortOptions = false,
        description = "Runs a demo backend that answers every request with 200, its name (or --body) in the body"
                + " and an X-Backend header; GET /health answers 200 while it is up. POST /demo/down and POST /demo/up"
                + " take it down (503 to everything) and bring it up again. Ctrl-C stops it.")
public final class BackendCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9000",
            converter = Converters.ListenAddressConverter.class,
            description = "Where to listen; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    ListenAddress listen;

    @Option(names = "--name", paramLabel = "TEXT", required = true,
            description = "The name to answer with, as in \"hello from TEXT\".")
    String name;

    @Option(names = "--body", paramLabel = "TEXT",
            description = "Answer every request with this body instead of \"hello from NAME\", so that two backends"
                    + " can answer alike (as two colours of one version would, for --mirror).")
    String body;

    @Option(names = "--down",
            description = "Start down: 503 to everything, health check included, until POST /demo/up.")
    boolean down;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    /** Creates the command; picocli does this. */
    public BackendCommand() {
    }

    /**
     * The backend these options describe, not yet started.
     *
     * @return the backend
     * @throws ParameterException if {@code --name} is not a valid name or {@code --body} is too long
     */
    public DemoBackend backend() {
        DemoBackend.Builder builder;
        try {
            builder = DemoBackend.builder(name).listen(listen.host(), listen.port());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--name': " + e.getMessage());
        }
        if (body != null) {
            try {
                builder.body(body);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--body': "
                        + e.getMessage());
            }
        }
        return (down ? builder.startsDown() : builder).build();
    }

    /**
     * Builds and starts the backend.
     *
     * @return a future that completes with the running backend, or exceptionally if it can't listen
     * @throws ParameterException if {@code --name} is not a valid name
     */
    public CompletableFuture<DemoBackend> start() {
        return backend().start();
    }

    /**
     * Starts the backend, prints where it listens and blocks until the JVM is asked to exit.
     *
     * @return the exit code
     * @throws java.util.concurrent.CompletionException if the backend can't listen
     */
    @Override
    public Integer call() {
        DemoBackend backend = start().join();
        String url = StandaloneProxy.url(backend.localAddress());
        return Foreground.runUntilShutdown("demo backend", List.of(
                "demo backend " + backend.name() + " on " + url + "   (try: curl -si " + url + "/)"
                        + (backend.isUp() ? "" : "; down until: curl -s -X POST " + url + "/demo/up"),
                "Ctrl-C stops it."), spec.commandLine().getOut(), backend::stop);
    }
}
