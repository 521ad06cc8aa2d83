package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.ChaosBackend;
import dev.bluegreen.testing.ChaosBackend.Fault;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a client sends right behind its request to upgrade (RFC 9110 §7.8), in the same write: the new protocol's
 * first bytes when the backend switches, which the tunnel must carry; the next HTTP/1.1 request when it does not.
 */
class UpgradeTest {

    private static final long WAIT_SECONDS = 20;
    private static final String UPGRADE_REQUEST = "GET /ws HTTP/1.1\r\nHost: shop.example\r\nConnection: Upgrade\r\n"
            + "Upgrade: websocket\r\n\r\n";

    @Test
    void bytesSentRightBehindTheUpgradeRequest_reachTheBackendThroughTheTunnel() throws Exception {
        String inTunnel = "GET /in-tunnel HTTP/1.1\r\n\r\n";
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> tunnelled = switchingBackend(server);
            try (BlueGreen admin = BlueGreen.builder()
                    .blue("v1", Backend.of("127.0.0.1", server.getLocalPort())).build()) {
                BlueGreenProxy proxy = start(admin);
                try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                    client.send(UPGRADE_REQUEST + inTunnel);

                    RawResponse switching = client.readResponse();
                    assertThat(switching.status()).isEqualTo(101);
                    assertThat(switching.header("Via")).isEqualTo("1.1 bluegreen");
                    assertThat(tunnelled.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("what the backend read after its 101")
                            .isEqualTo(inTunnel);
                    RawResponse answer = client.readResponse();
                    assertThat(answer.bodyText()).as("the backend's answer, back through the tunnel")
                            .isEqualTo("in-tunnel");
                } finally {
                    proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
                }
            }
        }
    }

    @Test
    void requestPipelinedBehindAnUpgradeTheBackendRefuses_isReadAsHttp_andAnswered() {
        // The chaos backend answers every request with 200: no switch, so the connection stays HTTP/1.1.
        try (ChaosBackend backend = ChaosBackend.start(Fault.NONE);
             BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", backend.port())).build()) {
            BlueGreenProxy proxy = start(admin);
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                client.send(UPGRADE_REQUEST + "GET /next HTTP/1.1\r\nHost: shop.example\r\n\r\n");

                assertThat(client.readResponse().status()).isEqualTo(200);
                RawResponse next = client.readResponse();
                assertThat(next.status()).isEqualTo(200);
                assertThat(next.bodyText()).isEqualTo("ok");
                assertThat(backend.requestCount()).isEqualTo(2);
                assertThat(client.get("/after").status()).as("the connection stays usable").isEqualTo(200);
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    private static BlueGreenProxy start(BlueGreen admin) {
        BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1).build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        return proxy;
    }

    /**
     * Accepts one connection, reads a request head, answers {@code 101}, then reads the next head-like block
     * (up to an empty line) as the new protocol's bytes, completes the future with it, and answers it with a
     * {@code 200} whose body is {@code in-tunnel}.
     */
    private static CompletableFuture<String> switchingBackend(ServerSocket server) {
        CompletableFuture<String> tunnelled = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                InputStream in = socket.getInputStream();
                readBlock(in);
                socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                        + "Upgrade: websocket\r\n\r\n").getBytes(US_ASCII));
                tunnelled.complete(readBlock(in));
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nin-tunnel"
                        .getBytes(US_ASCII));
                // Holds the connection until the proxy closes it.
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                tunnelled.completeExceptionally(e);
            }
        }, "switching-backend");
        thread.setDaemon(true);
        thread.start();
        return tunnelled;
    }

    /** Reads byte by byte up to and including an empty line, so that nothing after it is read. */
    static String readBlock(InputStream in) throws IOException {
        StringBuilder block = new StringBuilder();
        while (block.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended within: " + block);
            }
            block.append((char) b);
        }
        return block.toString();
    }
}
