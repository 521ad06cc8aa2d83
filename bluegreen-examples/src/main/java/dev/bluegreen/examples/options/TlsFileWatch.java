package dev.bluegreen.examples.options;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a certificate when its files change: every period it reads the certificate and key files and, if either
 * differs from what was last loaded, runs the reload ({@link dev.bluegreen.proxy.BlueGreenProxy#reloadTls()},
 * {@link dev.bluegreen.proxy.AdminEndpoint#reloadTls()}).
 *
 * <p>Contents are compared, not modification times: a renewal that copies files with their times kept, or swaps a
 * symbolic link (certbot's {@code live/} directory), is seen too. A renewal caught half done (the new certificate
 * beside the old key) is refused by the reload, which keeps the old pair served, and logged at WARN; the next change
 * (the key arriving) is tried again. The files are small; reading them once a minute costs nothing.
 */
public final class TlsFileWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsFileWatch.class);

    private final Runnable reload;
    private final String what;
    private final List<Path> files;
    private final ScheduledExecutorService timer;
    /** The contents last tried, loaded or not; touched on the timer's thread only (and by a test's direct call). */
    private List<byte[]> lastTried;

    private TlsFileWatch(Runnable reload, String what, List<Path> files) {
        this.reload = reload;
        this.what = what;
        this.files = files;
        this.lastTried = read(files);
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bluegreen-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts watching {@code files}, as they are served now.
     *
     * @param reload reads the files again and serves them; throws, changing nothing, if they can't be used
     * @param what what serves them, for the log
     * @param files the certificate chain and private key files
     * @param period how often to look; positive
     * @return the watch; close it to stop
     */
    public static TlsFileWatch start(Runnable reload, String what, List<Path> files, Duration period) {
        requireNonNull(reload, "reload");
        requireNonNull(what, "what");
        requireNonNull(period, "period");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period: " + Texts.duration(period) + " (expected: > 0)");
        }
        TlsFileWatch watch = new TlsFileWatch(reload, what, List.copyOf(files));
        long nanos = period.toNanos();
        watch.timer.scheduleWithFixedDelay(watch::check, nanos, nanos, TimeUnit.NANOSECONDS);
        return watch;
    }

    /**
     * Reloads if the files differ from the contents last tried.
     *
     * @return whether a reload was tried
     */
    boolean check() {
        List<byte[]> now = read(files);
        if (sameContents(now, lastTried)) {
            return false;
        }
        lastTried = now;
        try {
            reload.run();
        } catch (RuntimeException refused) {
            // The pair served stays; a renewal half done is tried again at its next change.
            log.warn("TLS files of the {} changed but were not loaded; it still serves the previous certificate: {}",
                    what, refused.getMessage());
        }
        return true;
    }

    private static boolean sameContents(List<byte[]> a, List<byte[]> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Each file's bytes; an empty array for one that can't be read now (being replaced): a change like any other. */
    private static List<byte[]> read(List<Path> files) {
        List<byte[]> contents = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                contents.add(Files.readAllBytes(file));
            } catch (IOException unreadable) {
                contents.add(new byte[0]);
            }
        }
        return contents;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    @Override
    public String toString() {
        return "TlsFileWatch[" + what + ", " + files + "]";
    }
}
