package dev.bluegreen.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The WARN lines the library logs while it is open, as formatted; for tests that read what an operator would. */
final class LoggedWarnings implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.bluegreen");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LoggedWarnings() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing. */
    static LoggedWarnings capture() {
        return new LoggedWarnings();
    }

    /** The WARN lines logged so far that contain {@code text}, formatted, in order. */
    List<String> containing(String text) {
        // The appender's list is appended to by the loops' threads: copy it under its lock.
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = List.copyOf(appender.list);
        }
        return events.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(message -> message.contains(text)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
