package dev.bluegreen.proxy.internal.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.util.AttributeKey;

/**
 * The preview listener: a second port whose requests all go to the idle colour, for testers and smoke tests that
 * can't add a header. Its connections are the proxy's ordinary client connections, marked by a channel attribute
 * that the connection handler reads once, when the connection opens.
 */
public final class PreviewListener {

    /** Present on the connections of the preview listener. */
    public static final AttributeKey<Boolean> ATTRIBUTE = AttributeKey.valueOf("bluegreen.previewListener");

    private PreviewListener() {
    }

    /** A bootstrap like the proxy's {@code main} one whose accepted connections are marked as preview traffic. */
    public static ServerBootstrap bootstrap(ServerBootstrap main) {
        return main.clone().childAttr(ATTRIBUTE, Boolean.TRUE);
    }
}
