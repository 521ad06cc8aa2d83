package dev.bluegreen.core;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link FileRoutingStoreCrashTest}: opens a {@link FileRoutingStore} on the file named by its first
 * argument and switches back and forth as fast as it can, printing each generation a verb acknowledged
 * ({@code "ack N"}) once the verb has returned. Its stdout is the protocol with the parent:
 * <ul>
 *   <li>{@code start G} once the store is open at generation {@code G};</li>
 *   <li>{@code ack N} after each switch that returned generation {@code N};</li>
 *   <li>{@code refused MESSAGE} (and exit status 3) if the store could not be opened.</li>
 * </ul>
 * It runs until it is killed, or for {@code args[1]} switches if given.
 */
final class SwitchStormChild {

    private SwitchStormChild() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        Path file = Path.of(args[0]);
        long switches = args.length > 1 ? Long.parseLong(args[1]) : Long.MAX_VALUE;
        BlueGreen admin;
        try {
            admin = BlueGreen.builder()
                    .blue("v1", List.of(Backend.of("10.0.0.1", 8080)))
                    .green("v2", List.of(Backend.of("10.0.1.1", 8080)))
                    .store(FileRoutingStore.at(file))
                    .build();
        } catch (ChangeRefusedException e) {
            out.println("refused " + e.getMessage());
            out.flush();
            System.exit(3);
            return;
        }
        out.println("start " + admin.snapshot().generation());
        out.flush();
        for (long i = 0; i < switches; i++) {
            RoutingSnapshot made = admin.as("storm", "switch " + i).switchTo(admin.snapshot().idle());
            // Printed only once the verb has returned: this generation was acknowledged to its caller.
            out.println("ack " + made.generation());
            out.flush();
        }
        admin.close();
    }
}
