package dev.bluegreen.testing;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link TestBackend} answers requests. Immutable; pick one with a static factory, optionally hold it
 * behind a {@link Gate} with {@link #heldBy(Gate)}, and install it with {@link TestBackend#behave(Behaviour)}.
 * A backend reads its behaviour once per request, when the request head arrives.
 *
 * <p>Common to all behaviours: every response carries {@code X-Backend: <name>}; a request body is read as it
 * streams, counted and CRC32-summed; responses whose head is sent after the request body was read carry
 * {@code X-Received-Bytes} and {@code X-Received-Crc32} (lower-case hex) when the request had a body (a
 * {@code Content-Length} or chunked framing); {@code Expect: 100-continue} is answered with {@code 100 Continue}
 * before the body is read (unless {@link #withoutContinue()}).
 */
public final class Behaviour {

    enum Kind { REPLY, STATUS, DOWNLOAD, ECHO, NEVER_RESPOND, CLOSE_ON_REQUEST }

    /** How a download body is delimited (RFC 9112 section 6). */
    enum Framing { CONTENT_LENGTH, CHUNKED, CLOSE_DELIMITED }

    private static final Behaviour REPLY = new Behaviour(Kind.REPLY, 200, null, 0, Framing.CONTENT_LENGTH, null, true);

    private final Kind kind;
    private final int status;
    private final String body;
    private final long bytes;
    private final Framing framing;
    private final Gate gate;
    private final boolean expectContinue;

    private Behaviour(Kind kind, int status, String body, long bytes, Framing framing, Gate gate,
                      boolean expectContinue) {
        this.kind = kind;
        this.status = status;
        this.body = body;
        this.bytes = bytes;
        this.framing = framing;
        this.gate = gate;
        this.expectContinue = expectContinue;
    }

    /** The default: {@code 200}, {@code text/plain} body = the backend's name, with {@code Content-Length}. */
    public static Behaviour reply() {
        return REPLY;
    }

    /**
     * A fixed status and {@code text/plain} body. No body is sent for 204 and 304 (RFC 9110 sections 15.3.5
     * and 15.4.5), nor for HEAD, which gets the {@code Content-Length} the GET would have.
     *
     * @throws IllegalArgumentException if {@code code} is not a final status (200-599)
     */
    public static Behaviour status(int code, String body) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("code: " + code + " (expected: 200-599)");
        }
        return new Behaviour(Kind.STATUS, code, requireNonNull(body, "body"), 0, Framing.CONTENT_LENGTH, null, true);
    }

    /**
     * {@code 200} with {@code Content-Length: bytes} and the pattern body ({@link TestBackend#patternByte}),
     * written in 64 KiB chunks only while the connection is writable.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public static Behaviour download(long bytes) {
        return download(bytes, Framing.CONTENT_LENGTH);
    }

    /** Like {@link #download(long)} with {@code Transfer-Encoding: chunked} (close-delimited for HTTP/1.0). */
    public static Behaviour chunkedDownload(long bytes) {
        return download(bytes, Framing.CHUNKED);
    }

    /** Like {@link #download(long)} with neither length nor chunking: the body ends when the backend closes. */
    public static Behaviour closeDelimitedDownload(long bytes) {
        return download(bytes, Framing.CLOSE_DELIMITED);
    }

    /**
     * {@code 200}, chunked, streaming the request body back as it arrives (reading pauses while the
     * connection is not writable). Received bytes and CRC32 are sent as trailers {@code X-Received-Bytes} and
     * {@code X-Received-Crc32}. Cannot be held by a gate.
     */
    public static Behaviour echo() {
        return new Behaviour(Kind.ECHO, 200, null, 0, Framing.CHUNKED, null, true);
    }

    /** Reads requests (bodies included) and never answers; the connection stays open until either side closes. */
    public static Behaviour neverRespond() {
        return new Behaviour(Kind.NEVER_RESPOND, 0, null, 0, Framing.CONTENT_LENGTH, null, true);
    }

    /** Closes the connection as soon as a request head arrives, without any response. */
    public static Behaviour closeOnRequest() {
        return new Behaviour(Kind.CLOSE_ON_REQUEST, 0, null, 0, Framing.CONTENT_LENGTH, null, true);
    }

    /**
     * This behaviour, but each request waits at {@code gate} (counted on arrival of its head) and is answered,
     * or for {@link #closeOnRequest()} closed, only once the gate released it and its body was read.
     *
     * @throws IllegalStateException for {@link #echo()}, whose response starts with the request
     */
    public Behaviour heldBy(Gate gate) {
        requireNonNull(gate, "gate");
        if (kind == Kind.ECHO) {
            throw new IllegalStateException("echo cannot be held: its response streams while the request arrives");
        }
        return new Behaviour(kind, status, body, bytes, framing, gate, expectContinue);
    }

    /** This behaviour, ignoring {@code Expect: 100-continue} (the client must send its body unprompted). */
    public Behaviour withoutContinue() {
        return new Behaviour(kind, status, body, bytes, framing, gate, false);
    }

    private static Behaviour download(long bytes, Framing framing) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
        return new Behaviour(Kind.DOWNLOAD, 200, null, bytes, framing, null, true);
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return status;
    }

    String body() {
        return body;
    }

    long bytes() {
        return bytes;
    }

    Framing framing() {
        return framing;
    }

    Gate gate() {
        return gate;
    }

    boolean expectContinue() {
        return expectContinue;
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case REPLY -> "reply()";
            case STATUS -> "status(" + status + ")";
            case DOWNLOAD -> "download(" + bytes + ", " + framing + ")";
            case ECHO -> "echo()";
            case NEVER_RESPOND -> "neverRespond()";
            case CLOSE_ON_REQUEST -> "closeOnRequest()";
        };
        return what + (gate != null ? ".heldBy(" + gate + ")" : "") + (expectContinue ? "" : ".withoutContinue()");
    }
}
