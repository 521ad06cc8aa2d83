package dev.bluegreen.proxy.internal.watch;

import java.time.Duration;
import java.util.Locale;

/** How the watch writes its figures in messages, the log and the history: one definition for all of them. */
public final class WatchTexts {

    private WatchTexts() {
    }

    /** A latency in milliseconds: {@code "2.5 ms"} below 10 ms, {@code "120 ms"} above. */
    public static String millis(Duration duration) {
        long micros = duration.toNanos() / 1_000;
        return micros < 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0) : micros / 1000 + " ms";
    }

    /** A span in seconds to a tenth: {@code "60.0 s"}. */
    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** A fraction as a percentage to a tenth: {@code "5.0%"}. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }
}
