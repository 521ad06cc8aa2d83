package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.FleetStatus;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.internal.JsonWriter;
import dev.bluegreen.proxy.BackendHealth;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.Drain;
import dev.bluegreen.proxy.DrainReport;
import java.util.List;
import java.util.Optional;

/** Renders the admin endpoint's JSON documents; the README documents the schema. */
final class StatusDocument {

    private StatusDocument() {
    }

    /**
     * {@code GET /status}: the routing snapshot and both pools; with a proxy, each pool's live counts, cumulative
     * exchange and failure counts, and its latest drain.
     */
    static String status(RoutingSnapshot snapshot, BlueGreenProxy proxy) {
        JsonWriter json = JsonWriter.htmlSafe().beginObject()
                .field("live", snapshot.live().label())
                .field("generation", snapshot.generation())
                .field("rollbackTarget", snapshot.rollbackColour().map(Colour::label).orElse(null))
                .field("shiftPercent", snapshot.shiftPercent())
                .name("lastChange").beginObject()
                .field("kind", snapshot.lastChange().name())
                .field("forced", snapshot.forced())
                .field("at", snapshot.changedAt().toString())
                .field("actor", snapshot.actor())
                .field("reason", snapshot.reason())
                .endObject();
        if (proxy != null) {
            json.field("loadBalancing", proxy.loadBalancing().label())
                    .field("requestsQueued", proxy.requestsQueued());
        }
        json.name("pools").beginObject();
        for (Colour colour : Colour.values()) {
            pool(json.name(colour.label()), snapshot, snapshot.environment(colour), proxy);
        }
        return json.endObject().endObject().toString();
    }

    private static void pool(JsonWriter json, RoutingSnapshot snapshot, Environment environment, BlueGreenProxy proxy) {
        Colour colour = environment.colour();
        json.beginObject()
                .field("version", environment.version())
                .field("live", snapshot.live() == colour);
        if (proxy != null) {
            json.field("activeExchanges", proxy.activeExchanges(colour))
                    .field("upstreamConnections", proxy.upstreamConnections(colour))
                    .field("requests", proxy.exchangesEnded(colour))
                    .field("errors", proxy.failedExchanges(colour));
            drain(json.name("drain"), proxy.drain(colour));
        }
        json.name("backends").beginArray();
        for (Backend backend : environment.backends()) {
            json.beginObject()
                    .field("id", backend.id())
                    .field("host", backend.host())
                    .field("port", backend.port())
                    .field("weight", backend.weight())
                    .field("maxRequests", backend.maxRequests());
            if (proxy != null) {
                json.field("requestsUnderWay", proxy.requestsUnderWay(backend));
                health(json.name("health"), proxy.health(colour, backend));
            }
            json.endObject();
        }
        json.endArray().endObject();
    }

    /** A backend's health: the checks' verdict, any ejection, the last check and why. */
    private static void health(JsonWriter json, BackendHealth health) {
        json.beginObject()
                .field("state", health.state().name())
                .field("usable", health.usable())
                .field("ejectedUntil", health.ejectedUntil() == null ? null : health.ejectedUntil().toString())
                .field("lastChecked", health.lastChecked() == null ? null : health.lastChecked().toString())
                .field("reason", health.lastReason())
                .endObject();
    }

    private static void drain(JsonWriter json, Optional<Drain> latest) {
        if (latest.isEmpty()) {
            json.value((String) null);
            return;
        }
        Drain drain = latest.get();
        DrainReport report = drain.completion().getNow(null);
        json.beginObject()
                .field("generation", drain.generation())
                .field("startedAt", drain.startedAt().toString())
                .field("deadline", drain.deadline().toString())
                .field("activeExchanges", drain.activeExchanges())
                .field("openConnections", drain.openConnections())
                .field("done", report != null)
                .field("outcome", report == null ? null : report.outcome().name())
                .field("exchangesAtStart", drain.exchangesAtStart())
                .field("connectionsAtStart", drain.connectionsAtStart());
        if (report == null) {
            json.name("tookMillis").value((String) null);
        } else {
            json.field("tookMillis", report.took().toMillis());
        }
        // Live: what the deadline closed so far, before the report exists (a drain can outlive its deadline a moment).
        json.field("forcedClosed", report == null ? drain.forcedClosed() : report.forcedClosed());
        json.endObject();
    }

