package dev.bluegreen.proxy.internal.watch;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.watch.Breach;
import dev.bluegreen.proxy.watch.WatchEvent;
import dev.bluegreen.proxy.watch.WatchFigures;
import dev.bluegreen.proxy.watch.WatchListener;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells what the watch did: one log line per event (WARN for a breach or a failed rollback, INFO otherwise) and the
 * application's {@link WatchListener}, guarded so that a listener that throws changes nothing.
 */
public final class WatchEvents {

    private static final Logger log = LoggerFactory.getLogger(Watcher.class);

    private final WatchListener listener;
    private final Clock clock;

    WatchEvents(WatchListener listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    void emit(WatchEvent.Kind kind, long generation, Colour colour, int percent, WatchFigures figures,
              WatchFigures baseline, Breach breach, String message) {
        if (kind == WatchEvent.Kind.BREACHED || kind == WatchEvent.Kind.ROLLBACK_FAILED) {
            log.warn("{}", message);
        } else {
            log.info("{}", message);
        }
        WatchEvent event = new WatchEvent(kind, generation, colour, percent, figures, baseline, breach,
                Instant.ofEpochMilli(clock.millis()), message);
        try {
            listener.onEvent(event);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // An Error too (an assertion, a class that failed to load): thrown on, it would end the watch's schedule.
            log.warn("watch listener failed on {}; ignored", kind, e);
        }
    }

    /** One plain line about something that is not an event (a plan halted for a reason other than a breach). */
    void note(String message) {
        log.info("{}", message);
    }
}
