package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.RequestHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: while on, one INFO line per ended exchange on the logger {@value #LOGGER}, saying who asked what,
 * which colour and backend answered, with what, and how long it took:
 *
 * <pre>
 * 203.0.113.7 "GET /items/42 HTTP/1.1" 200 512 3.104ms green 10.0.0.2:8080
 * </pre>
 *
 * Fields, space-separated: the client's address (as the forwarded-header rules resolved it), the request line quoted
 * (the target escaped: {@code "}, {@code \} and any byte outside printable ASCII as {@code \xHH}), the status
 * ({@code -} when the response was cut short or never came), the response body bytes, the time from the request
 * head to the end, the colour, and the id of the backend picked last ({@code -} when none was: no usable backend).
 * Requests the proxy refused before routing them (400, 413, 421, 431...) are counted by the metrics, not logged here:
 * an attacker can send those as fast as a connection allows.
 *
 * <p>Off by default, and turned on or off at any time (thread-safe): an ended exchange reads one volatile field when
 * off, and formats its line on its event loop when on. Where the lines go (a file, a rotation) is the logging
 * configuration's choice, for the logger {@value #LOGGER}.
 */
public final class AccessLog {

    /** The name of the logger the lines go to. */
    public static final String LOGGER = "bluegreen.access";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private volatile boolean on;

    /** Turns the log on or off, from the next exchange that ends. */
    public void turn(boolean on) {
        this.on = on;
    }

    /** Whether the log is on. */
    public boolean isOn() {
        return on;
    }

    /**
     * Logs an ended exchange, if the log is on.
     *
     * @param client        the client's address
     * @param head          the request's head
     * @param status        the final status, 0 if it was cut short
     * @param responseBytes the response body bytes sent
     * @param durationNanos from the request head to the end
     * @param colour        the colour that answered
     * @param backend       the backend picked last, or {@code null}
     */
    void exchangeEnded(ClientAddress client, RequestHead head, int status, long responseBytes, long durationNanos,
                       Colour colour, Backend backend) {
        if (!on || !log.isInfoEnabled()) {
            return;
        }
        log.info(line(client.ip(), head, status, responseBytes, durationNanos, colour, backend));
    }

    static String line(String client, RequestHead head, int status, long responseBytes, long durationNanos,
                       Colour colour, Backend backend) {
        StringBuilder line = new StringBuilder(96 + head.target().length());
        line.append(client).append(" \"").append(head.method().name()).append(' ');
        escape(head.target(), line);
        line.append(' ').append(head.protocol() == ClientProtocol.HTTP_2 ? "HTTP/2" : head.version().text())
                .append("\" ");
        if (status == 0) {
            line.append('-');
        } else {
            line.append(status);
        }
        line.append(' ').append(responseBytes).append(' ');
        long micros = durationNanos / 1_000;
        line.append(micros / 1_000).append('.');
        long fraction = micros % 1_000;
        if (fraction < 100) {
            line.append(fraction < 10 ? "00" : "0");
        }
        line.append(fraction).append("ms ").append(colour.label()).append(' ')
                .append(backend == null ? "-" : backend.id());
        return line.toString();
    }

    /**
     * The target as the log shows it: printable ASCII but {@code "} and {@code \} as is, anything else escaped. The
     * parsers refuse such targets before any exchange; this keeps a line one line whatever a future path lets by.
     */
    static void escape(String target, StringBuilder line) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                if (c > 0xff) {
                    line.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]);
                } else {
                    line.append("\\x");
                }
                line.append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            } else {
                line.append(c);
            }
        }
    }
}
