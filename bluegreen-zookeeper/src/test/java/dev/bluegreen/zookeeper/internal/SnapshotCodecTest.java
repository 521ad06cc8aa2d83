package dev.bluegreen.zookeeper.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotCodecTest {

    private static final RoutingSnapshot SNAPSHOT = new RoutingSnapshot(42, Colour.GREEN,
            Environment.of(Colour.BLUE, "v1 \"blue\"", List.of(new Backend("10.0.0.1", 8080, "b-1", 3),
                    new Backend("::1", 8081, "b-2", 1))),
            Environment.of(Colour.GREEN, "v2", List.of(Backend.of("green.example", 443))),
            Colour.BLUE, ChangeKind.PROMOTE, Instant.parse("2026-11-26T15:49:32.123456789Z"),
            "release 2.3: tab-free, ünïcödé, backslash \\ and emoji \uD83D\uDE80", "alice@ops");

    @Test
    void roundTrip_keepsEveryComponent() {
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(SNAPSHOT))).isEqualTo(SNAPSHOT);
    }

    @Test
    void roundTrip_ofTextsOfEmojiAtTheirLimits_keepsThem_atFourBytesEach() {
        // The limits count characters (code points): 500 emoji are a valid reason, though 1,000 chars.
        String emoji = "\uD83D\uDE00";
        RoutingSnapshot longest = new RoutingSnapshot(7, Colour.GREEN,
                Environment.of(Colour.BLUE, emoji.repeat(Environment.MAX_VERSION_LENGTH),
                        List.of(new Backend("10.0.0.1", 8080, emoji.repeat(Backend.MAX_ID_LENGTH), 1))),
                SNAPSHOT.green(), Colour.BLUE, ChangeKind.DEPLOY, Instant.EPOCH,
                emoji.repeat(RoutingSnapshot.MAX_REASON_LENGTH), emoji.repeat(RoutingSnapshot.MAX_ACTOR_LENGTH));

        byte[] encoded = SnapshotCodec.encode(longest);

        assertThat(new String(encoded, UTF_8)).contains(longest.reason());
        assertThat(encoded.length).isLessThan(4 * (256 + 300 + 500 + 200) + 1_000);
        assertThat(SnapshotCodec.decode(encoded)).isEqualTo(longest);
    }

    @Test
    void roundTrip_ofAShiftOrAForcedChange_usesFormat2() {
        RoutingSnapshot shifting = new RoutingSnapshot(8, Colour.BLUE, SNAPSHOT.blue(), SNAPSHOT.green(), null,
                ChangeKind.SHIFT, Instant.EPOCH, "shift 0% -> 25% to GREEN", "app", 25, true);

        byte[] encoded = SnapshotCodec.encode(shifting);

        assertThat(new String(encoded, UTF_8)).startsWith("{\"format\":2,").contains("\"shiftPercent\":25,\"forced\":true");
        assertThat(SnapshotCodec.decode(encoded)).isEqualTo(shifting);
    }

    @Test
    void roundTrip_ofABackendWithALimit_usesFormat3_withTheLimitOnEveryBackend() {
        RoutingSnapshot limited = new RoutingSnapshot(9, Colour.GREEN,
                Environment.of(Colour.BLUE, "v1", List.of(new Backend("10.0.0.1", 8080, "b-1", 3, 200),
                        Backend.of("10.0.0.2", 8080))),
                SNAPSHOT.green(), Colour.BLUE, ChangeKind.DEPLOY, Instant.EPOCH, "limits", "app");

        byte[] encoded = SnapshotCodec.encode(limited);

        assertThat(new String(encoded, UTF_8)).startsWith("{\"format\":3,")
                .contains("\"weight\":3,\"maxRequests\":200}", "\"weight\":1,\"maxRequests\":0}");
        assertThat(SnapshotCodec.decode(encoded)).isEqualTo(limited);
        String withoutALimit = new String(encoded, UTF_8).replace(",\"maxRequests\":0", "");
        assertThatThrownBy(() -> SnapshotCodec.decode(withoutALimit.getBytes(UTF_8)))
                .hasMessage("blue.backends[1].maxRequests: missing");
        String format2 = new String(encoded, UTF_8).replace("{\"format\":3,", "{\"format\":2,");
        assertThatThrownBy(() -> SnapshotCodec.decode(format2.getBytes(UTF_8)))
                .hasMessageStartingWith("blue.backends[0].maxRequests: an unknown member");
    }

    @Test
    void decode_refusesAShareOutOfRange() {
        String json = new String(SnapshotCodec.encode(new RoutingSnapshot(8, Colour.BLUE, SNAPSHOT.blue(),
                SNAPSHOT.green(), null, ChangeKind.SHIFT, Instant.EPOCH, "x", "app", 25, false)), UTF_8)
                .replace("\"shiftPercent\":25", "\"shiftPercent\":250");

        assertThatThrownBy(() -> SnapshotCodec.decode(json.getBytes(UTF_8)))
                .hasMessage("shiftPercent: 250 (expected: 0-100)");
    }

    @Test
    void roundTrip_ofAnInitialSnapshotWithEmptyPoolsAndNoRollbackTarget() {
        RoutingSnapshot initial = RoutingSnapshot.initial(Colour.BLUE, Environment.empty(Colour.BLUE),
                Environment.empty(Colour.GREEN), Instant.EPOCH);

        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(initial))).isEqualTo(initial);
    }

    @Test
    void encode_writesTheDocumentedFormat() {
        RoutingSnapshot snapshot = new RoutingSnapshot(7, Colour.GREEN,
                Environment.of(Colour.BLUE, "v1", List.of(Backend.of("10.0.0.1", 8080))),
                Environment.of(Colour.GREEN, "v2", List.of()),
                Colour.BLUE, ChangeKind.SWITCH, Instant.parse("2026-01-01T00:00:00Z"), "switch BLUE -> GREEN", "app");

        assertThat(new String(SnapshotCodec.encode(snapshot), UTF_8)).isEqualTo("{\"format\":1,\"generation\":7,"
                + "\"live\":\"green\",\"rollbackTarget\":\"blue\",\"lastChange\":\"SWITCH\","
                + "\"changedAt\":\"2026-01-01T00:00:00Z\",\"reason\":\"switch BLUE -> GREEN\",\"actor\":\"app\","
                + "\"blue\":{\"version\":\"v1\",\"backends\":[{\"id\":\"10.0.0.1:8080\",\"host\":\"10.0.0.1\","
                + "\"port\":8080,\"weight\":1}]},\"green\":{\"version\":\"v2\",\"backends\":[]}}");
    }

    @Test
    void decode_acceptsWhitespaceAndAnyMemberOrder() {
        String json = "{ \"generation\" : 0, \"format\": 1, \"actor\": \"system\", \"reason\": \"initial\",\n"
                + " \"changedAt\": \"1970-01-01T00:00:00Z\", \"lastChange\": \"INITIAL\", \"rollbackTarget\": null,\n"
                + " \"live\": \"blue\", \"green\": {\"backends\": [], \"version\": \"none\"},\n"
                + " \"blue\": {\"version\": \"v\\u0031\", \"backends\": []} }\n";

        RoutingSnapshot snapshot = SnapshotCodec.decode(json.getBytes(UTF_8));

        assertThat(snapshot.blue().version()).isEqualTo("v1");
        assertThat(snapshot.rollbackTarget()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                 | not json                                  | not valid JSON at offset 0",
        "an array                 | []                                        | the document: an array",
        "trailing content         | {\"format\":1} x                          | found 'x' (expected: the end",
        "a newer format           | {\"format\":4}                            | it was written by a later bluegreen",
        "no format                | {\"generation\":1}                        | format: missing",
        "a missing member         | {\"format\":1,\"generation\":1}           | live: missing",
        "a duplicate member       | {\"format\":1,\"format\":1}               | no second member named \"format\"",
        "a fraction               | {\"format\":1.0}                          | an integer (no fraction or exponent)",
        "a leading zero           | {\"format\":01}                           | an integer without leading zeros",
        "an unterminated string   | {\"format\":\"1                           | the closing '\"' of a string",
    })
    void decode_refusesAMalformedDocument_sayingWhereAndWhat(String what, String json, String message) {
        assertThatThrownBy(() -> SnapshotCodec.decode(json.getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void decode_refusesAnUnknownMember() {
        String json = new String(SnapshotCodec.encode(SNAPSHOT), UTF_8)
                .replace("\"actor\":", "\"colour\":\"x\",\"actor\":");

        assertThatThrownBy(() -> SnapshotCodec.decode(json.getBytes(UTF_8)))
                .hasMessageStartingWith("colour: an unknown member (expected only:");
    }

    @Test
    void decode_namesABadBackendByItsPath() {
        String json = new String(SnapshotCodec.encode(SNAPSHOT), UTF_8).replace("\"port\":8081", "\"port\":70000");

        assertThatThrownBy(() -> SnapshotCodec.decode(json.getBytes(UTF_8)))
                .hasMessage("blue.backends[1].port: 70000 (expected: 1-65535)");
    }

    @Test
    void decode_appliesTheRecordsRules() {
        String json = new String(SnapshotCodec.encode(SNAPSHOT), UTF_8)
                .replace("\"rollbackTarget\":\"blue\"", "\"rollbackTarget\":\"green\"");

        assertThatThrownBy(() -> SnapshotCodec.decode(json.getBytes(UTF_8)))
                .hasMessageContaining("rollbackTarget: GREEN (expected: the idle colour BLUE or null");
    }

    @Test
    void decode_refusesAColourInTheWrongCase_andAnUnknownKind() {
        String upper = new String(SnapshotCodec.encode(SNAPSHOT), UTF_8)
                .replace("\"live\":\"green\"", "\"live\":\"GREEN\"");
        String kind = new String(SnapshotCodec.encode(SNAPSHOT), UTF_8).replace("PROMOTE", "promote");

        assertThatThrownBy(() -> SnapshotCodec.decode(upper.getBytes(UTF_8)))
                .hasMessage("live: \"GREEN\" (expected: blue or green)");
        assertThatThrownBy(() -> SnapshotCodec.decode(kind.getBytes(UTF_8)))
                .hasMessageStartingWith("lastChange: \"promote\" (expected: one of [INITIAL, SWITCH");
    }

    @Test
    void decode_refusesBytesThatAreNotUtf8_andAnEmptyZnode() {
        assertThatThrownBy(() -> SnapshotCodec.decode(new byte[] {'{', (byte) 0xC3, '}'}))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> SnapshotCodec.decode(new byte[0]))
                .hasMessageContaining("the znode is empty");
    }

    @Test
    void decode_refusesDeepNesting() {
        String deep = "[".repeat(40) + "]".repeat(40);

        assertThatThrownBy(() -> SnapshotCodec.decode(deep.getBytes(UTF_8)))
                .hasMessageContaining("at most 16 levels of nesting");
    }

    @Test
    void instanceReport_roundTrips_andIsStrict() {
        InstanceReport report = new InstanceReport(9, Colour.GREEN, Instant.parse("2026-11-26T10:00:00.5Z"));

        assertThat(new String(report.encode(), UTF_8))
                .isEqualTo("{\"format\":1,\"generation\":9,\"live\":\"green\","
                        + "\"reportedAt\":\"2026-11-26T10:00:00.500Z\"}");
        assertThat(InstanceReport.decode(report.encode())).isEqualTo(report);
        assertThatThrownBy(() -> InstanceReport.decode(
                "{\"format\":1,\"generation\":-1,\"live\":\"green\",\"reportedAt\":\"x\"}".getBytes(UTF_8)))
                .hasMessage("generation: -1 (expected: >= 0)");
        assertThatThrownBy(() -> InstanceReport.decode(
                "{\"format\":1,\"generation\":1,\"live\":\"green\",\"reportedAt\":\"yesterday\"}".getBytes(UTF_8)))
                .hasMessageStartingWith("reportedAt: \"yesterday\" (expected: an ISO-8601 instant");
    }
}
