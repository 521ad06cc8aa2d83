package dev.bluegreen.proxy;

import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadBalancing#LEAST_REQUESTS} counts every request on every backend: after a storm of requests that end every
 * way (served, cut by the client mid-response, refused by a backend that closes, timed out, queued behind a limit,
 * over HTTP/2) while the pools are redeployed, every count is back to 0.
 */
class LeastRequestsStormTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void everyCountReturnsTo0_afterAStormOfRequestsEndingEveryWay_acrossRedeploys() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.LEAST_REQUESTS)
                .eventLoopThreads(2).responseTimeout(Duration.ofMillis(300)).queueTimeout(Duration.ofMillis(200)))) {
            TestBackend quick = fixture.blue.get(0).reply();
            TestBackend big = fixture.blue.get(1).download(2 << 20);
            TestBackend closing = fixture.blue.get(2).closeOnRequest();
            TestBackend silent = fixture.green().neverRespond();
            List<Backend> first = List.of(Backend.of("127.0.0.1", quick.port()).withMaxRequests(2),
                    Backend.of("127.0.0.1", big.port()), Backend.of("127.0.0.1", closing.port()));
            List<Backend> second = List.of(first.get(0), first.get(1), Backend.of("127.0.0.1", silent.port()));
            fixture.admin.deploy(Colour.GREEN, "v1", first);
            fixture.admin.switchTo(Colour.GREEN);

            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                int client = c;
                clients.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 30; i++) {
                        try (RawHttpClient raw = RawHttpClient.connect(fixture.port())) {
                            raw.send("GET /" + client + "-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                            if (i % 3 == 0) {
                                raw.abort(); // gone before or in the middle of its response
                            } else {
                                raw.readResponse();
                            }
                        } catch (RuntimeException closed) {
                            // a cut response: what the storm is for
                        }
                    }
                }));
            }
            CompletableFuture<Void> h2 = CompletableFuture.runAsync(() -> {
                try (H2Client client = H2Client.cleartext(fixture.port())) {
                    List<CompletableFuture<H2Client.Response>> streams = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        streams.add(client.get("/h2-" + i));
                    }
                    for (CompletableFuture<H2Client.Response> stream : streams) {
                        stream.handle((response, error) -> null).join();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<Void> storm = CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new));
            // Redeploys all along: backends leave the pools with requests under way on them, and come back.
            for (int d = 0; !storm.isDone() && d < 500; d++) {
                Colour idle = d % 2 == 0 ? Colour.BLUE : Colour.GREEN;
                fixture.admin.deploy(idle, "v" + (d + 2), d % 4 < 2 ? second : first);
                fixture.admin.switchTo(idle);
            }
            storm.get(60, TimeUnit.SECONDS);
            h2.get(60, TimeUnit.SECONDS);

            for (Backend backend : List.of(first.get(0), first.get(1), first.get(2), second.get(2))) {
                await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0);
            }
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 0);
        }
    }
}
