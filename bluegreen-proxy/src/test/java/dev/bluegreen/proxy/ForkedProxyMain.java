package dev.bluegreen.proxy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.LeakReports;
import io.netty.util.ResourceLeakDetector;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The main class of the proxy JVM that {@link ForkedProxy} starts: a {@link BlueGreenProxy} on 127.0.0.1, an
 * ephemeral port, in front of one blue backend.
 *
 * <p>Arguments: the port of the blue backend on 127.0.0.1. Once the proxy listens it prints one line
 * {@code PORT <n>} on stdout; when stdin reaches its end (the parent closed it) it stops the proxy, makes Netty
 * report any leaked buffer, and exits: 0 when all went well, 3 when a leak was reported (listed on stderr), 2 for
 * bad arguments, 4 at once when Netty's leak detector is not at PARANOID (a leak check that samples would pass
 * most leaks). Anything thrown ends it with the JVM's usual stack trace on stderr and exit code 1.
 */
final class ForkedProxyMain {

    static final String PORT_LINE_PREFIX = "PORT ";

    private ForkedProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ForkedProxyMain <blue backend port on 127.0.0.1>");
            System.exit(2);
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            System.err.println("Netty leak detection level: " + ResourceLeakDetector.getLevel()
                    + " (expected: PARANOID; start this JVM with -Dio.netty.leakDetection.level=paranoid)");
            System.exit(4);
        }
        LeakReports leaks = LeakReports.attach();
        BlueGreen admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", Integer.parseInt(args[0])))
                .build();
        BlueGreenProxy proxy = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(2)
                .build();
        proxy.start().get(10, TimeUnit.SECONDS);
        System.out.println(PORT_LINE_PREFIX + proxy.port());
        System.out.flush();

        System.in.transferTo(OutputStream.nullOutputStream());

        proxy.stop(Duration.ofSeconds(5)).get(15, TimeUnit.SECONDS);
        admin.close();
        try {
            leaks.assertNoLeaks("the forked proxy");
        } catch (AssertionError leaked) {
            System.err.println(leaked.getMessage());
            System.exit(3);
        }
    }
}
