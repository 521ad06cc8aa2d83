package dev.bluegreen.drill.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;

/**
 * The pipeline of a drill connection: {@code HttpClientCodec → ConnectionSlot}. Bodies are not aggregated: the slot
 * counts and releases them as they arrive.
 */
final class SlotInitializer extends ChannelInitializer<SocketChannel> {

    private final ConnectionSlot slot;

    SlotInitializer(ConnectionSlot slot) {
        this.slot = slot;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast("http", new HttpClientCodec()).addLast("slot", slot);
    }
}
