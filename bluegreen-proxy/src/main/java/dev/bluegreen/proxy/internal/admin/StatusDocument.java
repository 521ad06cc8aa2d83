package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.ProxyCounters;
import java.util.List;

/** Renders the admin endpoint's JSON documents; the schema is documented in the README. */
final class StatusDocument {

    private StatusDocument() {
    }

    /** {@code GET /status}: the routing snapshot, both pools, and the proxy's live counts when it has a proxy. */
    static String status(RoutingSnapshot snapshot, ProxyCounters counters) {
        Json json = new Json().beginObject()
                .field("live", snapshot.live().label())
                .field("generation", snapshot.generation())
                .field("rollbackTarget", snapshot.rollbackColour().map(Colour::label).orElse(null))
                .name("lastChange").beginObject()
                .field("kind", snapshot.lastChange().name())
                .field("at", snapshot.changedAt().toString())
                .field("reason", snapshot.reason())
                .endObject()
                .name("pools").beginObject();
        for (Colour colour : Colour.values()) {
            pool(json.name(colour.label()), snapshot, snapshot.environment(colour), counters);
        }
        return json.endObject().endObject().toString();
    }

    private static void pool(Json json, RoutingSnapshot snapshot, Environment environment, ProxyCounters counters) {
        json.beginObject()
                .field("version", environment.version())
                .field("live", snapshot.live() == environment.colour());
        if (counters != null) {
            json.field("activeExchanges", counters.activeExchanges(environment.colour()))
                    .field("upstreamConnections", counters.openConnections(environment.colour()));
        }
        json.name("backends").beginArray();
        for (Backend backend : environment.backends()) {
            json.beginObject()
                    .field("id", backend.id())
                    .field("host", backend.host())
                    .field("port", backend.port())
                    .field("weight", backend.weight())
                    .endObject();
        }
        json.endArray().endObject();
    }

    /** {@code GET /history}: the changes the admin object remembers, oldest first. */
    static String history(List<Change> changes) {
        Json json = new Json().beginObject().name("changes").beginArray();
        for (Change change : changes) {
            json.beginObject()
                    .field("generation", change.generation())
                    .field("kind", change.kind().name())
                    .field("from", change.from().label())
                    .field("to", change.to().label())
                    .field("at", change.at().toString())
                    .field("reason", change.reason())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    /** A refused change (409). */
    static String refusal(ChangeRefusedException refused, long generation) {
        return new Json().beginObject()
                .field("error", refused.getMessage())
                .field("refusal", refused.refusal().name())
                .field("generation", generation)
                .endObject().toString();
    }

    /** Any other error (400, 404, 405, 500). */
    static String error(String message) {
        return new Json().beginObject().field("error", message).endObject().toString();
    }
}
