package dev.bluegreen.examples;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code an application embeds, as the README quotes it (the region marked "embed" below): build the
 * admin object with both pools, start the proxy and the optional admin endpoint, switch to the new version, roll
 * back if it misbehaves, stop.
 *
 * <p>{@link #main(String[])} runs it against two {@link DemoBackend}s on free ports, with the proxy on 127.0.0.1:8080
 * and the admin endpoint on 127.0.0.1:8081 (or the ports given as arguments), and exits:
 * {@code java -cp bluegreen-examples.jar dev.bluegreen.examples.EmbeddingExample [PROXY_PORT [ADMIN_PORT]]}.
 */
public final class EmbeddingExample {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingExample.class);

    private EmbeddingExample() {
    }

    /**
     * Starts two demo backends, runs the example against them (the smoke test fetches a page through the proxy and
     * logs it) and stops everything.
     *
     * @param args optionally the proxy's port and the admin endpoint's port; default 8080 and 8081
     * @throws NumberFormatException if an argument is not a number
     */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : Demo.DEFAULT_PROXY_PORT;
        int adminPort = args.length > 1 ? Integer.parseInt(args[1]) : Demo.DEFAULT_ADMIN_PORT;
        DemoBackend v1 = DemoBackend.builder("blue").version("v1").build();
        DemoBackend v2 = DemoBackend.builder("green").version("v2").build();
        v1.start().join();
        v2.start().join();
        try {
            Running running = start(List.of(v1.backend()), List.of(v2.backend()), port, adminPort);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String url = StandaloneProxy.url(running.proxy().localAddress()) + "/";
            log.info("before the switch: {}", fetch(client, url));
            release(running.admin(), () -> {
                String body = fetch(client, url);
                log.info("after the switch: {}; rolling back to show how", body);
                return false;
            });
            log.info("after the rollback: {}", fetch(client, url));
            stop(running);
        } finally {
            v1.stop().join();
            v2.stop().join();
        }
    }

    // tag::embed[]
    /** What {@link #start} returns: stop it with {@link #stop}. */
    public record Running(BlueGreen admin, BlueGreenProxy proxy, AdminEndpoint endpoint) {
    }

    /** Starts the proxy in front of the blue pool (v1), with green (v2) ready to take over. */
    static Running start(List<Backend> blue, List<Backend> green, int port, int adminPort) {
        BlueGreen admin = BlueGreen.builder()
                .blue("v1", blue)                      // e.g. List.of(Backend.parse("10.0.0.1:8080"))
                .green("v2", green)
                .build();                              // blue is live
        BlueGreenProxy proxy = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", port)
                .build();
        // Optional: GET /status, POST /switch?to=green, /promote, /rollback over HTTP, for operators and scripts.
        AdminEndpoint endpoint = AdminEndpoint.builder(admin)
                .listen("127.0.0.1", adminPort)
                .proxy(proxy)
                .build();
        proxy.start().join();
        endpoint.start().join();
        return new Running(admin, proxy, endpoint);
    }

    /** Sends traffic to green; back to blue if the smoke test fails. */
    static void release(BlueGreen admin, BooleanSupplier smokeTest) {
        admin.switchTo(Colour.GREEN);                  // new requests go to v2 at once; those under way finish on v1
        if (!smokeTest.getAsBoolean()) {
            admin.rollback();                          // v1 is live again
        }
    }

    /** Stops taking connections, lets requests under way finish, and releases the threads. */
    static void stop(Running running) {
        running.endpoint().stop().join();
        running.proxy().stop().join();
        running.admin().close();
    }
    // end::embed[]

    private static String fetch(HttpClient client, String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
            return client.send(request, HttpResponse.BodyHandlers.ofString()).body().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + url, e);
        }
    }
}
