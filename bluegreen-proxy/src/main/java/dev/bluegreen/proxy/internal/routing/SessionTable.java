package dev.bluegreen.proxy.internal.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Which pool each sticky session started on: session name → a {@link Pin}, the {@link Environment} (colour and
 * version) it was pinned to and when. Bounded in size and forgetting sessions idle for the TTL (Caffeine, expire
 * after access).
 *
 * <p>Memory: an entry holds a key string of at most {@value #MAX_KEY_LENGTH} Latin-1 characters (longer names are
 * kept as a 43-character SHA-256 digest) and a {@code Pin} of 24 bytes, whose {@code Environment} is shared with
 * the routing snapshot. With compressed oops the key costs 24 bytes (String) + 16 + its length rounded up to 8
 * (byte[]): 64 bytes for the proxy's 22-character ids, 104 for a 64-character name. Caffeine's bookkeeping adds
 * about 93 bytes: its node with access order and size policy, the ConcurrentHashMap's table slot, the frequency
 * sketch. Measured with JOL ({@code GraphLayout} of a full cache of 100,000 entries, JDK 17): 181 bytes per entry
 * for 22-character keys, 205 for digests, 221 for 64-character keys; so the default 100,000 sessions take 18-22 MB
 * of heap, and the bound scales linearly with {@code maximumSize}.
 *
 * <p>Thread-safe and non-blocking for readers; Caffeine's maintenance runs on the calling thread (an event loop)
 * in small amortised steps, never waiting for a lock it can't take at once.
 */
public final class SessionTable {

    /** Session names longer than this are kept as a digest, so that an entry's size is bounded. */
    static final int MAX_KEY_LENGTH = 64;

    private final Cache<String, Pin> pins;

    SessionTable(long maximumSize, Duration idleTtl, Ticker ticker) {
        this.pins = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterAccess(idleTtl)
                .ticker(ticker)
                // Same-thread maintenance: no thread pool behind the data plane, and deterministic in tests.
                .executor(Runnable::run)
                .build();
    }

    /**
     * Where a session was pinned.
     *
     * @param pool  the pool (colour and version) it was pinned to
     * @param epoch the routing generation of the snapshot the pinning request was routed on: a pin to the old
     *              colour is honoured after a switch only if it was made before that switch
     */
    record Pin(Environment pool, long epoch) {
    }

    /** The pin of {@code session}, refreshing its idle time; {@code null} if none (or expired). */
    Pin pinned(String session) {
        return pins.getIfPresent(session);
    }

    /**
     * Pins a session seen for the first time, unless another request of it got there first.
     *
     * @return its pin from before (the caller should follow that one), or {@code null} if now pinned by
     *         {@code pin}
     */
    Pin pinIfAbsent(String session, Pin pin) {
        return pins.asMap().putIfAbsent(session, pin);
    }

    /** Pins a session anew (its old pin is no longer honoured, or a backend started it again). */
    void repin(String session, Pin pin) {
        pins.put(session, pin);
    }

    /** Sessions remembered now, roughly (expired entries may count until maintenance removes them). */
    long estimatedSize() {
        return pins.estimatedSize();
    }

    /** Runs pending maintenance (eviction, expiry) now; for tests. */
    void cleanUp() {
        pins.cleanUp();
    }

    /** The key a session name is kept under: the name itself, or its digest when it is long. */
    static String key(String name) {
        if (name.length() <= MAX_KEY_LENGTH) {
            return name;
        }
        byte[] digest = Sha256.digest(name.getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }
}
