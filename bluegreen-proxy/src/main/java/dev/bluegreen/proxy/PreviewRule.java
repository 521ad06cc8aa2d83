package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which requests are preview traffic: those carrying a configured header or cookie, optionally only with a shared
 * secret as its value. The proxy sends preview traffic to the idle colour, so testers can try the next version
 * before the switch, and never falls back to the live colour: if the idle pool can't serve, the tester sees the
 * error (502 or 503).
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin)
 *         .preview(PreviewRule.header("X-Preview").withSecret(System.getenv("PREVIEW_SECRET")))
 *         ...
 * }</pre>
 *
 * <p>With a secret, a request whose header (or cookie) has another value is routed as usual, and the header (or
 * cookie) is removed before the request goes upstream, matched or not, so the secret never reaches a backend.
 * Without a secret, anyone who knows the name can preview, and the header or cookie is passed on.
 *
 * <p>Immutable and thread-safe. Two rules are equal when they look at the same header (its name in any case, as
 * headers are matched) or the same cookie (case-sensitive), with the same secret or none.
 */
public final class PreviewRule {

    private static final int MAX_SECRET_LENGTH = 256;

    /** Fields a preview header must not be: in nearly every request, or relied on by the proxy or the backends. */
    private static final Set<String> TAKEN_HEADERS = Set.of("host", "authorization", "proxy-authorization", "cookie",
            "content-length", "content-type", "content-encoding", "transfer-encoding", "te", "trailer", "connection",
            "keep-alive", "proxy-connection", "upgrade", "expect", "forwarded", "x-forwarded-for",
            "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "via", "user-agent", "accept", "accept-encoding",
            "accept-language", "origin", "referer");

    private final String name;
    private final boolean cookie;
    private final String secret;

    private PreviewRule(String name, boolean cookie, String secret) {
        this.name = name;
        this.cookie = cookie;
        this.secret = secret;
    }

    /**
     * Preview traffic is any request with the header {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException if {@code name} is not a header name token, or is a field that nearly every
     *         request carries or that the proxy or the backends rely on ({@code Host}, {@code Authorization},
     *         {@code Cookie}, {@code Content-Type}, the framing and forwarding fields...), which would send all
     *         traffic to the idle colour, or have its secret strip it from every request
     */
    public static PreviewRule header(String name) {
        String header = token("header", name);
        if (TAKEN_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header: '" + name + "' (expected: a header of its own, such as"
                    + " X-Preview: this one is in nearly every request, or the proxy or the backends rely on it, and"
                    + " a secret would strip it from every request)");
        }
        return new PreviewRule(header, false, null);
    }

    /**
     * Preview traffic is any request with the cookie {@code name} (case-sensitive, RFC 6265 §5.4).
     *
     * @throws IllegalArgumentException if {@code name} is not a cookie name token
     */
    public static PreviewRule cookie(String name) {
        return new PreviewRule(token("cookie", name), true, null);
    }

    /**
     * The same rule, matching only when the header's (or cookie's) value is {@code secret}, compared in constant
     * time. The header or cookie is then removed from every request before it goes upstream.
     *
     * @param secret 1-256 visible ASCII characters, no {@code ;}, {@code ,}, {@code "} or {@code \}
     * @throws IllegalArgumentException if {@code secret} is empty, too long or holds another character
     */
    public PreviewRule withSecret(String secret) {
        requireNonNull(secret, "secret");
        if (secret.isEmpty() || secret.length() > MAX_SECRET_LENGTH
                || !secret.chars().allMatch(c -> c > 0x20 && c < 0x7f && ";,\"\\".indexOf(c) < 0)) {
            throw new IllegalArgumentException("secret: " + secret.length() + " characters (expected: 1-"
                    + MAX_SECRET_LENGTH + " visible ASCII characters, none of ; , \" \\)");
        }
        return new PreviewRule(name, cookie, secret);
    }

    /** The header or cookie name. */
    public String name() {
        return name;
    }

    /** Whether the rule looks at a cookie rather than a header. */
    public boolean isCookie() {
        return cookie;
    }

    /** The shared secret the value must equal, if one was set. */
    public Optional<String> secret() {
        return Optional.ofNullable(secret);
    }

    static String token(String what, String name) {
        requireNonNull(name, what);
        if (name.isEmpty() || !name.chars().allMatch(PreviewRule::isTokenChar)) {
            throw new IllegalArgumentException(
                    what + ": " + Texts.quote(name) + " (expected: a token, RFC 9110 §5.6.2)");
        }
        return name;
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PreviewRule rule && cookie == rule.cookie && Objects.equals(secret, rule.secret)
                && (cookie ? name.equals(rule.name) : name.equalsIgnoreCase(rule.name));
    }

    @Override
    public int hashCode() {
        return Objects.hash(cookie ? name : name.toLowerCase(Locale.ROOT), cookie, secret);
    }

    /** Names the header or cookie; never shows the secret. */
    @Override
    public String toString() {
        return "PreviewRule[" + (cookie ? "cookie " : "header ") + name + (secret != null ? ", with secret]" : "]");
    }
}
