package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.core.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The status page's bytes and the {@code Content-Security-Policy} it is served with.
 *
 * <p>The page builds every element from the API's JSON as text, never as HTML, so no backend name, version label or
 * refusal message can run as script in it. The policy makes that hold even if a change to the page slipped: only the
 * page's own inline script runs (allowed by its SHA-256, computed here from the page as shipped), it may talk to the
 * endpoint only ({@code connect-src 'self'}, nothing to send the token or the state elsewhere), loads nothing from
 * elsewhere, and no page may frame it (clickjacking). Styles stay inline ({@code 'unsafe-inline'}: the page sets
 * widths through style attributes, and a style can't run script).
 *
 * <p>Immutable; read once per endpoint.
 */
public final class StatusPage {

    /**
     * The policy of every other answer (JSON, the Prometheus text, refusals): nothing in it may load or run anything,
     * and no page may frame it.
     */
    static final String DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'";

    private static final String RESOURCE = "/dev/bluegreen/proxy/admin/status.html";
    private static final String OPEN = "<script>";
    private static final String CLOSE = "</script>";

    private final byte[] bytes;
    private final String policy;

    private StatusPage(byte[] bytes) {
        this.bytes = bytes;
        this.policy = policyFor(new String(bytes, StandardCharsets.UTF_8));
    }

    /** The status page, read from the classpath. */
    public static StatusPage load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the status page " + RESOURCE + " is missing from the classpath");
            }
            return new StatusPage(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the status page " + RESOURCE, e);
        }
    }

    /** The page, as served. */
    byte[] bytes() {
        return bytes;
    }

    /** The {@code Content-Security-Policy} the page is served with. */
    String contentSecurityPolicy() {
        return policy;
    }

    /** The policy for {@code html}, whose one inline script is allowed by its hash (CSP Level 3 §8.3). */
    static String policyFor(String html) {
        int open = html.indexOf(OPEN);
        int close = open < 0 ? -1 : html.indexOf(CLOSE, open);
        if (open < 0 || close < 0 || html.indexOf(OPEN, close) >= 0) {
            throw new IllegalStateException("the status page must hold exactly one inline <script> block");
        }
        byte[] script = html.substring(open + OPEN.length(), close).getBytes(StandardCharsets.UTF_8);
        String hash = Base64.getEncoder().encodeToString(Sha256.digest(script));
        return "default-src 'none'; script-src 'sha256-" + hash + "'; style-src 'unsafe-inline'; img-src data:; "
                + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }
}
