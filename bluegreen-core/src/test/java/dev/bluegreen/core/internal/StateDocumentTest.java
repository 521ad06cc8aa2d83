package dev.bluegreen.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state file's document: round trip, history as changes, and errors that say where and what. */
class StateDocumentTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final Environment BLUE = Environment.of(Colour.BLUE, "v1", List.of(Backend.of("10.0.0.1", 80)));
    private static final Environment GREEN = Environment.of(Colour.GREEN, "v2", List.of(Backend.of("10.0.1.1", 80)));
    private static final RoutingSnapshot G0 = RoutingSnapshot.initial(Colour.BLUE, BLUE, GREEN, T);
    private static final RoutingSnapshot G1 = new RoutingSnapshot(1, Colour.GREEN, BLUE, GREEN, Colour.BLUE,
            ChangeKind.SWITCH, T, "release", "alice");
    private static final RoutingSnapshot G2 = new RoutingSnapshot(2, Colour.GREEN, BLUE, GREEN, Colour.BLUE,
            ChangeKind.SHIFT, T, "canary", "bot", 0, true);
    private static final RefusedChange REFUSED = new RefusedChange(T, "bob", "again", "switch to GREEN",
            Refusal.ALREADY_LIVE, "switch to GREEN refused: GREEN is already live", 1, Colour.GREEN);

    @Test
    void roundTrip_keepsTheSnapshotHistoryAndRefusals() {
        StateDocument document = new StateDocument(G2, List.of(G0, G1), List.of(REFUSED));

        assertThat(StateDocument.decode(document.encode())).isEqualTo(document);
    }

    @Test
    void changes_areTheConsecutivePairs_endingAtTheSnapshot() {
        StateDocument document = StateDocument.of(G0).changedTo(G1, 10).changedTo(G2, 10);

        assertThat(document.changes()).containsExactly(new Change(G0, G1), new Change(G1, G2));
        assertThat(StateDocument.of(G0).changedTo(G1, 1).changedTo(G2, 1).changes())
                .containsExactly(new Change(G1, G2));
    }

    @Test
    void historyOutOfOrder_isRefused_namingTheEntry() {
        assertThatThrownBy(() -> new StateDocument(G1, List.of(G2), List.of()))
                .hasMessage("history[0].generation: 2 (expected: below the next one, 1, of the snapshot)");
    }

    @Test
    void errorsInside_nameTheMembersPath() {
        String json = new String(new StateDocument(G2, List.of(G0, G1), List.of(REFUSED)).encode(), UTF_8);

        assertThatThrownBy(() -> StateDocument.decode(json.replace("\"actor\":\"alice\"", "\"actor\":\"\"")
                .getBytes(UTF_8))).hasMessageStartingWith("history[1].actor: ");
        assertThatThrownBy(() -> StateDocument.decode(json.replace("ALREADY_LIVE", "NOPE").getBytes(UTF_8)))
                .hasMessageStartingWith("refusals[0].refusal: \"NOPE\" (expected: one of [STALE_GENERATION");
        assertThatThrownBy(() -> StateDocument.decode(json.replace("\"rollbackTarget\":\"blue\",\"lastChange\":"
                + "\"SHIFT\"", "\"rollbackTarget\":\"green\",\"lastChange\":\"SHIFT\"").getBytes(UTF_8)))
                .hasMessageStartingWith("snapshot.rollbackTarget: GREEN (expected: the idle colour BLUE or null");
        assertThatThrownBy(() -> StateDocument.decode(json.replace("\"refusals\":", "\"extra\":1,\"refusals\":")
                .getBytes(UTF_8))).hasMessageStartingWith("extra: an unknown member");
    }

    @Test
    void jsonErrors_giveTheLineAndColumn() {
        assertThatThrownBy(() -> JsonReader.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"))
                .hasMessage("not valid JSON at offset 18 (line 3, column 7): found '2' (expected: ':')");
    }
}
