package dev.bluegreen.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

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
}
