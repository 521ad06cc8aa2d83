package dev.bluegreen.proxy.internal.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.IoTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the loops of a {@link YieldingEventLoopGroup} give up their core: after I/O, never for tasks alone. */
class YieldingEventLoopGroupTest {

    private final Transport transport = Transport.select(IoTransport.AUTO);
    private final AtomicInteger yields = new AtomicInteger();
    private final CountDownLatch yielded = new CountDownLatch(1);
    private final EventLoopGroup group = new YieldingEventLoopGroup(1, new DefaultThreadFactory("yielding-test", true),
            transport.ioHandlerFactory(), () -> {
                yields.incrementAndGet();
                yielded.countDown();
            });

    @AfterEach
    void shutDown() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aLoop_yieldsAfterARoundOfIo_thatHandledSomething() throws Exception {
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelType())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        ctx.writeAndFlush(message);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
                ((InetSocketAddress) server.localAddress()).getPort())) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            byte[] echoed = new byte[4];
            for (int i = 0; i < 3; i++) {
                out.write("ping".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readNBytes(echoed, 0, 4)).isEqualTo(4);
                assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("ping");
            }
        } finally {
            server.close().sync();
        }

        // The round ends (and the loop yields) once no more completions come: io_uring's may take in all three
        // echoes, and end after the client has its last one.
        assertThat(yielded.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLoop_thatOnlyRunsTasks_neverYields() throws Exception {
        CountDownLatch ran = new CountDownLatch(200);
        for (int i = 0; i < 100; i++) {
            // Each from outside the loop: a wake-up of the loop, which is no I/O of a channel.
            group.execute(ran::countDown);
            group.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
        }

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(yields.get()).isZero();
    }
}
