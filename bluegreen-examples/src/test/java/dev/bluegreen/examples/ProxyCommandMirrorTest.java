package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.MirrorSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The standalone runner's shadow traffic, as a user runs it: two {@code backend --body} commands that answer alike
 * (or not), the {@code proxy} command with {@code --mirror 100 --mirror-guard 0.99} and its admin endpoint, 300 GETs,
 * then {@code GET /mirror} and a switch through the admin endpoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyCommandMirrorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Http http = new Http();
    private final List<DemoBackend> backends = new ArrayList<>();
    private StandaloneProxy proxy;

    @AfterEach
    void stopAll() throws Exception {
        if (proxy != null) {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
        for (DemoBackend backend : backends) {
            backend.stop().get(10, TimeUnit.SECONDS);
        }
    }

    private DemoBackend backend(String name, String body) throws Exception {
        CommandLine line = Main.commandLine();
        line.parseArgs("backend", "--name", name, "--listen", "127.0.0.1:0", "--body", body);
        BackendCommand command = line.getSubcommands().get("backend").getCommand();
        DemoBackend backend = command.start().get(10, TimeUnit.SECONDS);
        backends.add(backend);
        return backend;
    }

    private void startProxy(DemoBackend blue, DemoBackend green) throws Exception {
        CommandLine line = Main.commandLine();
        line.parseArgs("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(),
                "--mirror", "100", "--mirror-guard", "0.99");
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        proxy = command.start().get(10, TimeUnit.SECONDS);
    }

    @Test
    void identicalColours_300Gets_showAtLeast250MirroredAndNoMismatch_andASwitchIsAccepted() throws Exception {
        startProxy(backend("blue", "same answer\n"), backend("green", "same answer\n"));
        for (int i = 0; i < 300; i++) {
            assertThat(http.body(proxy.proxyUrl() + "/items/" + i)).isEqualTo("same answer\n");
        }
        String admin = proxy.adminUrl().orElseThrow();
        await().atMost(WAIT).until(() -> figure(mirrorDocument(), "matched") >= 250);
        String document = mirrorDocument();

        assertThat(figure(document, "mirrored")).isGreaterThanOrEqualTo(250);
        assertThat(figure(document, "mismatched")).isZero();
        HttpResponse<String> switched = http.post(admin + "/switch?to=green");
        assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
        assertThat(proxy.admin().snapshot().live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void aGreenThatAnswersDifferently_showsAtLeast250Mismatched_andTheSwitchIsRefusedByTheMirrorGuard()
            throws Exception {
        startProxy(backend("blue", "v1 answer\n"), backend("green", "v2 answer, changed\n"));
        for (int i = 0; i < 300; i++) {
            assertThat(http.body(proxy.proxyUrl() + "/items/" + i)).isEqualTo("v1 answer\n");
        }
        String admin = proxy.adminUrl().orElseThrow();
        await().atMost(WAIT).until(() -> figure(mirrorDocument(), "mismatched") >= 250);
        String document = mirrorDocument();

        assertThat(figure(document, "matched")).isZero();
        assertThat(document).contains("\"route\":\"/items/{id}\"", "\"differences\":[\"body: 10 bytes vs 19 bytes\"]",
                "\"body\":\"v1 answer\\n\"", "\"body\":\"v2 answer, changed\\n\"");
        HttpResponse<String> refused = http.post(admin + "/switch?to=green");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("\"guard\":\"mirror-agreement\"", "refused by guard mirror-agreement",
                "green agreed on 0 of its last", "need 0.99");
        assertThat(proxy.admin().snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void killingTheIdleColour_failsNoLiveRequest() throws Exception {
        DemoBackend green = backend("green", "same\n");
        startProxy(backend("blue", "same\n"), green);
        for (int i = 0; i < 300; i++) {
            if (i == 100) {
                green.stop().get(10, TimeUnit.SECONDS);
            }
            HttpResponse<String> response = http.get(proxy.proxyUrl() + "/items/" + i);
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(response.body()).isEqualTo("same\n");
        }
        await().atMost(WAIT).until(() -> figure(mirrorDocument(), "dropped") >= 150);
        assertThat(proxy.proxy().failedExchanges(Colour.BLUE)).isZero();
    }

    @Test
    void whatIsCompared_reachesTheMirrorsSettings() throws Exception {
        StandaloneProxy runner = RunnerUsage.started("--blue", "127.0.0.1:9001", "--mirror", "10",
                "--mirror-headers", "Content-Type,ETag", "--mirror-ignore-json", "requestId,generatedAt",
                "--mirror-ignore-body", "text/html,image/*");
        try {
            MirrorSettings settings = runner.proxy().mirror().orElseThrow().settings();

            assertThat(settings.comparedHeaders()).containsExactly("content-type", "etag");
            assertThat(settings.ignoredJsonMembers()).containsExactly("requestId", "generatedAt");
            assertThat(settings.ignoredBodyTypes()).containsExactly("text/html", "image/*");
        } finally {
            runner.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badMirrorValues_exit2_namingTheOption() {
        assertThat(RunnerUsage.refused("--mirror", "0")).contains("--mirror", "percent: 0.0");
        assertThat(RunnerUsage.refused("--mirror", "150")).contains("--mirror", "150");
        assertThat(RunnerUsage.refused("--mirror", "10", "--mirror-guard", "1.5")).contains("--mirror-guard", "1.5");
        assertThat(RunnerUsage.refused("--mirror-guard", "0.9")).contains("--mirror-guard", "without --mirror");
        assertThat(RunnerUsage.refused("--mirror", "10", "--mirror-guard", "0.9", "--mirror-guard-min", "0"))
                .contains("--mirror-guard-min", "0 (expected: 1-1000)");
        assertThat(RunnerUsage.refused("--mirror", "10", "--mirror-guard-min", "5"))
                .contains("--mirror-guard-min", "without --mirror-guard");
        assertThat(RunnerUsage.refused("--mirror-ignore-json", "requestId"))
                .contains("--mirror-ignore-json", "requestId without --mirror");
        assertThat(RunnerUsage.refused("--mirror-headers", "ETag"))
                .contains("--mirror-headers", "ETag without --mirror");
        assertThat(RunnerUsage.refused("--mirror", "10", "--mirror-headers", "Bad Name"))
                .contains("--mirror-headers", "Bad Name");
        assertThat(RunnerUsage.refused("--mirror", "10", "--mirror-ignore-body", "html"))
                .contains("--mirror-ignore-body", "html");
    }

    private String mirrorDocument() throws Exception {
        HttpResponse<String> response = http.get(proxy.adminUrl().orElseThrow() + "/mirror");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A top-level number of the document, such as {@code "mirrored":300}. */
    private static long figure(String document, String name) {
        Matcher matcher = Pattern.compile("^\\{.*?\"" + name + "\":(\\d+)").matcher(document);
        assertThat(matcher.find()).as("%s in %s", name, document).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
