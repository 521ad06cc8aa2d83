package dev.bluegreen.spring.boot;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * {@code bluegreen.http2.*}: HTTP/2 towards clients, whether it is offered and the limits of one connection. Bound
 * through {@link BlueGreenProperties#getHttp2()}; the defaults below repeat the proxy's ({@code Http2Options}).
 */
public class BlueGreenHttp2Properties {
    /** Whether HTTP/2 is offered at all (through ALPN with TLS, by its preface without); false: HTTP/1.1 only. */
    private boolean enabled = true;
    /** Whether a cleartext connection that opens with the HTTP/2 preface is served as HTTP/2 (h2c, as gRPC uses). */
    private boolean cleartext = true;
    /** How many streams a client may have open at once on one connection, 1-1000; more are refused. */
    private int maxConcurrentStreams = 100;
    /** The largest header list of a request, 1KB-1MB; larger gets 431, far larger closes the connection. */
    private DataSize maxHeaderListSize = DataSize.ofKilobytes(16);
    /** Each stream's receive window: how much request body a client may send ahead, 16KB-16MB. */
    private DataSize initialWindowSize = DataSize.ofBytes(65_535);
    /** The rapid-reset defence: more streams reset by the client within reset-window close the connection. */
    private int maxResetStreams = 200;
    /** The span max-reset-streams counts over, 1 s - 1 h. */
    private Duration resetWindow = Duration.ofSeconds(30);

    /** Creates the properties with their defaults; Spring does this. */
    public BlueGreenHttp2Properties() {
    }

    /** @return whether HTTP/2 is offered; true unless set */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether HTTP/2 is offered */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return whether h2c with prior knowledge is served; true unless set */
    public boolean isCleartext() {
        return cleartext;
    }

    /** @param cleartext whether h2c with prior knowledge is served */
    public void setCleartext(boolean cleartext) {
        this.cleartext = cleartext;
    }

    /** @return the concurrent streams per connection; 100 unless set */
    public int getMaxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** @param maxConcurrentStreams the concurrent streams per connection */
    public void setMaxConcurrentStreams(int maxConcurrentStreams) {
        this.maxConcurrentStreams = maxConcurrentStreams;
    }

    /** @return the largest request header list; 16 KB unless set */
    public DataSize getMaxHeaderListSize() {
        return maxHeaderListSize;
    }

    /** @param maxHeaderListSize the largest request header list */
    public void setMaxHeaderListSize(DataSize maxHeaderListSize) {
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /** @return each stream's receive window; 65535 bytes unless set */
    public DataSize getInitialWindowSize() {
        return initialWindowSize;
    }

    /** @param initialWindowSize each stream's receive window */
    public void setInitialWindowSize(DataSize initialWindowSize) {
        this.initialWindowSize = initialWindowSize;
    }

    /** @return the streams a client may reset within the reset window; 200 unless set */
    public int getMaxResetStreams() {
        return maxResetStreams;
    }

    /** @param maxResetStreams the streams a client may reset within the reset window */
    public void setMaxResetStreams(int maxResetStreams) {
        this.maxResetStreams = maxResetStreams;
    }

    /** @return the span the resets are counted over; 30 s unless set */
    public Duration getResetWindow() {
        return resetWindow;
    }

    /** @param resetWindow the span the resets are counted over */
    public void setResetWindow(Duration resetWindow) {
        this.resetWindow = resetWindow;
    }
}