    /**
     * {@code GET /history}: the applied changes (oldest first, each with its drain report once that drain has
     * ended) and the refused attempts.
     */
    static String history(List<Change> changes, List<RefusedChange> refusals, BlueGreenProxy proxy) {
        JsonWriter json = JsonWriter.htmlSafe().beginObject().name("changes").beginArray();
        for (Change change : changes) {
            json.beginObject()
                    .field("generation", change.generation())
                    .field("kind", change.kind().name())
                    .field("from", change.from().label())
                    .field("to", change.to().label())
                    .field("at", change.at().toString())
                    .field("actor", change.actor())
                    .field("reason", change.reason())
                    // A caller's own reason need not say the guards were skipped; this does.
                    .field("forced", change.forced())
                    // The fleet instance that made it, when the store records one (null otherwise).
                    .field("instance", change.instance())
                    .name("drain");
            Optional<DrainReport> report = proxy == null ? Optional.empty()
                    : proxy.drainReport(change.generation());
            if (report.isEmpty()) {
                json.value((String) null);
            } else {
                DrainReport r = report.get();
                json.beginObject()
                        .field("colour", r.colour().label())
                        .field("outcome", r.outcome().name())
                        .field("tookMillis", r.took().toMillis())
                        .field("exchangesAtStart", r.exchangesAtStart())
                        .field("connectionsAtStart", r.connectionsAtStart())
                        .field("forcedClosed", r.forcedClosed())
                        .endObject();
            }
            json.endObject();
        }
        json.endArray().name("refusals").beginArray();
        for (RefusedChange refused : refusals) {
            json.beginObject()
                    .field("at", refused.at().toString())
                    .field("actor", refused.actor())
                    .field("reason", refused.reason())
                    .field("attempt", refused.attempt())
                    .field("refusal", refused.refusal().name())
                    .field("message", refused.message())
                    .field("generation", refused.generation())
                    .field("live", refused.live().label())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    /**
     * {@code GET /fleet}: this instance's view of the instances sharing its store.
     *
     * @param generation the generation the caller asked about (or this instance's)
     * @param error      why the wait ended unmet, or {@code null}
     */
    static String fleet(FleetStatus status, long generation, String error) {
        JsonWriter json = JsonWriter.htmlSafe().beginObject()
                .field("instance", status.instanceId())
                .field("connected", status.connected())
                .field("generation", generation)
                .field("at", status.at().toString())
                .field("allReached", status.allReached(generation));
        if (error != null) {
            json.field("error", error);
        }
        json.name("instances").beginArray();
        for (FleetStatus.Member member : status.members()) {
            json.beginObject()
                    .field("id", member.id())
                    .field("generation", member.generation())
                    .field("live", member.live() == null ? null : member.live().label())
                    .field("reachable", member.reachable())
                    .field("reportedAt", member.reportedAt() == null ? null : member.reportedAt().toString())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    /** A refused change (409). */
    static String refusal(ChangeRefusedException refused, long generation) {
        return JsonWriter.htmlSafe().beginObject()
                .field("error", refused.getMessage())
                .field("refusal", refused.refusal().name())
                .field("guard", refused.guard().orElse(null))
                .field("generation", generation)
                .endObject().toString();
    }

    /** Any other error (400, 401, 404, 405, 500). */
    static String error(String message) {
        return JsonWriter.htmlSafe().beginObject().field("error", message).endObject().toString();
    }
}
