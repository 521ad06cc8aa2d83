package dev.bluegreen.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AuditLogTest {

    private final AuditLog audit = new AuditLog(LoggerFactory.getLogger(AuditLogTest.class), 10, List.of(),
            RoutingSnapshot.initial(Colour.BLUE, Environment.empty(Colour.BLUE), Environment.empty(Colour.GREEN),
                    Instant.EPOCH), null);

    @Test
    void addListener_afterClose_isRefused_forAClosedLogTellsNoListener() throws Exception {
        AutoCloseable before = audit.addListener(change -> { });
        audit.close();

        assertThatIllegalStateException().isThrownBy(() -> audit.addListener(change -> { }))
                .withMessage("addListener refused: this audit log is closed (expected: an open one; the listener"
                        + " would never be called)");
        before.close();
        assertThat(audit.history()).isEmpty();
    }

    @Test
    void aLineSeparatorInAnActorOrReason_isEscapedInTheLogLine_keptInTheRecord() {
        Logger logger = (Logger) LoggerFactory.getLogger(AuditLogTest.class.getName() + ".lines");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        AuditLog log = new AuditLog(logger, 10, List.of(), RoutingSnapshot.initial(Colour.BLUE,
                Environment.empty(Colour.BLUE), Environment.empty(Colour.GREEN), Instant.EPOCH), null);
        String reason = "fix\u2028routing generation 9 by root: forged";

        log.onApplied(new RoutingSnapshot(1, Colour.GREEN, Environment.empty(Colour.BLUE),
                Environment.empty(Colour.GREEN), Colour.BLUE, ChangeKind.SWITCH, Instant.EPOCH, reason,
                "ops\u2029team"));

        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("routing generation 1: SWITCH BLUE -> GREEN by ops\\u2029team: fix\\u2028routing"
                        + " generation 9 by root: forged;")
                .doesNotContain("\u2028", "\u2029");
        assertThat(log.history()).singleElement().extracting(change -> change.reason()).isEqualTo(reason);
    }
}
