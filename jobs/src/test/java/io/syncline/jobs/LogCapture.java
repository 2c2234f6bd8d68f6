package io.syncline.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of this JVM (the test, the MiniCluster's tasks, the CLI) from {@code
 * level} up while it is open, messages and exception texts, for tests that check what logs hold.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Appender appender;
    private final Level previousRootLevel;

    public LogCapture(Level level) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        appender = new Appender("capture-" + UUID.randomUUID());
        appender.start();
        LoggerConfig root = configuration.getRootLogger();
        previousRootLevel = root.getLevel();
        configuration.getLoggers().values().forEach(l -> l.addAppender(appender, level, null));
        root.addAppender(appender, level, null);
        if (root.getLevel().isMoreSpecificThan(level)) {
            root.setLevel(level);
        }
        context.updateLoggers();
    }

    /** Every line captured so far, with its logger and any exception's text. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        configuration.getLoggers().values().forEach(l -> l.removeAppender(appender.getName()));
        configuration.getRootLogger().removeAppender(appender.getName());
        configuration.getRootLogger().setLevel(previousRootLevel);
        context.updateLoggers();
        appender.stop();
    }

    private final class Appender extends AbstractAppender {

        Appender(String name) {
            super(name, null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line =
                    new StringBuilder(event.getLoggerName())
                            .append(": ")
                            .append(event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            synchronized (LogCapture.this) {
                lines.add(line.toString());
            }
        }
    }
}
