package io.wharf.broker.plugin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/** Captures what the plugin host logs, so tests can check that a problem is reported, and reported once. */
final class LogCapture implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger(LogCapture.class.getPackageName());
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Formatted messages logged at {@code level}, with the exception class name appended when there is one. */
    List<String> messages(Level level) {
        // AppenderBase.doAppend synchronizes on the appender; so does this read, as the event thread logs too.
        synchronized (appender) {
            return appender.list.stream()
                    .filter(event -> event.getLevel() == level)
                    .map(event -> event.getThrowableProxy() == null
                            ? event.getFormattedMessage()
                            : event.getFormattedMessage() + " | " + event.getThrowableProxy().getClassName())
                    .toList();
        }
    }

    /** How many messages at {@code level} contain every one of {@code fragments}. */
    long count(Level level, String... fragments) {
        return messages(level).stream()
                .filter(message -> Arrays.stream(fragments).allMatch(message::contains))
                .count();
    }

    /** Fails unless some message at {@code level} contains every one of {@code fragments}. */
    void assertLogged(Level level, String... fragments) {
        if (count(level, fragments) == 0) {
            throw new AssertionError("No " + level + " message contains all of " + List.of(fragments)
                    + "; " + level + " messages: " + messages(level));
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
