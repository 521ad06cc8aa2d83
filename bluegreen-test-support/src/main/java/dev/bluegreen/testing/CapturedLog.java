package dev.bluegreen.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one logger (and the loggers below it) logs while this is open: a logback appender attached on creation and
 * detached by {@link #close()}, for a test that asserts on a log line.
 *
 * <pre>{@code
 * try (CapturedLog log = CapturedLog.of(BlueGreenProxy.class)) {
 *     ... start a proxy ...
 *     assertThat(log.messages()).anyMatch(line -> line.startsWith("bluegreen proxy listening on"));
 * }
 * }</pre>
 *
 * <p>The console output configured by the test's logback file is unaffected (the appender is additive), and so is
 * the logger's level: a line below it is not captured. Events arrive from any thread; {@link #messages()} may be read
 * while they do.
 */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLog(Logger logger) {
        this.logger = logger;
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures what the logger named after {@code type} logs, until closed. */
    public static CapturedLog of(Class<?> type) {
        return new CapturedLog((Logger) LoggerFactory.getLogger(type));
    }

    /** The formatted messages logged so far, oldest first. */
    public List<String> messages() {
        return messagesAtLeast(Level.ALL);
    }

    /**
     * The formatted messages logged so far at WARN or above, oldest first: what an operator sees, without the DEBUG
     * lines a test's logback file may let through.
     */
    public List<String> warnings() {
        return messagesAtLeast(Level.WARN);
    }

    private List<String> messagesAtLeast(Level level) {
        // AppenderBase.doAppend adds to the list while holding the appender's lock: copy under the same lock.
        synchronized (appender) {
            return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(level))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
