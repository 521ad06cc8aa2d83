package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.MirrorSettings;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;

/**
 * Decides, as a request head goes in, whether it is mirrored: a method that is mirrored, no upgrade, a colour to mirror
 * to, and the loop's draw of the share. Whether the client side then routes it to the live colour is for the call to
 * see, once it has. Thread-safe: it only reads, and each loop draws on its own {@link MirrorLoop}.
 */
final class MirrorPicker {

    private final MirrorServices services;
    private final Map<EventExecutor, MirrorLoop> loops;

    /** @param loops each event loop's mirror state; not changed afterwards */
    MirrorPicker(MirrorServices services, Map<EventExecutor, MirrorLoop> loops) {
        this.services = services;
        this.loops = loops;
    }

    /**
     * Picks (or not) the request whose head is {@code request}, before it goes on to the client side. A picked
     * request over the loop's bound still gets a call, which counts its drop once it is known to be routed to the
     * live colour.
     *
     * @return the call, or {@code null} when the request is not picked
     */
    MirrorCall pick(EventExecutor eventLoop, ByteBufAllocator alloc, HttpRequest request) {
        MirrorSettings settings = services.settings();
        // Upgrades are not mirrored, but only those the proxy carries out: it declines an offer of h2c (which Java's
        // HttpClient and curl --http2 make on every cleartext request) and an Upgrade that Connection does not name,
        // and forwards a plain request, as mirrorable as any other.
        if (request.decoderResult().isFailure() || !settings.methods().contains(request.method().name())
                || MessageHeads.requestedUpgrade(request) != null) {
            return null;
        }
        RoutingSnapshot snapshot = services.targets().snapshot();
        Colour target = services.targets().target(snapshot);
        MirrorLoop loop = loops.get(eventLoop);
        if (target == null || loop == null || !loop.draw(settings.percent())) {
            return null;
        }
        MirrorCall call = new MirrorCall(services, loop, alloc, snapshot, target);
        call.admit();
        return call;
    }
}
