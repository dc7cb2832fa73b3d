package io.github.fusespringboot.mount;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** A storm of callback errors logs a few in full, counts the rest, and reports the count later. */
class CallbackErrorLogTest {

    @Test
    void aStormOfCallbackErrorsIsRateLimited() {
        Logger logger = (Logger) LoggerFactory.getLogger(FuseMount.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            CallbackErrorLog log = new CallbackErrorLog("storm");
            for (int i = 0; i < 10_000; i++) {
                log.record("getattr", "/file-" + i, new IllegalStateException("boom " + i));
            }
            assertThat(log.total()).isEqualTo(10_000);
            List<ILoggingEvent> errors = appender.list.stream().filter((e) -> e.getLevel() == Level.ERROR).toList();
            assertThat(errors).hasSize(CallbackErrorLog.PER_WINDOW);
            assertThat(errors.get(0).getFormattedMessage()).contains("'storm'", "getattr(/file-0)", "EIO");
            assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo("boom 0");
        }
        finally {
            logger.detachAppender(appender);
        }
    }

}
