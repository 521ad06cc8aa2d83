package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.proxy.internal.exchange.AbstractClientSide;
import io.netty.bootstrap.ServerBootstrap;


/**
 * The preview listener: a second port whose requests all go to the idle colour, for testers and smoke tests that
 * can't add a header. Its connections are the proxy's ordinary client connections, marked by a channel attribute
 * ({@link AbstractClientSide#PREVIEW_LISTENER}) that the client side reads once, when the connection opens.
 */
public final class PreviewListener {

    private PreviewListener() {
    }

    /** A bootstrap like the proxy's {@code main} one whose accepted connections are marked as preview traffic. */
    public static ServerBootstrap bootstrap(ServerBootstrap main) {
        return main.clone().childAttr(AbstractClientSide.PREVIEW_LISTENER, Boolean.TRUE);
    }
}
