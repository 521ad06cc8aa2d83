package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.SwitchGuard;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.internal.Failures;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SwitchGuard} that sends a real request to every backend of the target pool before traffic moves there,
 * and passes only if each answers as expected: a smoke test of the new version, at switch time.
 *
 * <pre>{@code
 * blueGreen.addGuard(SmokeCheck.get("/checkout/health").expectStatus(200).expectBodyContaining("\"db\":\"up\""));
 * }</pre>
 *
 * <p>The requests go straight to the backends (not through the proxy), one per backend, all at once, each bounded by
 * {@link #timeout(Duration)}, whole answer included (one still coming then is cut off and fails); they run on the
 * JDK's HTTP client, never on the proxy's event loops. A failure names every backend that failed and how. Immutable;
 * each {@code with}-style method returns a new check. Two checks are equal when they have the same name, path,
 * expected status and body text, and timeout (the HTTP client each holds is made from the timeout).
 */
public final class SmokeCheck implements SwitchGuard {

    /** The default {@link #timeout(Duration)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final int MAX_NAME_LENGTH = 200;
    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private final String name;
    private final String path;
    private final int expectedStatus;
    private final String expectedBodyPart;
    private final Duration timeout;
    private final HttpClient client;

    private SmokeCheck(String name, String path, int expectedStatus, String expectedBodyPart, Duration timeout,
                       HttpClient client) {
        this.name = name;
        this.path = path;
        this.expectedStatus = expectedStatus;
        this.expectedBodyPart = expectedBodyPart;
        this.timeout = timeout;
        this.client = client;
    }

    /**
     * A check that sends {@code GET path} to each backend and expects a 2xx answer, named {@code "smoke GET path"}.
     *
     * @param path the path and query, starting with {@code /}
     * @return the check
     * @throws NullPointerException if {@code path} is {@code null}
     * @throws IllegalArgumentException if {@code path} does not start with {@code /} or is not a valid URI path
     */
    public static SmokeCheck get(String path) {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + Texts.quote(path) + " (expected: a path starting with '/')");
        }
        try {
            new URI("http://localhost" + path);
        } catch (URISyntaxException e) {
            // The check's name, and so every refusal and log line it gives, carries the path: never a control
            // character, and a message that says which setting is wrong.
            throw new IllegalArgumentException("path: " + Texts.quote(path) + " (expected: a valid URI path and"
                    + " query, percent-encoded: " + e.getReason() + " at index " + e.getIndex() + ")", e);
        }
        return new SmokeCheck("smoke GET " + path, path, 0, null, DEFAULT_TIMEOUT,
                HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build());
    }

    /**
     * The status every backend must answer with. Default: any 2xx.
     *
     * @param status 100 to 599
     * @return a new check
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public SmokeCheck expectStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100-599)");
        }
        return new SmokeCheck(name, path, status, expectedBodyPart, timeout, client);
    }

    /**
     * Text every backend's answer must contain.
     *
     * @param part the text
     * @return a new check
     * @throws NullPointerException if {@code part} is {@code null}
     */
    public SmokeCheck expectBodyContaining(String part) {
        return new SmokeCheck(name, path, expectedStatus, requireNonNull(part, "part"), timeout, client);
    }

    /**
     * How long each backend has to answer, connection included. Default: 5 seconds. Keep it below the admin
     * object's guard timeout, or the guard times out first with a less precise reason.
     *
     * @param timeout more than zero, at most one hour (the longest guard timeout)
     * @return a new check
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public SmokeCheck timeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        // Bounded here: a longer one was taken, and every check then failed with an ArithmeticException (long
        // overflow) from the HTTP client, refusing every switch for a reason that named no setting.
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout: " + Texts.duration(timeout)
                    + " (expected: more than 0, at most 1 h)");
        }
        return new SmokeCheck(name, path, expectedStatus, expectedBodyPart, timeout,
                HttpClient.newBuilder().connectTimeout(timeout).build());
    }

    /**
     * The name refusals give.
     *
     * @param name a short name, such as {@code "checkout-smoke"}
     * @return a new check
     * @throws IllegalArgumentException if {@code name} is blank, longer than 200 characters or holds a control
     *         character (it goes into every refusal and log line of the check)
     */
    public SmokeCheck named(String name) {
        requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: blank (expected: a short name)");
        }
        Texts.requireShortText("name", name, MAX_NAME_LENGTH);
        return new SmokeCheck(name, path, expectedStatus, expectedBodyPart, timeout, client);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<GuardVerdict> check(GuardContext context) {
        List<Backend> backends = context.targetEnvironment().backends();
        List<CompletableFuture<String>> problems = new ArrayList<>(backends.size());
        for (Backend backend : backends) {
            problems.add(probe(backend));
        }
        return CompletableFuture.allOf(problems.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<String> failed = new ArrayList<>();
            for (CompletableFuture<String> problem : problems) {
                String text = problem.join();
                if (text != null) {
                    failed.add(text);
                }
            }
            if (failed.isEmpty()) {
                return GuardVerdict.pass(backends.size() + " of " + backends.size() + " backends answered " + path);
            }
            return GuardVerdict.fail(failed.size() + " of " + backends.size() + " " + context.target()
                    + " backends failed GET " + path + ": " + String.join("; ", failed));
        });
    }

    /** Completes with {@code null} if the backend answered as expected, else with what went wrong. */
    private CompletableFuture<String> probe(Backend backend) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create("http://" + backend.authority() + path)).GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(backend.id() + " " + e.getMessage());
        }
        CompletableFuture<HttpResponse<String>> sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        // Not HttpRequest.timeout, which bounds the wait for the response head only: a body that never ends (a
        // stream, a backend stuck mid-answer) would hold the check until the guard timeout, and its connection for
        // good. Cancelling the future aborts the exchange and closes its connection (JDK 16+), head or body.
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> sent.cancel(true));
        return sent.handle((response, error) -> {
            if (error != null && Failures.cause(error) instanceof CancellationException) {
                return backend.id() + " sent no whole answer within " + Texts.duration(timeout);
            }
            if (error != null) {
                Throwable cause = Failures.cause(error);
                return backend.id() + " " + cause.getClass().getSimpleName()
                        + (cause.getMessage() != null ? " (" + cause.getMessage() + ")" : "");
            }
            int status = response.statusCode();
            boolean statusOk = expectedStatus == 0 ? status / 100 == 2 : status == expectedStatus;
            if (!statusOk) {
                return backend.id() + " answered " + status + " (expected: "
                        + (expectedStatus == 0 ? "2xx" : expectedStatus) + ")";
            }
            if (expectedBodyPart != null && !response.body().contains(expectedBodyPart)) {
                return backend.id() + " answered without '" + expectedBodyPart + "'";
            }
            return null;
        });
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SmokeCheck that && name.equals(that.name) && path.equals(that.path)
                && expectedStatus == that.expectedStatus && Objects.equals(expectedBodyPart, that.expectedBodyPart)
                && timeout.equals(that.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, path, expectedStatus, expectedBodyPart, timeout);
    }

    @Override
    public String toString() {
        return "SmokeCheck[" + name + "]";
    }
}
