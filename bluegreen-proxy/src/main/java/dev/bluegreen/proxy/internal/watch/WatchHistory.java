package dev.bluegreen.proxy.internal.watch;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The samples of the last window, oldest first, and the newest one older than that, so that the figures over any
 * span within the window can be read. Confined to the watch's thread.
 */
public final class WatchHistory {

    private final ArrayDeque<WatchSample> samples = new ArrayDeque<>();
    private final long windowMillis;

    WatchHistory(WatchSample first, long windowMillis) {
        this.windowMillis = windowMillis;
        samples.add(first);
    }

    /** Adds the newest sample and forgets those no longer needed. */
    void add(WatchSample sample) {
        samples.addLast(sample);
        long horizon = sample.atMillis() - windowMillis;
        while (samples.size() > 2 && second().atMillis() <= horizon) {
            samples.removeFirst();
        }
    }

    /** The newest sample taken at or before {@code millis}, or the oldest kept if none is that old. */
    WatchSample atOrBefore(long millis) {
        Iterator<WatchSample> newestFirst = samples.descendingIterator();
        while (newestFirst.hasNext()) {
            WatchSample sample = newestFirst.next();
            if (sample.atMillis() <= millis) {
                return sample;
            }
        }
        return samples.getFirst();
    }

    /**
     * The sample that starts the window ending at {@code now}, but not earlier than {@code notBefore}: the judged
     * figures cover the last window, counted from the change at the earliest.
     */
    WatchSample windowStart(WatchSample now, WatchSample notBefore) {
        WatchSample start = atOrBefore(now.atMillis() - windowMillis);
        return start.atMillis() > notBefore.atMillis() ? start : notBefore;
    }

    int size() {
        return samples.size();
    }

    private WatchSample second() {
        Iterator<WatchSample> oldestFirst = samples.iterator();
        oldestFirst.next();
        return oldestFirst.next();
    }
}
