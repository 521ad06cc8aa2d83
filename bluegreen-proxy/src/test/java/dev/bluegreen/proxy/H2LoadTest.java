package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load from {@code h2load} (Debian's {@code nghttp2-client}, which {@code .ci/run} installs): 2,000 requests over 4
 * connections, 10 streams at a time on each, through the proxy to a test backend, with h2c, h2 over TLS and
 * HTTP/1.1. Every request must succeed; the throughput is logged, not asserted.
 */
class H2LoadTest {

    private static final Logger log = LoggerFactory.getLogger(H2LoadTest.class);
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx");
    private static final Pattern RATE = Pattern.compile("finished in [^,]+, ([\\d.]+) req/s");

    /** What h2load reported. */
    private record Result(int succeeded, int failed, int errored, int status2xx, String protocol, String rate,
                          String output) {
    }

    private static Result h2load(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("h2load");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("h2load is not installed (Debian package nghttp2-client; .ci/run installs it)",
                    e);
        }
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("h2load finished").isTrue();
        String output = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        Matcher requests = REQUESTS.matcher(output);
        assertThat(requests.find()).as(output).isTrue();
        Matcher status = STATUS.matcher(output);
        assertThat(status.find()).as(output).isTrue();
        Matcher rate = RATE.matcher(output);
        Matcher protocol = Pattern.compile("Application protocol: (\\S+)").matcher(output);
        Result result = new Result(Integer.parseInt(requests.group(4)), Integer.parseInt(requests.group(5)),
                Integer.parseInt(requests.group(6)), Integer.parseInt(status.group(1)),
                protocol.find() ? protocol.group(1) : null, rate.find() ? rate.group(1) : "?", output);
        log.info("{} -> {} req/s ({} succeeded, {} failed, {} errored, protocol {})", String.join(" ", command),
                result.rate(), result.succeeded(), result.failed(), result.errored(), result.protocol());
        return result;
    }

    private static void assertAllSucceeded(Result result, String protocol) {
        assertThat(result.succeeded()).as(result.output()).isEqualTo(2000);
        assertThat(result.failed()).as(result.output()).isZero();
        assertThat(result.errored()).as(result.output()).isZero();
        assertThat(result.status2xx()).as(result.output()).isEqualTo(2000);
        assertThat(result.protocol()).as(result.output()).isEqualTo(protocol);
    }

    @Test
    void h2c_2000Requests_allSucceed() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            Result result = h2load("-n", "2000", "-c", "4", "-m", "10", "http://127.0.0.1:" + fixture.port() + "/");

            assertAllSucceeded(result, "h2c");
            assertThat(fixture.blue().requestCount()).isEqualTo(2000);
        }
    }

    @Test
    void h2OverTls_2000Requests_allSucceed() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            Result result = h2load("-n", "2000", "-c", "4", "-m", "10", "https://127.0.0.1:" + fixture.port() + "/");

            assertAllSucceeded(result, "h2");
            assertThat(fixture.blue().requestCount()).isEqualTo(2000);
        }
    }

    @Test
    void http11_2000PipelinedRequests_allSucceed() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            Result result = h2load("--h1", "-n", "2000", "-c", "4", "-m", "10",
                    "http://127.0.0.1:" + fixture.port() + "/");

            assertAllSucceeded(result, "http/1.1");
            assertThat(fixture.blue().requestCount()).isEqualTo(2000);
        }
    }
}
