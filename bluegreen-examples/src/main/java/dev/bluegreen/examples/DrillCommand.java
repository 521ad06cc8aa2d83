package dev.bluegreen.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.bluegreen.drill.DrillReport;
import dev.bluegreen.drill.DrillRequest;
import dev.bluegreen.drill.SwitchDrill;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code drill} command: a {@link SwitchDrill} against two running versions, its report on standard output, and
 * an exit code a CI job can test: 0 when nothing failed, 1 when something did (the report's last line names the
 * colour), 2 for a usage error.
 */
@Command(name = "drill", sortOptions = false,
        description = "Puts a bluegreen proxy in front of two running versions of your service, sends requests on"
                + " several keep-alive connections while switching between them back and forth, and prints what"
                + " failed, by colour and path. Exits 0 when nothing failed, 1 otherwise.")
public final class DrillCommand implements Callable<Integer> {

    @Option(names = "--blue", paramLabel = "HOST:PORT", required = true,
            description = "The version live at the start.")
    String blue;

    @Option(names = "--green", paramLabel = "HOST:PORT", required = true,
            description = "The other version, switched to first.")
    String green;

    @Option(names = "--path", paramLabel = "[METHOD ]PATH",
            description = "A request to send, as in /orders/42 or 'POST /orders'; repeat it for more, sent in turn"
                    + " (default: GET /).")
    List<String> paths;

    @Option(names = "--switches", paramLabel = "N", defaultValue = "20",
            description = "Switches to make, spread over the duration (default: ${DEFAULT-VALUE}).")
    int switches;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "How long to send requests, as in 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "4",
            description = "Keep-alive connections sending at once (default: ${DEFAULT-VALUE}).")
    int connections;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    /** Creates the command; picocli does this. */
    public DrillCommand() {
    }

    /**
     * The drill these options describe.
     *
     * @return the drill, not run
     * @throws ParameterException if an option's value is refused; the message names the option
     */
    public SwitchDrill drill() {
        SwitchDrill.Builder builder = SwitchDrill.builder();
        option("--blue", () -> builder.blue(blue));
        option("--green", () -> builder.green(green));
        for (String path : paths == null ? List.<String>of() : paths) {
            option("--path", () -> builder.request(DrillRequest.parse(path)));
        }
        option("--switches", () -> builder.switches(switches));
        option("--duration", () -> builder.duration(duration));
        option("--connections", () -> builder.connections(connections));
        try {
            return builder.build();
        } catch (IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--green': " + e.getMessage());
        }
    }

    /**
     * Runs the drill and prints its report.
     *
     * @return 0 if nothing failed, else 1
     */
    @Override
    public Integer call() {
        SwitchDrill drill = drill();
        // The report is this command's output; the proxy's two INFO lines per switch would bury it.
        Logger bluegreen = (Logger) LoggerFactory.getLogger("dev.bluegreen");
        Level level = bluegreen.getLevel();
        bluegreen.setLevel(Level.WARN);
        DrillReport report;
        try {
            report = drill.run();
        } finally {
            bluegreen.setLevel(level);
        }
        spec.commandLine().getOut().println(report.summary());
        spec.commandLine().getOut().flush();
        return report.passed() ? 0 : 1;
    }

    private <T> T option(String name, Supplier<T> apply) {
        try {
            return apply.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + name + "': "
                    + e.getMessage());
        }
    }
}
