package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.internal.JsonWriter;
import dev.bluegreen.proxy.MirrorReport;
import dev.bluegreen.proxy.MirrorSettings;
import java.util.Map;

/**
 * Renders {@code GET /mirror}: what shadow traffic has found. The top level always carries the totals
 * {@code mirrored}, {@code matched}, {@code mismatched} and {@code dropped} (zero, with {@code enabled: false}, when
 * the proxy mirrors nothing), then the state of mirroring, the drops by reason, each colour's agreement, the counts by
 * route and the latest mismatches with both answers. docs/metrics-and-admin.md documents it.
 */
final class MirrorDocument {

    private MirrorDocument() {
    }

    /** The document for {@code report}, or the zero document when it is {@code null} (mirroring is off). */
    static String of(MirrorReport report) {
        JsonWriter json = JsonWriter.htmlSafe().beginObject();
        if (report == null) {
            return json.field("mirrored", 0).field("matched", 0).field("mismatched", 0).field("dropped", 0)
                    .field("enabled", false).endObject().toString();
        }
        MirrorSettings settings = report.settings();
        json.field("mirrored", report.mirrored())
                .field("matched", report.matched())
                .field("mismatched", report.mismatched())
                .field("dropped", report.dropped())
                .field("enabled", true)
                .field("percent", settings.percent())
                .field("target", report.target() == null ? null : report.target().label())
                .field("paused", report.paused())
                .field("inFlight", report.inFlight())
                .field("bufferedBytes", report.bufferedBytes());
        json.name("droppedBy").beginObject();
        for (Map.Entry<String, Long> reason : report.droppedBy().entrySet()) {
            json.field(reason.getKey(), reason.getValue());
        }
        json.endObject().name("guard");
        if (settings.guarded()) {
            json.beginObject().field("name", "mirror-agreement").field("minRatio", settings.agreementGuard())
                    .field("minPairs", settings.agreementGuardMinPairs()).endObject();
        } else {
            json.value((String) null);
        }
        json.name("agreement").beginObject();
        for (Colour colour : Colour.values()) {
            MirrorReport.Agreement agreement = report.agreement().get(colour);
            json.name(colour.label()).beginObject()
                    .field("pairs", agreement.pairs())
                    .field("matched", agreement.matched())
                    .name("ratio");
            if (agreement.pairs() == 0) {
                json.value((String) null);
            } else {
                json.value(agreement.ratio());
            }
            json.field("window", settings.agreementWindow()).endObject();
        }
        json.endObject().name("routes").beginArray();
        for (MirrorReport.Route route : report.routes()) {
            json.beginObject()
                    .field("method", route.method())
                    .field("route", route.route())
                    .field("mirrored", route.mirrored())
                    .field("matched", route.matched())
                    .field("mismatched", route.mismatched())
                    .field("dropped", route.dropped())
                    .endObject();
        }
        json.endArray().name("samples").beginArray();
        for (MirrorReport.Sample sample : report.samples()) {
            json.beginObject()
                    .field("at", sample.at().toString())
                    .field("method", sample.method())
                    .field("target", sample.target())
                    .field("route", sample.route())
                    .field("colour", sample.colour().label())
                    .name("differences").beginArray();
            sample.differences().forEach(json::value);
            json.endArray();
            side(json.name("live"), sample.live());
            side(json.name("mirror"), sample.mirror());
            json.endObject();
        }
        return json.endArray().endObject().toString();
    }

    private static void side(JsonWriter json, MirrorReport.Side side) {
        json.beginObject().field("status", side.status()).name("headers").beginObject();
        side.headers().forEach(json::field);
        json.endObject()
                .field("bodyBytes", side.bodyBytes())
                .field("body", side.body())
                .endObject();
    }
}
