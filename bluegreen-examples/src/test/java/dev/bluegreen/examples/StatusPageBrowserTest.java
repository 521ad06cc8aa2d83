package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import com.sun.net.httpserver.HttpServer;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.TestBackend;
import java.io.File;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin endpoint's status page ({@code GET /}) in a real browser: the demo on free ports, headless Chromium
 * driven through chromedriver, both Debian's packages ({@code chromium}, {@code chromium-driver}; {@code .ci/run}
 * installs them). The driver path is given explicitly, so Selenium Manager never runs and nothing is downloaded.
 * Every wait is a bounded {@link WebDriverWait}; the page polls {@code /status} every 2 s. The page's
 * {@code window.confirm} and {@code window.prompt} dialogs are answered as alerts. Chromium resolves
 * {@value #EVIL_HOST} to 127.0.0.1 (a host-resolver rule): the state a DNS-rebinding attack brings about.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusPageBrowserTest {

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Path SCREENSHOT = Path.of(System.getProperty("basedir", "."), "target", "status-page.png");
    private static final int SCREENSHOT_WIDTH = 1280;
    private static final String TOKEN = "status-page-test-token";
    /** Requests/s a colour must show to count as carrying the test's traffic (about 40/s is sent). */
    private static final double MIN_RATE = 5;
    /** A name the attacker controls, re-pointed at this machine's loopback address. */
    private static final String EVIL_HOST = "evil.example";

    @TempDir
    Path profile;

    private final Http http = new Http();
    private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "status-page-test-traffic");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private Demo demo;
    private String admin;
    private AdminEndpoint tokenEndpoint;
    private HttpServer otherOrigin;
    private StandaloneProxy mirroring;
    private final java.util.List<DemoBackend> mirrorBackends = new java.util.ArrayList<>();
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startDemoAndBrowser() throws Exception {
        // Green starts down in the demo; these tests switch to it at once.
        demo = Demo.create(0, 0);
        demo.green().up();
        demo = demo.start().get(15, TimeUnit.SECONDS);
        admin = demo.proxy().adminUrl().orElseThrow();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                // Without the networking flags Chromium tries to reach Google hosts, which may be refused here.
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                        "--window-size=" + SCREENSHOT_WIDTH + ",1000", "--user-data-dir=" + profile,
                        "--host-resolver-rules=MAP " + EVIL_HOST + " 127.0.0.1");
        browser = new ChromeDriver(service, options);
        // The page rebuilds its history tables on every poll: an element found a moment ago may be gone.
        wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void stopBrowserAndDemo() throws Exception {
        traffic.shutdownNow();
        traffic.awaitTermination(10, TimeUnit.SECONDS);
        if (browser != null) {
            browser.quit();
        }
        if (tokenEndpoint != null) {
            tokenEndpoint.stop().get(10, TimeUnit.SECONDS);
        }
        if (otherOrigin != null) {
            otherOrigin.stop(0);
        }
        if (mirroring != null) {
            mirroring.stop().get(20, TimeUnit.SECONDS);
        }
        for (DemoBackend backend : mirrorBackends) {
            backend.stop().get(10, TimeUnit.SECONDS);
        }
        if (demo != null) {
            demo.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void switchButton_movesTrafficToGreen_andThePageShowsItWithRatesAndHistory() throws Exception {
        sendTrafficThroughTheProxy();
        browser.get(admin + "/");
        waitForText("live-colour", "blue");
        assertThat(browser.findElement(By.id("switch-button")).getText()).isEqualTo("Switch to green");
        waitUntil("blue's request rate is charted", page -> samples("blue") >= 1 && rate("blue") >= MIN_RATE);

        browser.findElement(By.id("reason")).sendKeys("v2 passed its smoke tests");
        browser.findElement(By.id("switch-button")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();

        waitForText("live-colour", "green");
        RoutingSnapshot snapshot = demo.proxy().admin().snapshot();
        assertThat(snapshot.live()).isEqualTo(Colour.GREEN);
        assertThat(snapshot.actor()).isEqualTo("status-page");
        assertThat(snapshot.reason()).isEqualTo("v2 passed its smoke tests");
        waitForText("generation", "1");
        assertThat(http.body(demo.proxy().proxyUrl() + "/")).isEqualTo("hello from green (v2)\n");
        assertThat(browser.findElement(By.cssSelector("#pool-green .badge")).getText()).isEqualTo("LIVE");
        assertThat(browser.findElement(By.id("switch-button")).getText()).isEqualTo("Switch to blue");

        waitUntil("the history lists the switch first", page -> page.findElement(
                By.cssSelector("#history tbody tr:first-child")).getText().contains("status-page"));
        waitUntil("the history shows blue's drain report", page -> page.findElement(By.id("history")).getText()
                .contains("DRAINED"));
        assertThat(browser.findElement(By.id("history")).getText())
                .contains("SWITCH", "status-page", "v2 passed its smoke tests");
        waitUntil("green's request rate is charted", page -> rate("green") >= MIN_RATE);
        assertThat(browser.findElement(By.id("error")).getText()).isEmpty();
        assertThat(failed).hasValue(0);
        assertThat(answered.get()).isPositive();

        saveScreenshot();
    }

    @Test
    void eachBackendShowsItsHealth_andASwitchToADownGreenIsRefusedWithTheGuardsReason() throws Exception {
        demo.green().down();
        browser.get(admin + "/");
        waitUntil("blue's backend shows healthy", page -> page.findElement(
                By.cssSelector("#pool-blue ul.backends .health")).getText().contains("healthy"));

        browser.findElement(By.id("switch-button")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();

        WebElement error = browser.findElement(By.id("error"));
        wait.until(ExpectedConditions.textToBePresentInElement(error, "healthy-target"));
        assertThat(error.getText()).contains("green has 0 healthy backends of 1");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("refusals"), "GUARD_FAILED"));
        assertThat(demo.proxy().admin().snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void aBackendWithALimit_showsItsRequestsUnderWayAgainstIt() {
        Backend green = demo.proxy().admin().snapshot().green().backends().get(0);
        demo.proxy().admin().deploy(Colour.GREEN, "v2", List.of(green.withMaxRequests(7)));

        browser.get(admin + "/");

        waitUntil("green's backend shows its limit", page -> page.findElement(
                By.cssSelector("#pool-green ul.backends")).getText().contains("0 of 7 under way"));
        assertThat(browser.findElement(By.cssSelector("#pool-blue ul.backends")).getText())
                .as("blue's backend has no limit").doesNotContain("under way");
    }

    @Test
    void requestsWaitingForABackendAtItsLimit_areShownInTheBanner_whileTheyWait() throws Exception {
        TestBackend held = TestBackend.start("held");
        BlueGreen routing = BlueGreen.builder()
                .blue("v1", List.of(Backend.of("127.0.0.1", held.port()).withMaxRequests(1))).build();
        BlueGreenProxy proxy = BlueGreenProxy.builder(routing).listen("127.0.0.1", 0)
                .queueTimeout(Duration.ofSeconds(30)).build();
        AdminEndpoint endpoint = AdminEndpoint.builder(routing).listen("127.0.0.1", 0).proxy(proxy).build();
        Gate gate = held.hold();
        try (RawHttpClient first = RawHttpClient.connect(proxy.start().get(10, TimeUnit.SECONDS).port());
             RawHttpClient second = RawHttpClient.connect(proxy.port())) {
            endpoint.start().get(10, TimeUnit.SECONDS);
            first.request("GET", "/first", Map.of());
            gate.awaitArrived(1, WAIT);
            second.request("GET", "/second", Map.of());

            browser.get("http://127.0.0.1:" + endpoint.port() + "/");

            waitForText("queued", "1");
            assertThat(browser.findElement(By.id("queue-meta")).getText()).contains("waiting for a backend 1");
            gate.release();
            assertThat(first.readResponse().status()).isEqualTo(200);
            assertThat(second.readResponse().status()).isEqualTo(200);
            waitUntil("the line goes once nothing waits", page -> !page.findElement(By.id("queue-meta")).isDisplayed());
        } finally {
            gate.release();
            endpoint.stop().get(10, TimeUnit.SECONDS);
            proxy.stop().get(10, TimeUnit.SECONDS);
            routing.close();
            held.close();
        }
    }

    @Test
    void aShiftAndAForcedSwitch_areShownInTheBanner() throws Exception {
        demo.proxy().admin().forced().shift(Colour.GREEN, 25);
        browser.get(admin + "/");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("shift"), "25 % of new requests to green"));
        assertThat(browser.findElement(By.id("balancing")).getText()).isEqualTo("round-robin");

        demo.proxy().admin().forced().promote();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("last-kind"), "PROMOTE (forced: guards skipped)"));
        assertThat(browser.findElement(By.id("shift")).getText()).isEqualTo("none");
    }

    @Test
    void rollbackTwice_showsTheSecondRefusalInTheAlertRegion() throws Exception {
        demo.proxy().admin().switchTo(Colour.GREEN);
        browser.get(admin + "/");
        waitForText("live-colour", "green");

        browser.findElement(By.id("rollback-button")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        waitForText("live-colour", "blue");
        waitForText("generation", "2");

        wait.until(ExpectedConditions.elementToBeClickable(By.id("rollback-button"))).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();

        WebElement error = browser.findElement(By.id("error"));
        wait.until(ExpectedConditions.textToBePresentInElement(error, "NO_ROLLBACK_TARGET"));
        assertThat(error.getDomAttribute("role")).isEqualTo("alert");
        assertThat(error.isDisplayed()).isTrue();
        assertThat(demo.proxy().admin().snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(demo.proxy().admin().snapshot().generation()).isEqualTo(2);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("refusals"), "NO_ROLLBACK_TARGET"));
        assertThat(browser.findElement(By.id("refusals")).getText()).contains("status-page", "rollback");
    }

    @Test
    void withABearerToken_thePageAsksForItOnce_keepsIt_andSwitchesWithIt() throws Exception {
        tokenEndpoint = AdminEndpoint.builder(demo.proxy().admin())
                .listen("127.0.0.1", 0)
                .proxy(demo.proxy().proxy())
                .bearerToken(TOKEN)
                .build()
                .start().get(10, TimeUnit.SECONDS);
        browser.get("http://127.0.0.1:" + tokenEndpoint.port() + "/");

        Alert first = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(first.getText()).contains("bearer token");
        first.sendKeys("wrong-token");
        first.accept();
        Alert second = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(second.getText()).contains("refused");
        second.sendKeys(TOKEN);
        second.accept();
        waitForText("live-colour", "blue");

        browser.findElement(By.id("switch-button")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        waitForText("live-colour", "green");
        assertThat(demo.proxy().admin().snapshot().actor()).isEqualTo("status-page");
        assertThat(((ChromeDriver) browser).executeScript("return sessionStorage.getItem('bluegreen.adminToken');"))
                .isEqualTo(TOKEN);
        assertThat(browser.findElement(By.id("error")).getText()).isEmpty();
    }

    @Test
    void aPageOfAnotherOrigin_whoseFormPostsToSwitch_changesNothing_andThePagesOwnButtonStillSwitches()
            throws Exception {
        String forgery = serveOnAnotherOrigin(admin + "/switch");
        browser.get(forgery);

        // The form submitted itself: the browser now shows the endpoint's answer to it.
        waitForAnswerAt(admin + "/switch");
        assertThat(demo.proxy().admin().snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(demo.proxy().admin().snapshot().generation()).isZero();
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("cross-origin request refused")
                .contains(forgery.replaceAll("/$", ""));

        browser.get(admin + "/");
        waitForText("live-colour", "blue");
        browser.findElement(By.id("switch-button")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        waitForText("live-colour", "green");
        assertThat(demo.proxy().admin().snapshot().actor()).isEqualTo("status-page");
    }

    @Test
    void aRebindingPage_getsNeitherTheStatusPageNorASwitch() throws Exception {
        int adminPort = demo.proxy().adminEndpoint().orElseThrow().port();
        String rebound = "http://" + EVIL_HOST + ":" + adminPort;

        // The attacker's name now leads to the endpoint, so its pages would be "same-origin" with it.
        browser.get(rebound + "/");
        waitForAnswerAt(rebound + "/");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("misdirected request")
                .contains(EVIL_HOST + ":" + adminPort).doesNotContain("Switch to green");

        browser.get(serveOnAnotherOrigin(rebound + "/switch").replace("127.0.0.1", EVIL_HOST));
        waitForAnswerAt(rebound + "/switch");
        assertThat(demo.proxy().admin().snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(demo.proxy().admin().snapshot().generation()).isZero();
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("misdirected request");
    }

    @Test
    void theShadowTrafficSection_isOffForTheDemo_andShowsCountsRoutesAndMismatchesWhenTheProxyMirrors()
            throws Exception {
        browser.get(admin + "/");
        waitUntil("the demo's page says shadow traffic is off", page -> textOf("mirror-state").startsWith("off"));

        DemoBackend blue = DemoBackend.builder("blue").body("v1\n").build();
        DemoBackend green = DemoBackend.builder("green").body("v2\n").build();
        mirrorBackends.add(blue);
        mirrorBackends.add(green);
        blue.start().get(10, TimeUnit.SECONDS);
        green.start().get(10, TimeUnit.SECONDS);
        picocli.CommandLine line = Main.commandLine();
        line.parseArgs("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--no-health-checks",
                "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(),
                "--mirror", "100", "--mirror-guard", "0.99");
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        mirroring = command.start().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
            assertThat(http.body(mirroring.proxyUrl() + "/orders/" + i)).isEqualTo("v1\n");
        }

        browser.get(mirroring.adminUrl().orElseThrow() + "/");
        waitUntil("the page counts 20 mismatches", page -> textOf("mirror-mismatched").equals("20"));
        assertThat(textOf("mirror-state")).isEqualTo("(100 % of live requests to green)");
        assertThat(textOf("mirror-mirrored")).isEqualTo("20");
        assertThat(textOf("mirror-matched")).isEqualTo("0");
        assertThat(textOf("mirror-agreement")).contains("green agreed on 0 of its last 20 compared pairs (0.0 %)",
                "a switch needs 99.0 % over at least 100 pairs");
        assertThat(browser.findElement(By.id("mirror-routes")).getText()).contains("GET", "/orders/{id}");
        String samples = browser.findElement(By.id("mirror-samples")).getText();
        assertThat(samples).contains("Latest mismatches", "GET /orders/19", "body: 3 bytes each, contents differ",
                "live: 200", "v1", "green: 200", "v2");
    }

    /** The text content of the element with {@code id}. */
    private String textOf(String id) {
        return String.valueOf(browser.findElement(By.id(id)).getDomProperty("textContent"));
    }

    /** Waits until the browser shows a loaded document at {@code url} with some text in it. */
    private void waitForAnswerAt(String url) {
        waitUntil("a document at " + url, page -> page.getCurrentUrl().equals(url)
                && !page.findElement(By.tagName("body")).getText().isBlank());
    }

    /**
     * Serves, on 127.0.0.1 and a port of its own (another origin), a page whose form posts {@code to=green} to
     * {@code action} as soon as it loads: what a hostile page an operator happens to visit would do.
     *
     * @return the page's URL
     */
    private String serveOnAnotherOrigin(String action) throws Exception {
        byte[] page = ("<!doctype html><html><body><form id=\"forged\" method=\"POST\" action=\"" + action + "\">"
                + "<input type=\"hidden\" name=\"to\" value=\"green\"></form>"
                + "<script>document.getElementById('forged').submit();</script></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        otherOrigin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otherOrigin.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        });
        otherOrigin.start();
        return "http://127.0.0.1:" + otherOrigin.getAddress().getPort() + "/";
    }

    /** About 40 requests a second through the proxy until the test ends, each of which must be answered 200. */
    private void sendTrafficThroughTheProxy() {
        String url = demo.proxy().proxyUrl() + "/";
        traffic.scheduleAtFixedRate(() -> {
            try {
                HttpResponse<String> response = http.get(url);
                (response.statusCode() == 200 ? answered : failed).incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failed.incrementAndGet();
            }
        }, 0, 25, TimeUnit.MILLISECONDS);
    }

    /** Waits until the element's text content (what the DOM holds, not its CSS-transformed rendering) is {@code expected}. */
    private void waitForText(String id, String expected) {
        waitUntil("#" + id + " is '" + expected + "'",
                page -> expected.equals(page.findElement(By.id(id)).getDomProperty("textContent")));
    }

    private void waitUntil(String what, Function<WebDriver, Boolean> condition) {
        wait.withMessage(what).until(condition);
    }

    /** The colour's current requests/s as the page prints it ("42", "1,234", "0.7"), or 0 before it has one. */
    private double rate(String colour) {
        String shown = browser.findElement(By.cssSelector("#pool-" + colour + " .stat-rps")).getText();
        return shown.matches("[0-9.,]+") ? Double.parseDouble(shown.replace(",", "")) : 0;
    }

    /** How many rate samples the colour's requests/s chart draws (0 before the page's first poll). */
    private int samples(String colour) {
        String samples = browser.findElement(By.cssSelector("#pool-" + colour + " canvas"))
                .getDomAttribute("data-samples");
        return samples == null ? 0 : Integer.parseInt(samples);
    }

    /**
     * Saves a screenshot of the whole page under target/. The viewport is stretched to the page's height through
     * the DevTools protocol: a headless window can't grow past its virtual screen.
     */
    private void saveScreenshot() throws Exception {
        ChromeDriver chrome = (ChromeDriver) browser;
        Number height = (Number) chrome.executeScript("return document.documentElement.scrollHeight;");
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", SCREENSHOT_WIDTH,
                "height", height.intValue(), "deviceScaleFactor", 1, "mobile", false));
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, chrome.getScreenshotAs(OutputType.BYTES));
        assertThat(SCREENSHOT).isNotEmptyFile();
    }
}
